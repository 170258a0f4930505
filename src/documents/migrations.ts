import type { Migration } from "../storage/index.ts";

/**
 * The documents service's schema, registered after the storage module's migrations.
 *
 * `0011_documents`:
 * - `documents`: each hospital document received (HL7 MDM/ORU, HTTP, CLI), byte for byte
 *   (`content`), with its SHA-256, its own id (the idempotency key, unique), version links, the
 *   patient's pseudonym, the visit number, the state (`queued`, `to_route`, `masked`) and the transfer
 *   made from it. `incoming_json` keeps what the channel said (identity traits included): like
 *   `transfers.payload_json`, these rows hold patient data (the database file is 0600).
 *
 * The other modules' columns documents need are theirs: `0012_transfer_routing` (transfers),
 * `0013_adt_stay_physicians` (ADT), `0014_audit_document_sha256` (audit).
 */
export const DOCUMENT_MIGRATIONS: readonly Migration[] = [
  {
    name: "0011_documents",
    async up(knex) {
      await knex.schema.createTable("documents", (t) => {
        t.string("id", 64).primary();
        t.string("document_id", 255).notNullable().unique();
        t.string("set_id", 255).index();
        t.integer("version_number");
        t.string("replaces", 255);
        t.string("cancellation", 3);
        t.string("type_code", 20).notNullable();
        t.string("channel", 10).notNullable();
        t.string("patient_ref", 64).notNullable().index();
        t.string("visit_number", 64);
        t.string("content_kind", 4).notNullable();
        t.binary("content").notNullable();
        t.string("sha256", 64).notNullable();
        t.text("incoming_json").notNullable();
        t.string("state", 12).notNullable();
        t.string("transfer_id", 64);
        t.string("received_at", 30).notNullable();
        t.string("routed_at", 30);
        t.string("routed_by", 255);
        t.string("escalated_at", 30);
        t.integer("escalations").notNullable().defaultTo(0);
        t.index(["state", "received_at"]);
        t.index(["patient_ref", "visit_number"]);
      });
    },
    async down(knex) {
      await knex.schema.dropTable("documents");
    },
  },
];
