/**
 * The transfers module's tables (src/transfers): the outbox, its recipients, the state history,
 * the room of each transfer context, the inbound Matrix evidence and the re-sends. Registered in
 * `src/migrations.ts`; a released step is never renamed nor edited.
 */
import type { Knex } from "knex";
import type { Migration } from "../../storage/index.ts";
import { instant } from "../../storage/index.ts";

/** The columns of a leased outbox row (transfers, re-sends): state, retries and the lease (claim.ts). */
function outboxColumns(t: Knex.CreateTableBuilder): void {
  t.string("state", 20).notNullable();
  t.integer("attempts").notNullable().defaultTo(0);
  instant(t, "next_attempt_at").notNullable();
  t.string("lease_owner", 100);
  instant(t, "lease_expires_at");
  t.string("last_reason", 64);
}

export const TRANSFERS_MIGRATIONS: readonly Migration[] = [
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
        instant(t, "created_at").notNullable();
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
        outboxColumns(t);
        t.string("file_event_id", 255);
        t.string("sheet_event_id", 255).index();
        t.string("text_event_id", 255);
        instant(t, "created_at").notNullable();
        instant(t, "updated_at").notNullable();
        instant(t, "sent_at");
        instant(t, "escalated_at");
        t.integer("escalations").notNullable().defaultTo(0);
        t.index(["state", "next_attempt_at"]);
      });
      await knex.schema.createTable("transfer_recipients", (t) => {
        t.string("transfer_id", 64).notNullable().references("id").inTable("transfers");
        t.integer("member_id").notNullable().references("id").inTable("members");
        t.string("member_ref", 40).notNullable();
        t.string("matrix_id", 255).notNullable();
        instant(t, "delivered_at");
        instant(t, "read_at");
        instant(t, "acknowledged_at");
        t.primary(["transfer_id", "member_id"]);
      });
      await knex.schema.createTable("transfer_events", (t) => {
        t.increments("id").primary();
        t.string("transfer_id", 64).notNullable().references("id").inTable("transfers").index();
        t.string("step", 20).notNullable();
        instant(t, "at").notNullable();
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
        instant(t, "seen_at").notNullable();
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
        instant(t, "answer_due_at");
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
  {
    // Acknowledgements that prove a device: the Matrix device id that sent an encrypted
    // acknowledgement, in the audit (`device`), the recipient's row and the history. Re-sends of a
    // sheet (`!renvoyer`): an outbox of their own, one row per request event, leased like transfers.
    // (The audit's part of this step, `audit_entries.device_id`, is in src/audit/migrations.ts.)
    name: "0010_ack_device_resends",
    part: true,
    async up(knex) {
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
        outboxColumns(t);
        t.string("event_id", 255);
        instant(t, "created_at").notNullable();
        instant(t, "sent_at");
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
    },
  },
  {
    // Documents a hospital sent (src/documents) become transfers too: who receives each and why
    // (source and reason code, in routing order), the evidence the sender asked for (`reception`,
    // `reading`), and the transfer a new version replaces (delivered in the same room).
    name: "0012_transfer_routing",
    async up(knex) {
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
    },
    async down(knex) {
      await knex.schema.alterTable("transfers", (t) => {
        t.dropIndex(["replaces"]);
        t.dropColumn("evidence_asked");
        t.dropColumn("replaces");
      });
      await knex.schema.dropTable("transfer_routing");
    },
  },
];
