/**
 * The care circles' tables (src/circles), keyed by the patient pseudonym (HMAC of the INS), never
 * the INS. Registered in `src/migrations.ts`; a released step is never renamed nor edited.
 */
import type { Migration } from "../storage/index.ts";

export const CIRCLES_MIGRATIONS: readonly Migration[] = [
  {
    // Released with the ADT feed's tables as one step (src/adt/migrations.ts holds the other part).
    name: "0007_circles_adt",
    part: true,
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
    },
    async down(knex) {
      for (const t of ["circle_members", "circle_patients"]) await knex.schema.dropTable(t);
    },
  },
];
