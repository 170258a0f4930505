/**
 * The care circles' tables (src/circles), keyed by the patient pseudonym (HMAC of the INS), never
 * the INS. Registered in `src/migrations.ts`; a released step is never renamed nor edited.
 */
import type { Migration } from "../storage/index.ts";
import { instant } from "../storage/index.ts";

export const CIRCLES_MIGRATIONS: readonly Migration[] = [
  {
    // Released with the ADT feed's tables as one step (src/adt/migrations.ts holds the other part).
    name: "0007_circles_adt",
    part: true,
    async up(knex) {
      await knex.schema.createTable("circle_patients", (t) => {
        t.string("patient_ref", 64).primary();
        instant(t, "objection_at");
        t.string("objection_source", 20);
        instant(t, "created_at").notNullable();
        instant(t, "updated_at").notNullable();
      });
      await knex.schema.createTable("circle_members", (t) => {
        t.increments("id").primary();
        t.string("patient_ref", 64).notNullable().index();
        t.integer("member_id").notNullable().references("id").inTable("members");
        t.string("since", 10).notNullable();
        t.string("source", 20).notNullable();
        t.string("consent", 20).notNullable();
        instant(t, "joined_at").notNullable();
        instant(t, "left_at");
        t.index(["patient_ref", "member_id"]);
      });
    },
    async down(knex) {
      for (const t of ["circle_members", "circle_patients"]) await knex.schema.dropTable(t);
    },
  },
];
