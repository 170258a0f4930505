/**
 * The directory's tables (src/directory): structures, members and their roles, the territory.
 * Registered in `src/migrations.ts`; a released step is never renamed nor edited.
 */
import type { Migration } from "../storage/index.ts";
import { instant } from "../storage/index.ts";

export const DIRECTORY_MIGRATIONS: readonly Migration[] = [
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
        instant(t, "created_at").notNullable();
        instant(t, "updated_at").notNullable();
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
        instant(t, "created_at").notNullable();
        instant(t, "updated_at").notNullable();
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
];
