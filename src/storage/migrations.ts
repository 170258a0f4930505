import type { Knex } from "knex";

/**
 * One schema step. Names sort in application order; never rename or edit a released one.
 *
 * Each module declares the steps of its own tables (`src/<module>/migrations.ts`) and the
 * composition point (`src/migrations.ts`) hands the ordered list to `openDatabase`: this
 * module runs migrations, it does not know the domain's tables.
 *
 * A few released steps touched the tables of two modules under one name (recorded as such in
 * existing databases). Each module then declares its `part` of that step under the same name;
 * {@link orderMigrations} joins the parts into the one recorded step.
 */
export interface Migration {
  readonly name: string;
  /** Set on each module's share of a released step that spans modules (same name, same step). */
  readonly part?: true;
  up(knex: Knex): Promise<void>;
  down(knex: Knex): Promise<void>;
}

/** Table where knex records applied migrations. */
export const MIGRATIONS_TABLE = "passerelle_migrations";

/** Whether `knex` talks to PostgreSQL (the other engine is sqlite), for engine-specific DDL. */
export const isPostgres = (knex: Knex): boolean => (knex.client as Knex.Client).config.client === "pg";

/** An instant column: ISO 8601 UTC text (`2026-03-02T08:00:00.000Z`), 30 characters at most. */
export const instant = (
  t: Knex.CreateTableBuilder | Knex.AlterTableBuilder,
  name: string,
): Knex.ColumnBuilder => t.string(name, 30);

/** How a step adds one column: the builder call for `name` on `t` (e.g. `t.string(name, 64)`). */
export type ColumnAdder = (t: Knex.AlterTableBuilder, name: string) => Knex.ColumnBuilder;

/**
 * `up` and `down` of a step that only adds nullable columns to `table`: `up` adds each column of
 * `columns` as its adder says, `down` drops the same columns, so that the two cannot drift apart.
 */
export function addColumns(
  table: string,
  columns: Readonly<Record<string, ColumnAdder>>,
): Pick<Migration, "up" | "down"> {
  return {
    async up(knex) {
      await knex.schema.alterTable(table, (t) => {
        for (const [name, add] of Object.entries(columns)) add(t, name);
      });
    },
    async down(knex) {
      await knex.schema.alterTable(table, (t) => {
        for (const name of Object.keys(columns)) t.dropColumn(name);
      });
    },
  };
}

/**
 * The one ordered list of steps from each module's list: sorted by name; the parts of a step that
 * spans modules are joined in registration order (`up` in that order, `down` in reverse). Two
 * steps of the same name that are not both parts are a programming error, refused here.
 */
export function orderMigrations(modules: readonly (readonly Migration[])[]): Migration[] {
  const byName = new Map<string, Migration[]>();
  for (const m of modules.flat()) {
    const same = byName.get(m.name);
    if (same === undefined) byName.set(m.name, [m]);
    else if (m.part === true && same.every((s) => s.part === true)) same.push(m);
    else throw new Error(`two migrations are named ${m.name}`);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([n, p]) => joinParts(n, p));
}

/** One recorded step from its parts: `up` in registration order, `down` in reverse. */
function joinParts(name: string, parts: readonly Migration[]): Migration {
  const [only, ...more] = parts;
  if (only !== undefined && more.length === 0) return only;
  return {
    name,
    async up(knex: Knex) {
      for (const p of parts) await p.up(knex);
    },
    async down(knex: Knex) {
      for (const p of [...parts].reverse()) await p.down(knex);
    },
  };
}

/** A knex migration source over an ordered list: order is the array's, not a directory listing. */
export class CodeMigrationSource implements Knex.MigrationSource<Migration> {
  readonly #migrations: readonly Migration[];
  constructor(migrations: readonly Migration[]) {
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

const migratorConfig = (migrations: readonly Migration[]): Knex.MigratorConfig => ({
  migrationSource: new CodeMigrationSource(migrations),
  tableName: MIGRATIONS_TABLE,
});

/** How long an instance waits for another one's migrations before giving up. */
const MIGRATION_WAIT_MS = 60_000;

/** Applies pending migrations; safe when several instances start at once. Returns their names. */
export async function migrateLatest(knex: Knex, migrations: readonly Migration[]): Promise<string[]> {
  // Time-bound, not count-bound: on a loaded machine the winner's migrations (fsync'd) took longer
  // than 30 short retries, and the loser gave up with MigrationLocked.
  const deadline = Date.now() + MIGRATION_WAIT_MS;
  for (;;) {
    try {
      const [, applied] = (await knex.migrate.latest(migratorConfig(migrations))) as [number, string[]];
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
export async function migrationStatus(
  knex: Knex,
  migrations: readonly Migration[],
): Promise<{ applied: string[]; pending: string[] }> {
  const [done, pending] = (await knex.migrate.list(migratorConfig(migrations))) as [
    { name: string }[],
    Migration[],
  ];
  return { applied: done.map((m) => m.name), pending: pending.map((m) => m.name) };
}
