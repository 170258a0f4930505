/**
 * The audit trail's tables (src/audit): the hash-chained entries, the head row, the signed
 * checkpoints and the checkpoint keys. Registered in `src/migrations.ts`; a released step is never
 * renamed nor edited.
 */
import type { Knex } from "knex";
import type { Migration } from "../storage/index.ts";
import { addColumns, instant, isPostgres } from "../storage/index.ts";

/** Blocks UPDATE and DELETE on an append-only table (defence in depth; the hash chain is the proof). */
async function appendOnly(knex: Knex, table: string): Promise<void> {
  if (isPostgres(knex)) {
    await knex.raw(`
      create or replace function passerelle_append_only() returns trigger language plpgsql as $$
      begin raise exception '% is append-only', TG_TABLE_NAME; end $$;`);
    await knex.raw(
      `create trigger ${table}_append_only before update or delete on ${table}
       for each row execute function passerelle_append_only()`,
    );
  } else {
    for (const op of ["update", "delete"]) {
      await knex.raw(
        `create trigger ${table}_no_${op} before ${op} on ${table}
         begin select raise(abort, '${table} is append-only'); end`,
      );
    }
  }
}

export const AUDIT_MIGRATIONS: readonly Migration[] = [
  {
    name: "0002_audit",
    async up(knex) {
      await knex.schema.createTable("audit_entries", (t) => {
        t.bigInteger("seq").primary();
        instant(t, "time").notNullable().index();
        t.string("actor", 255).notNullable();
        t.string("action", 40).notNullable();
        t.string("sheet_id", 255).index();
        t.string("transfer_id", 255).index();
        t.string("room_id", 255);
        t.string("event_id", 255);
        t.string("member_id", 255);
        t.string("pdf_sha256", 64);
        t.string("patient_ref", 64).index();
        t.string("outcome", 10).notNullable();
        t.string("reason", 64);
        t.string("prev_hash", 64).notNullable();
        t.string("hash", 64).notNullable();
      });
      // The head row: its update serialises appenders across processes (see audit/store.ts).
      await knex.schema.createTable("audit_head", (t) => {
        t.integer("id").primary();
        t.bigInteger("seq").notNullable();
        t.string("hash", 64).notNullable();
        t.string("writer", 64);
      });
      await knex("audit_head").insert({ id: 1, seq: 0, hash: "0".repeat(64), writer: null });
      await knex.schema.createTable("audit_checkpoints", (t) => {
        t.increments("id").primary();
        t.bigInteger("seq").notNullable().index();
        t.string("head_hash", 64).notNullable();
        instant(t, "time").notNullable();
        t.string("kid", 64).notNullable();
        t.text("jws").notNullable();
      });
      await knex.schema.createTable("audit_keys", (t) => {
        t.string("kid", 64).primary();
        t.text("public_jwk").notNullable();
        instant(t, "created_at").notNullable();
      });
      await appendOnly(knex, "audit_entries");
      await appendOnly(knex, "audit_checkpoints");
    },
    async down(knex) {
      for (const t of ["audit_keys", "audit_checkpoints", "audit_head", "audit_entries"]) {
        await knex.schema.dropTable(t);
      }
    },
  },
  {
    // The audit's part of a step shared with the transfers module: the Matrix device id that sent
    // an encrypted acknowledgement (`device`).
    name: "0010_ack_device_resends",
    part: true,
    ...addColumns("audit_entries", { device_id: (t, name) => t.string(name, 64) }),
  },
  {
    // The SHA-256 of a hospital document received (src/documents), in its audit entries.
    name: "0014_audit_document_sha256",
    ...addColumns("audit_entries", { document_sha256: (t, name) => t.string(name, 64) }),
  },
];
