/**
 * Claiming outbox work with a lease, so that two workers — two processes, or two hosts on one
 * PostgreSQL — never process the same transfer at the same time.
 *
 * A transfer is **due** when it is `queued`, its `next_attempt_at` has passed, and it has no live
 * lease (`lease_expires_at` empty or past). A claim writes a unique token into `lease_owner` and
 * an expiry into `lease_expires_at`; the worker renews the lease while it works and every later
 * write is fenced by `where lease_owner = token`, so a worker whose lease was taken over writes
 * nothing. After a crash, the lease simply expires and another worker (or the restarted one)
 * claims the transfer again; the send is idempotent (transaction ids from the transfer id).
 *
 * - **PostgreSQL:** `select … for update skip locked` in a transaction, then the lease update:
 *   concurrent claimers skip each other's rows instead of waiting or double-claiming.
 * - **sqlite:** one conditional `update … where id in (select … limit n)` statement. sqlite has one
 *   writer at a time (across processes: the database lock, waited for up to `busy_timeout`), and
 *   the statement re-checks "due" under that lock, so a row is claimed by one token only.
 */
import { randomBytes } from "node:crypto";
import type { Knex } from "knex";
import type { Database } from "../../storage/index.ts";
import { inTransaction } from "../../storage/index.ts";
import type { TransferRow } from "../record/index.ts";
import { TRANSFER_COLUMNS } from "../record/index.ts";

function due(q: Knex.QueryBuilder, now: string): Knex.QueryBuilder {
  return q
    .where("state", "queued")
    .where("next_attempt_at", "<=", now)
    .where((w) => {
      w.whereNull("lease_expires_at").orWhere("lease_expires_at", "<", now);
    });
}

/** A unique claim token for `owner` (the worker's id). */
export function claimToken(owner: string): string {
  return `${owner}.${randomBytes(6).toString("hex")}`;
}

/** A table of outbox work with the lease columns (`state`, `next_attempt_at`, `lease_owner`, `lease_expires_at`). */
export interface LeasedTable {
  readonly table: string;
  /** The columns a claim returns. */
  readonly columns: readonly string[];
  /** Whether the table has `updated_at`, set by a claim. */
  readonly touched: boolean;
}

const TRANSFERS: LeasedTable = { table: "transfers", columns: TRANSFER_COLUMNS, touched: true };

/**
 * Claims up to `limit` due rows of `t` for `token` until `now + leaseMs`; returns them, oldest
 * due first (the transfers' outbox and the re-sends' share this).
 */
async function claimLeased<Row>(
  db: Database,
  t: LeasedTable,
  token: string,
  now: Date,
  leaseMs: number,
  limit: number,
): Promise<Row[]> {
  if (limit <= 0) return [];
  const nowIso = now.toISOString();
  const expires = new Date(now.getTime() + leaseMs).toISOString();
  const lease = {
    lease_owner: token,
    lease_expires_at: expires,
    ...(t.touched ? { updated_at: nowIso } : {}),
  };
  return inTransaction(db.knex, async (trx) => {
    if (db.engine === "postgres") {
      const locked = (await due(trx(t.table).select("id"), nowIso)
        .orderBy("next_attempt_at")
        .limit(limit)
        .forUpdate()
        .skipLocked()) as { id: string }[];
      const ids = locked.map((r) => r.id);
      if (ids.length === 0) return [];
      await trx(t.table).update(lease).whereIn("id", ids);
    } else {
      const n = await due(trx(t.table), nowIso)
        .whereIn("id", (sub) => {
          void due(sub.select("id").from(t.table), nowIso).orderBy("next_attempt_at").limit(limit);
        })
        .update(lease);
      if (n === 0) return [];
    }
    return (await trx(t.table)
      .select([...t.columns])
      .where({ lease_owner: token, state: "queued" })
      .orderBy("next_attempt_at")) as Row[];
  });
}

/** Extends the lease of `token` on the rows `ids` of `t`. Returns how many it still holds. */
async function renewLeased(
  db: Database,
  t: LeasedTable,
  token: string,
  ids: readonly string[],
  until: Date,
): Promise<number> {
  if (ids.length === 0) return 0;
  return db
    .knex(t.table)
    .update({ lease_expires_at: until.toISOString() })
    .whereIn("id", ids)
    .where({ lease_owner: token, state: "queued" });
}

/** Claims and lease renewals on one leased table, typed by its rows. */
export interface LeasedQueue<Row> {
  /** Claims up to `limit` due rows for `token` until `now + leaseMs` (the worker's clock); oldest due first. */
  readonly claim: (db: Database, token: string, now: Date, leaseMs: number, limit: number) => Promise<Row[]>;
  /** Extends the lease of `token` on `ids` (a heartbeat while sending). Returns how many it still holds. */
  readonly renew: (db: Database, token: string, ids: readonly string[], until: Date) => Promise<number>;
}

/** The {@link LeasedQueue} of table `t` (the transfers' outbox, the re-sends). */
export function leasedQueue<Row>(t: LeasedTable): LeasedQueue<Row> {
  return {
    claim: (db, token, now, leaseMs, limit) => claimLeased<Row>(db, t, token, now, leaseMs, limit),
    renew: (db, token, ids, until) => renewLeased(db, t, token, ids, until),
  };
}

const transferQueue = leasedQueue<TransferRow>(TRANSFERS);
/** Claims up to `limit` due transfers for `token` until `now + leaseMs`; returns their rows. */
export const claimDue = transferQueue.claim;
/** Extends the lease of `token` on the transfers `ids`. Returns how many it still holds. */
export const renewLease = transferQueue.renew;
