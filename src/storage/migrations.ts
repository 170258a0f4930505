import type { Knex } from "knex";
import { DOCUMENT_MIGRATIONS } from "../documents/migrations.ts";

/** One schema step. Names sort in application order; never rename or edit a released one. */
export interface Migration {
  readonly name: string;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Table where knex records applied migrations. */
export const MIGRATIONS_TABLE = "passerelle_migrations";

const isPostgres = (knex: Knex): boolean => (knex.client as Knex.Client).config.client === "pg";

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

/** The ordered migrations, in code (no files discovered at run time). */
export const MIGRATIONS: readonly Migration[] = [
  {
    name: "0001_directory",
    async up(knex) {
      await knex.schema.createTable("structures", (t) => {
        t.increments("id").primary();
        t.string("finess", 9).unique();
        t.string("siret", 14).unique();
        t.string("kind", 20).notNullable();
        t.string("name", 200).notNullable();
        t.string("postcode", 5);
        t.string("commune_code", 5);
        t.integer("parent_id").references("id").inTable("structures");
        t.string("created_at", 30).notNullable();
        t.string("updated_at", 30).notNullable();
      });
      await knex.schema.createTable("members", (t) => {
        t.increments("id").primary();
        t.string("rpps", 11).unique();
        t.string("adeli", 9).unique();
        t.string("last_name", 100);
        t.string("first_name", 100);
        t.string("display_name", 200).notNullable();
        t.string("name_key", 200).notNullable().index();
        t.string("name_key_alt", 200).notNullable().index();
        t.string("profession_code", 4).notNullable().index();
        t.string("speciality_code", 20);
        t.string("speciality_label", 200);
        t.integer("structure_id").references("id").inTable("structures");
        t.string("matrix_id", 255).unique();
        t.string("postcode", 5).index();
        t.string("commune_code", 5).index();
        t.boolean("active").notNullable().defaultTo(true);
        t.string("created_at", 30).notNullable();
        t.string("updated_at", 30).notNullable();
      });
      await knex.schema.createTable("member_roles", (t) => {
        t.integer("member_id").notNullable().references("id").inTable("members").onDelete("CASCADE");
        t.string("role", 20).notNullable();
        t.primary(["member_id", "role"]);
      });
      await knex.schema.createTable("territory", (t) => {
        t.string("kind", 10).notNullable();
        t.string("code", 5).notNullable();
        t.primary(["kind", "code"]);
      });
    },
    async down(knex) {
      for (const t of ["territory", "member_roles", "members", "structures"]) await knex.schema.dropTable(t);
    },
  },
  {
    name: "0002_audit",
    async up(knex) {
      await knex.schema.createTable("audit_entries", (t) => {
        t.bigInteger("seq").primary();
        t.string("time", 30).notNullable().index();
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
        t.string("time", 30).notNullable();
        t.string("kid", 64).notNullable();
        t.text("jws").notNullable();
      });
      await knex.schema.createTable("audit_keys", (t) => {
        t.string("kid", 64).primary();
        t.text("public_jwk").notNullable();
        t.string("created_at", 30).notNullable();
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
    // Transfers (src/transfers): the outbox, its recipients, the state history and the room of
    // each transfer context. Only the signed PDF and the validated JSON (the payload) hold the
    // INS; everything else is ids, hashes and the patient's pseudonym.
    name: "0003_transfers",
    async up(knex) {
      await knex.schema.createTable("transfer_rooms", (t) => {
        t.string("context_key", 64).primary();
        t.string("room_id", 255).notNullable().unique();
        t.string("reference", 32).notNullable();
        t.string("created_at", 30).notNullable();
      });
      await knex.schema.createTable("transfers", (t) => {
        t.string("id", 64).primary();
        t.string("form", 40).notNullable();
        t.string("kind", 40).notNullable();
        t.string("sheet_id", 64).notNullable().unique();
        t.string("pdf_sha256", 64).notNullable();
        t.binary("pdf").notNullable();
        t.text("payload_json").notNullable();
        t.string("patient_ref", 64).notNullable().index();
        t.string("sender", 255).notNullable();
        t.string("sender_unit", 255).notNullable();
        t.string("context_key", 64).notNullable().index();
        t.string("room_id", 255);
        t.string("state", 20).notNullable();
        t.integer("attempts").notNullable().defaultTo(0);
        t.string("next_attempt_at", 30).notNullable();
        t.string("lease_owner", 100);
        t.string("lease_expires_at", 30);
        t.string("last_reason", 64);
        t.string("file_event_id", 255);
        t.string("sheet_event_id", 255).index();
        t.string("text_event_id", 255);
        t.string("created_at", 30).notNullable();
        t.string("updated_at", 30).notNullable();
        t.string("sent_at", 30);
        t.string("escalated_at", 30);
        t.integer("escalations").notNullable().defaultTo(0);
        t.index(["state", "next_attempt_at"]);
      });
      await knex.schema.createTable("transfer_recipients", (t) => {
        t.string("transfer_id", 64).notNullable().references("id").inTable("transfers");
        t.integer("member_id").notNullable().references("id").inTable("members");
        t.string("member_ref", 40).notNullable();
        t.string("matrix_id", 255).notNullable();
        t.string("delivered_at", 30);
        t.string("read_at", 30);
        t.string("acknowledged_at", 30);
        t.primary(["transfer_id", "member_id"]);
      });
      await knex.schema.createTable("transfer_events", (t) => {
        t.increments("id").primary();
        t.string("transfer_id", 64).notNullable().references("id").inTable("transfers").index();
        t.string("step", 20).notNullable();
        t.string("at", 30).notNullable();
        t.string("matrix_event_id", 255);
        t.string("member_ref", 40);
        t.string("reason", 64);
      });
    },
    async down(knex) {
      for (const t of ["transfer_events", "transfer_recipients", "transfers", "transfer_rooms"]) {
        await knex.schema.dropTable(t);
      }
    },
  },
  // 0004_ (evidence): durable deduplication of inbound Matrix evidence, so that a restart's
  // catch-up never records or audits one thing twice, and the hub's own sheet echo seen before
  // the worker recorded `sent`.
  {
    name: "0004_evidence",
    async up(knex) {
      await knex.schema.createTable("matrix_evidence", (t) => {
        // `echo` (the hub's own sheet event back through sync), `delivered`, `read`,
        // `acknowledged`, `answered`.
        t.string("kind", 20).notNullable();
        t.string("user_id", 255).notNullable();
        t.string("event_id", 255).notNullable();
        t.string("seen_at", 30).notNullable();
        t.primary(["kind", "user_id", "event_id"]);
        t.index(["event_id"]);
      });
    },
    async down(knex) {
      await knex.schema.dropTable("matrix_evidence");
    },
  },
  // --- escalation (0005_): admission to a unit, tele-expertise answers and deadlines ---
  {
    // `recipient_structure_id`: the hospital unit an admission was addressed to; `in_reply_to`: the
    // tele-expertise request an answer replies to (unique: one answer per request);
    // `answer_due_at`: the answer deadline of a tele-expertise request (`request.answerBy`).
    name: "0005_escalation",
    async up(knex) {
      await knex.schema.alterTable("transfers", (t) => {
        t.integer("recipient_structure_id").references("id").inTable("structures");
        t.string("in_reply_to", 64).unique();
        t.string("answer_due_at", 30);
      });
    },
    async down(knex) {
      await knex.schema.alterTable("transfers", (t) => {
        t.dropUnique(["in_reply_to"]);
        t.dropColumn("recipient_structure_id");
        t.dropColumn("in_reply_to");
        t.dropColumn("answer_due_at");
      });
    },
  },
  // ---- adt: care circles and the ADT feed. ----
  {
    // Care circles (src/circles): keyed by the patient pseudonym (HMAC of the INS), never the INS.
    // ADT messages (src/adt) are kept whole (raw HL7 or JSON) because the notices need the
    // patient's identity; they are the only rows here that hold patient data.
    name: "0007_circles_adt",
    async up(knex) {
      await knex.schema.createTable("circle_patients", (t) => {
        t.string("patient_ref", 64).primary();
        t.string("objection_at", 30);
        t.string("objection_source", 20);
        t.string("created_at", 30).notNullable();
        t.string("updated_at", 30).notNullable();
      });
      await knex.schema.createTable("circle_members", (t) => {
        t.increments("id").primary();
        t.string("patient_ref", 64).notNullable().index();
        t.integer("member_id").notNullable().references("id").inTable("members");
        t.string("since", 10).notNullable();
        t.string("source", 20).notNullable();
        t.string("consent", 20).notNullable();
        t.string("joined_at", 30).notNullable();
        t.string("left_at", 30);
        t.index(["patient_ref", "member_id"]);
      });
      await knex.schema.createTable("adt_messages", (t) => {
        t.increments("id").primary();
        t.string("sender", 200).notNullable();
        t.string("control_id", 64).notNullable();
        t.string("trigger", 3).notNullable();
        t.string("patient_ref", 64).notNullable().index();
        t.text("event_json").notNullable();
        t.text("raw");
        t.string("state", 12).notNullable();
        t.string("received_at", 30).notNullable();
        t.string("processed_at", 30);
        t.string("last_reason", 64);
        t.unique(["sender", "control_id"]);
        t.index(["state", "id"]);
      });
      await knex.schema.createTable("adt_units", (t) => {
        t.string("facility", 64).notNullable();
        t.string("unit", 64).notNullable();
        t.string("name", 200).notNullable();
        t.string("phone", 30);
        t.string("contact_rpps", 11);
        t.primary(["facility", "unit"]);
      });
      await knex.schema.createTable("adt_stays", (t) => {
        t.string("stay_key", 64).primary();
        t.string("patient_ref", 64).notNullable().index();
        t.string("facility", 64).notNullable();
        t.string("unit", 64);
        t.string("admitted_at", 30);
        t.string("discharged_at", 30);
        t.string("discharge_day", 10).index();
        t.string("admission_notice", 64);
        t.string("discharge_notice", 64);
        t.integer("discharge_message");
        t.string("letter_transfer", 64);
        t.string("letter_check", 12);
        t.string("cancelled", 3);
        t.string("updated_at", 30).notNullable();
      });
    },
    async down(knex) {
      for (const t of ["adt_stays", "adt_units", "adt_messages", "circle_members", "circle_patients"]) {
        await knex.schema.dropTable(t);
      }
    },
  },
  {
    // An ADT unit may name its directory structure (kind `unit`), whose staff receive the
    // unit's reminders and the admission sheets sent back by the care circle, in the unit's room
    name: "0008_adt_unit_structure",
    async up(knex) {
      await knex.schema.alterTable("adt_units", (t) => {
        t.integer("structure_id");
      });
    },
    async down(knex) {
      await knex.schema.alterTable("adt_units", (t) => {
        t.dropColumn("structure_id");
      });
    },
  },
  {
    // ADT frames the feed refused (AE/AR), kept whole for review: raw bytes (patient data, like
    // adt_messages.raw), reason code, ACK code and ERR-2 location; one row per distinct frame.
    name: "0009_adt_rejected",
    async up(knex) {
      await knex.schema.createTable("adt_rejected", (t) => {
        t.increments("id").primary();
        t.string("digest", 64).notNullable().unique();
        t.string("received_at", 30).notNullable();
        t.string("ack", 2).notNullable();
        t.string("reason", 64).notNullable();
        t.string("location", 20).notNullable();
        t.string("sender", 200);
        t.string("control_id", 64);
        t.string("trigger", 3);
        t.string("charset", 20);
        t.integer("size").notNullable();
        t.binary("raw");
      });
    },
    async down(knex) {
      await knex.schema.dropTable("adt_rejected");
    },
  },
  {
    // Acknowledgements that prove a device: the Matrix device id that sent an encrypted
    // acknowledgement, in the audit (`device`), the recipient's row and the history. Re-sends of a
    // sheet (`!renvoyer`): an outbox of their own, one row per request event, leased like transfers.
    name: "0010_ack_device_resends",
    async up(knex) {
      await knex.schema.alterTable("audit_entries", (t) => {
        t.string("device_id", 64);
      });
      await knex.schema.alterTable("transfer_recipients", (t) => {
        t.string("acknowledged_device_id", 64);
      });
      await knex.schema.alterTable("transfer_events", (t) => {
        t.string("device_id", 64);
      });
      await knex.schema.createTable("transfer_resends", (t) => {
        t.string("id", 64).primary();
        t.string("transfer_id", 64).notNullable().references("id").inTable("transfers").index();
        // The `!renvoyer` message: one re-send per request, however often it is replayed.
        t.string("request_event_id", 255).notNullable().unique();
        t.string("requested_by", 255).notNullable();
        t.string("member_ref", 40).notNullable();
        t.string("room_id", 255).notNullable();
        t.string("state", 20).notNullable();
        t.integer("attempts").notNullable().defaultTo(0);
        t.string("next_attempt_at", 30).notNullable();
        t.string("lease_owner", 100);
        t.string("lease_expires_at", 30);
        t.string("last_reason", 64);
        t.string("event_id", 255);
        t.string("created_at", 30).notNullable();
        t.string("sent_at", 30);
        t.index(["state", "next_attempt_at"]);
      });
    },
    async down(knex) {
      await knex.schema.dropTable("transfer_resends");
      await knex.schema.alterTable("transfer_events", (t) => {
        t.dropColumn("device_id");
      });
      await knex.schema.alterTable("transfer_recipients", (t) => {
        t.dropColumn("acknowledged_device_id");
      });
      await knex.schema.alterTable("audit_entries", (t) => {
        t.dropColumn("device_id");
      });
    },
  },
  ...DOCUMENT_MIGRATIONS,
];

/** A knex migration source over {@link MIGRATIONS}: order is the array's, not a directory listing. */
export class CodeMigrationSource implements Knex.MigrationSource<Migration> {
  readonly #migrations: readonly Migration[];
  constructor(migrations: readonly Migration[] = MIGRATIONS) {
    this.#migrations = migrations;
  }
  getMigrations(): Promise<Migration[]> {
    return Promise.resolve([...this.#migrations]);
  }
  getMigrationName(m: Migration): string {
    return m.name;
  }
  getMigration(m: Migration): Promise<Knex.Migration> {
    return Promise.resolve({ up: (k: Knex) => m.up(k), down: (k: Knex) => m.down(k) });
  }
}

const migratorConfig = (): Knex.MigratorConfig => ({
  migrationSource: new CodeMigrationSource(),
  tableName: MIGRATIONS_TABLE,
});

/** How long an instance waits for another one's migrations before giving up. */
const MIGRATION_WAIT_MS = 60_000;

/** Applies pending migrations; safe when several instances start at once. Returns their names. */
export async function migrateLatest(knex: Knex): Promise<string[]> {
  // Time-bound, not count-bound: on a loaded machine the winner's migrations (fsync'd) took longer
  // than 30 short retries, and the loser gave up with MigrationLocked.
  const deadline = Date.now() + MIGRATION_WAIT_MS;
  for (;;) {
    try {
      const [, applied] = (await knex.migrate.latest(migratorConfig())) as [number, string[]];
      return applied;
    } catch (e) {
      if (Date.now() >= deadline || !isStartupRace(e)) throw e;
      await new Promise((resolve) => setTimeout(resolve, 50 + Math.random() * 200));
    }
  }
}

/**
 * Two instances starting together on a fresh database race to create knex's bookkeeping tables
 * (knex checks, then creates) or find its migration lock taken. Both are retried: the loser then
 * sees the winner's migrations applied and does nothing.
 */
function isStartupRace(e: unknown): boolean {
  if (!(e instanceof Error)) return false;
  const code = "code" in e && typeof e.code === "string" ? e.code : "";
  return (
    e.name === "MigrationLocked" ||
    /already locked|already exists/i.test(e.message) ||
    ["42P07", "23505", "SQLITE_BUSY"].includes(code)
  );
}

/** Names of applied and pending migrations. */
export async function migrationStatus(knex: Knex): Promise<{ applied: string[]; pending: string[] }> {
  const [done, pending] = (await knex.migrate.list(migratorConfig())) as [{ name: string }[], Migration[]];
  return { applied: done.map((m) => m.name), pending: pending.map((m) => m.name) };
}
