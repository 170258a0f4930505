import { chmod, mkdir, open } from "node:fs/promises";
import { dirname } from "node:path";
import knexFactory from "knex";
import type { Knex } from "knex";
import type { DatabaseConfig } from "../config/index.ts";
import { PasserelleError, assertPrivate } from "../core/index.ts";
import { toStorageError } from "./errors.ts";
import type { Migration } from "./migrations.ts";
import { migrateLatest } from "./migrations.ts";
import { sqliteClient } from "./sqlite-client.ts";

/** The two engines; only this module and the migrations know which one is in use. */
export type Engine = "sqlite" | "postgres";

/** An open database: a knex instance (use it or a transaction of it) and a way to close it. */
export interface Database {
  readonly knex: Knex;
  readonly engine: Engine;
  close(): Promise<void>;
}

/** Anything that runs queries: the knex instance or a transaction. Repositories take this. */
export type Queryable = Knex | Knex.Transaction;

export interface OpenOptions {
  /** Run pending migrations before returning (default true: migrations run at start-up). */
  readonly migrate?: boolean;
  /** sqlite: how long a writer waits for the lock before failing (default 5000 ms), without blocking the event loop. */
  readonly busyTimeoutMs?: number;
  /** PostgreSQL pool size (default 10). */
  readonly poolMax?: number;
}

/** knex would print driver errors on the console; they are returned (mapped) instead. */
const SILENT = {
  warn: () => undefined,
  error: () => undefined,
  deprecate: () => undefined,
  debug: () => undefined,
};

/** What `afterCreate` uses of a better-sqlite3 connection. */
interface SqliteConnection {
  exec(sql: string): unknown;
}

/**
 * The sqlite file holds sheets in clear: its folder is created 0700 and the file 0600 before
 * sqlite opens it (sqlite gives its `-wal` and `-shm` files the database file's mode). A folder,
 * database, `-wal` or `-shm` open to other users is refused (`CONFIG_INVALID`): the service does
 * not start on shared files, as it does not on shared keys.
 */
async function preparePrivateFile(filename: string): Promise<void> {
  const dir = dirname(filename);
  try {
    await mkdir(dir, { recursive: true, mode: 0o700 });
  } catch (e) {
    throw new PasserelleError("IO_ERROR", "cannot create the directory of the sqlite database", {
      cause: e,
    });
  }
  await assertPrivate(dir, "CONFIG_INVALID");
  if (!(await assertPrivate(filename, "CONFIG_INVALID"))) {
    try {
      await (await open(filename, "wx", 0o600)).close(); // an empty file is an empty database
    } catch (e) {
      if (!(e instanceof Error && "code" in e && e.code === "EEXIST")) {
        throw new PasserelleError("IO_ERROR", "cannot create the sqlite database", { cause: e });
      }
    }
    await chmod(filename, 0o600).catch(() => undefined); // whatever the umask
  }
  for (const side of ["-wal", "-shm"]) await assertPrivate(filename + side, "CONFIG_INVALID");
}

/**
 * Opens the configured database. sqlite: the file is created if needed, in WAL mode with
 * `synchronous=FULL` (a committed audit entry survives a power cut), a lock wait of
 * `busyTimeoutMs` that does not block the event loop (`sqlite-client.ts`) and foreign keys on; one connection per process (sqlite has a single writer anyway), through better-sqlite3,
 * which runs each statement on the calling thread: a statement takes microseconds, less than the
 * hand-off to libuv's thread pool that an asynchronous driver makes for each. PostgreSQL: a pool.
 * Connection failures become `IO_ERROR` without the URL (it may hold a password).
 *
 * `migrations` is the service's ordered schema, given by the caller (the kernel passes
 * `src/migrations.ts`, where every module registers its own steps): storage runs migrations but
 * knows no domain table, so it imports nothing from the modules above it.
 */
export async function openDatabase(
  config: DatabaseConfig,
  migrations: readonly Migration[],
  options: OpenOptions = {},
): Promise<Database> {
  const busy = options.busyTimeoutMs ?? 5000;
  let knex: Knex;
  if (config.engine === "sqlite") {
    await preparePrivateFile(config.filename);
    knex = knexFactory({
      client: sqliteClient(busy),
      connection: { filename: config.filename },
      useNullAsDefault: true,
      log: SILENT,
      pool: {
        min: 1,
        max: 1,
        afterCreate: (conn: SqliteConnection, done: (err: Error | null, conn: unknown) => void) => {
          try {
            conn.exec(
              // The pragmas may wait for the lock (switching a new file to WAL); later statements wait
              // asynchronously (sqlite-client.ts).
              `PRAGMA busy_timeout = ${busy}; PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = 0;`,
            );
            done(null, conn);
          } catch (e) {
            done(e instanceof Error ? e : new Error(String(e)), conn);
          }
        },
      },
    });
  } else {
    knex = knexFactory({
      client: "pg",
      connection: { connectionString: config.url },
      pool: { min: 0, max: options.poolMax ?? 10 },
      acquireConnectionTimeout: 10_000,
      log: SILENT,
    });
  }
  const db: Database = {
    knex,
    engine: config.engine,
    close: () => knex.destroy(),
  };
  try {
    await knex.raw("select 1");
    if (options.migrate !== false) await migrateLatest(knex, migrations);
  } catch (e) {
    await knex.destroy().catch(() => undefined);
    throw toStorageError(e, "opening the database");
  }
  return db;
}

/** Runs `work` in a transaction: committed if it resolves, rolled back (nothing written) if it throws. */
export async function inTransaction<T>(
  q: Queryable,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  try {
    return await q.transaction(work);
  } catch (e) {
    throw toStorageError(e, "transaction");
  }
}
