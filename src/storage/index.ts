/**
 * Storage: one knex code path over an embedded sqlite file (default, in `PASSERELLE_DATA_DIR`) or
 * PostgreSQL (`DATABASE_URL`). Ordered migrations live in code and run at start-up; each module
 * owns the steps of its tables and `src/migrations.ts` lists them for the database opener.
 */
export { openDatabase, inTransaction } from "./database.ts";
export type { Database, Engine, OpenOptions, Queryable } from "./database.ts";
export {
  MIGRATIONS_TABLE,
  addColumns,
  CodeMigrationSource,
  instant,
  isPostgres,
  orderMigrations,
  migrateLatest,
  migrationStatus,
} from "./migrations.ts";
export type { Migration } from "./migrations.ts";
export { toStorageError } from "./errors.ts";
export { countBy } from "./queries.ts";
