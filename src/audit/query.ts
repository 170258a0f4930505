/**
 * Reading the trail for the API's `GET /audit`: entries by time range and/or transfer, oldest
 * first, keyset-paginated by sequence number. Entries hold ids, hashes and pseudonyms only.
 */
import type { Knex } from "knex";
import { toStorageError } from "../storage/index.ts";
import type { AuditRow } from "./rows.ts";
import { ENTRY_COLUMNS, fromRow } from "./rows.ts";
import type { AuditEntry } from "./vocabulary.ts";

export interface AuditQuery {
  /** ISO 8601 instants, inclusive. */
  readonly from?: string;
  readonly to?: string;
  readonly transfer?: string;
  /** Entries after this sequence number. */
  readonly afterSeq?: number;
  readonly limit: number;
}

/** One page of entries, with `nextAfterSeq` when more follow. */
export async function queryAudit(
  knex: Knex,
  q: AuditQuery,
): Promise<{ entries: AuditEntry[]; nextAfterSeq?: number }> {
  try {
    const b = knex<AuditRow>("audit_entries").select<AuditRow[]>([...ENTRY_COLUMNS]);
    if (q.from !== undefined) void b.where("time", ">=", q.from);
    if (q.to !== undefined) void b.where("time", "<=", q.to);
    if (q.transfer !== undefined) void b.where("transfer_id", q.transfer);
    if (q.afterSeq !== undefined) void b.where("seq", ">", q.afterSeq);
    const rows = await b.orderBy("seq").limit(q.limit + 1);
    const entries = rows.slice(0, q.limit).map(fromRow);
    const last = entries.at(-1);
    return rows.length > q.limit && last !== undefined ? { entries, nextAfterSeq: last.seq } : { entries };
  } catch (e) {
    throw toStorageError(e, "reading the audit trail");
  }
}
