/**
 * knex's better-sqlite3 client, with the wait for a locked database moved off the event loop.
 *
 * better-sqlite3 runs each statement on the calling thread. sqlite's own `busy_timeout` would then
 * sleep on the event loop while another process (a CLI command, a second instance) holds the write
 * lock: HTTP, the MLLP listeners and the Matrix sync would freeze for up to that long. So the
 * connection's `busy_timeout` is 0 and a statement that gets `SQLITE_BUSY` (the lock is taken;
 * not its extended codes such as `SQLITE_BUSY_SNAPSHOT`, which a retry cannot cure) is run again
 * after an asynchronous pause, doubling from 2 ms to 50 ms, until `busyTimeoutMs` has passed; then
 * the error goes to the caller, as sqlite's would (sqlite's busy handler retries the same way:
 * https://sqlite.org/c3ref/busy_timeout.html). Custom clients are a knex extension point
 * (`client` may be a class: https://knexjs.org/guide/#configuration-options).
 */
import { setTimeout as sleep } from "node:timers/promises";
import { createRequire } from "node:module";
import type { Knex } from "knex";

const require = createRequire(import.meta.url);

/** What this module uses of knex's better-sqlite3 dialect (it has no type declarations). */
interface BetterSqliteClient {
  _query(connection: unknown, obj: unknown): Promise<unknown>;
}
type ClientClass = new (config: Knex.Config) => BetterSqliteClient;

// The dialect is CommonJS, in a path knex's `exports` map leaves open (`./*`).
const Base = require("knex/lib/dialects/better-sqlite3/index.js") as ClientClass;

const FIRST_PAUSE_MS = 2;
const LONGEST_PAUSE_MS = 50;

const isBusy = (e: unknown): boolean =>
  typeof e === "object" && e !== null && "code" in e && e.code === "SQLITE_BUSY";

/** A knex client class for sqlite whose statements wait for a lock up to `busyTimeoutMs`, asynchronously. */
export function sqliteClient(busyTimeoutMs: number): typeof Knex.Client {
  class PasserelleSqliteClient extends Base {
    override async _query(connection: unknown, obj: unknown): Promise<unknown> {
      const deadline = performance.now() + busyTimeoutMs;
      for (let pause = FIRST_PAUSE_MS; ; pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
        try {
          return await super._query(connection, obj);
        } catch (e) {
          const left = deadline - performance.now();
          if (!isBusy(e) || left <= 0) throw e;
          await sleep(Math.min(pause, left));
        }
      }
    }
  }
  // knex's types know its base Client class only; this is a subclass of one of its dialects.
  return PasserelleSqliteClient as unknown as typeof Knex.Client;
}
