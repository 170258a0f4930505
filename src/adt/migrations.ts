/**
 * The ADT feed's tables (src/adt): messages, units, stays and refused frames. Registered in
 * `src/migrations.ts`; a released step is never renamed nor edited.
 */
import type { Migration } from "../storage/index.ts";
import { addColumns, instant } from "../storage/index.ts";

export const ADT_MIGRATIONS: readonly Migration[] = [
  {
    // ADT messages are kept whole (raw HL7 or JSON) because the notices need the patient's
    // identity; they are the only rows here that hold patient data. Released with the care
    // circles' tables as one step (src/circles/migrations.ts holds the other part).
    name: "0007_circles_adt",
    part: true,
    async up(knex) {
      await knex.schema.createTable("adt_messages", (t) => {
        t.increments("id").primary();
        t.string("sender", 200).notNullable();
        t.string("control_id", 64).notNullable();
        t.string("trigger", 3).notNullable();
        t.string("patient_ref", 64).notNullable().index();
        t.text("event_json").notNullable();
        t.text("raw");
        t.string("state", 12).notNullable();
        instant(t, "received_at").notNullable();
        instant(t, "processed_at");
        t.string("last_reason", 64);
        t.unique(["sender", "control_id"]);
        t.index(["state", "id"]);
      });
      await knex.schema.createTable("adt_units", (t) => {
        t.string("facility", 64).notNullable();
        t.string("unit", 64).notNullable();
        t.string("name", 200).notNullable();
        instant(t, "phone");
        t.string("contact_rpps", 11);
        t.primary(["facility", "unit"]);
      });
      await knex.schema.createTable("adt_stays", (t) => {
        t.string("stay_key", 64).primary();
        t.string("patient_ref", 64).notNullable().index();
        t.string("facility", 64).notNullable();
        t.string("unit", 64);
        instant(t, "admitted_at");
        instant(t, "discharged_at");
        t.string("discharge_day", 10).index();
        t.string("admission_notice", 64);
        t.string("discharge_notice", 64);
        t.integer("discharge_message");
        t.string("letter_transfer", 64);
        t.string("letter_check", 12);
        t.string("cancelled", 3);
        instant(t, "updated_at").notNullable();
      });
    },
    async down(knex) {
      for (const t of ["adt_stays", "adt_units", "adt_messages"]) await knex.schema.dropTable(t);
    },
  },
  {
    // An ADT unit may name its directory structure (kind `unit`), whose staff receive the
    // unit's reminders and the admission sheets sent back by the care circle, in the unit's room
    name: "0008_adt_unit_structure",
    ...addColumns("adt_units", { structure_id: (t, name) => t.integer(name) }),
  },
  {
    // ADT frames the feed refused (AE/AR), kept whole for review: raw bytes (patient data, like
    // adt_messages.raw), reason code, ACK code and ERR-2 location; one row per distinct frame.
    name: "0009_adt_rejected",
    async up(knex) {
      await knex.schema.createTable("adt_rejected", (t) => {
        t.increments("id").primary();
        t.string("digest", 64).notNullable().unique();
        instant(t, "received_at").notNullable();
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
    // The stay's visit number (PV1-19), to find a stay from a document's, and the professionals
    // the ROL segments name (IHE PAM France), to route a document to the stay's physician; and
    // when the hospital's own discharge letter for the stay was received (same-day indicator).
    name: "0013_adt_stay_physicians",
    async up(knex) {
      await knex.schema.alterTable("adt_stays", (t) => {
        t.string("visit", 64);
        t.text("physicians_json");
        t.string("letter_received_at", 30);
        t.string("letter_received_transfer", 64);
        t.index(["patient_ref", "visit"]);
      });
    },
    async down(knex) {
      await knex.schema.alterTable("adt_stays", (t) => {
        t.dropIndex(["patient_ref", "visit"]);
        t.dropColumn("visit");
        t.dropColumn("physicians_json");
        t.dropColumn("letter_received_at");
        t.dropColumn("letter_received_transfer");
      });
    },
  },
];
