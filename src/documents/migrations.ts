import type { Knex } from "knex";

/** One schema step (the shape of `src/storage/migrations.ts`). */
interface DocumentMigration {
  readonly name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/**
 * The documents service's schema, registered after the storage module's migrations.
 *
 * `0011_documents`:
 * - `documents`: each hospital document received (HL7 MDM/ORU, HTTP, CLI), byte for byte
 *   (`content`), with its SHA-256, its own id (the idempotency key, unique), version links, the
 *   patient's pseudonym, the visit number, the state (`queued`, `to_route`, `masked`) and the transfer
 *   made from it. `incoming_json` keeps what the channel said (identity traits included): like
 *   `transfers.payload_json`, these rows hold patient data (the database file is 0600).
 * - `transfer_routing`: who receives a transfer and why (source and reason code), in routing order.
 * - `transfers.evidence_asked` (what the sender asked for: `reception`, `reading`) and
 *   `transfers.replaces` (the transfer a new version replaces, in the same room).
 * - `adt_stays.visit` (PV1-19, to find a stay from a document's visit number) and
 *   `adt_stays.physicians_json` (the ROL segment's professionals, IHE PAM France).
 * - `audit_entries.document_sha256`: the SHA-256 of a received document in its audit entries.
 */
export const DOCUMENT_MIGRATIONS: readonly DocumentMigration[] = [
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
      await knex.schema.createTable("transfer_routing", (t) => {
        t.string("transfer_id", 64).notNullable().references("id").inTable("transfers");
        t.integer("position").notNullable();
        t.string("rpps", 11).notNullable();
        t.string("source", 12).notNullable();
        t.string("reason", 64).notNullable();
        t.primary(["transfer_id", "position"]);
      });
      await knex.schema.alterTable("transfers", (t) => {
        t.string("evidence_asked", 40);
        t.string("replaces", 64).index();
      });
      await knex.schema.alterTable("adt_stays", (t) => {
        t.string("visit", 64);
        t.text("physicians_json");
        t.index(["patient_ref", "visit"]);
      });
      await knex.schema.alterTable("audit_entries", (t) => {
        t.string("document_sha256", 64);
      });
    },
    async down(knex) {
      await knex.schema.alterTable("audit_entries", (t) => {
        t.dropColumn("document_sha256");
      });
      await knex.schema.alterTable("adt_stays", (t) => {
        t.dropIndex(["patient_ref", "visit"]);
        t.dropColumn("visit");
        t.dropColumn("physicians_json");
      });
      await knex.schema.alterTable("transfers", (t) => {
        t.dropIndex(["replaces"]);
        t.dropColumn("evidence_asked");
        t.dropColumn("replaces");
      });
      await knex.schema.dropTable("transfer_routing");
      await knex.schema.dropTable("documents");
    },
  },
];
