import type { Knex } from "knex";
import type { AuditEntry } from "./vocabulary.ts";

/** Column names of `audit_entries`, in the order of the row type. */
export interface AuditRow {
  seq: number | string;
  time: string;
  actor: string;
  action: string;
  sheet_id: string | null;
  transfer_id: string | null;
  room_id: string | null;
  event_id: string | null;
  member_id: string | null;
  device_id: string | null;
  document_sha256?: string | null;
  pdf_sha256: string | null;
  patient_ref: string | null;
  outcome: string;
  reason: string | null;
  prev_hash: string;
  hash: string;
}

export const ENTRY_COLUMNS = [
  "seq",
  "time",
  "actor",
  "action",
  "sheet_id",
  "transfer_id",
  "room_id",
  "event_id",
  "member_id",
  "device_id",
  "document_sha256",
  "pdf_sha256",
  "patient_ref",
  "outcome",
  "reason",
  "prev_hash",
  "hash",
] as const;

export function toRow(e: AuditEntry): AuditRow {
  return {
    seq: e.seq,
    time: e.time,
    actor: e.actor,
    action: e.action,
    sheet_id: e.sheet ?? null,
    transfer_id: e.transfer ?? null,
    room_id: e.room ?? null,
    event_id: e.event ?? null,
    member_id: e.member ?? null,
    device_id: e.device ?? null,
    document_sha256: e.documentSha256 ?? null,
    pdf_sha256: e.pdfSha256 ?? null,
    patient_ref: e.patient ?? null,
    outcome: e.outcome,
    reason: e.reason ?? null,
    prev_hash: e.prevHash,
    hash: e.hash,
  };
}

/**
 * A row as read back. Values are taken as stored (no validation: the verifier must see exactly
 * what is in the table); `null` becomes an absent field and PostgreSQL's bigint strings numbers.
 */
export function fromRow(r: AuditRow): AuditEntry {
  const e: Record<string, string | number> = {
    seq: Number(r.seq),
    time: r.time,
    actor: r.actor,
    action: r.action,
    outcome: r.outcome,
    prevHash: r.prev_hash,
    hash: r.hash,
  };
  if (r.sheet_id !== null) e.sheet = r.sheet_id;
  if (r.transfer_id !== null) e.transfer = r.transfer_id;
  if (r.room_id !== null) e.room = r.room_id;
  if (r.event_id !== null) e.event = r.event_id;
  if (r.member_id !== null) e.member = r.member_id;
  if (r.device_id != null) e.device = r.device_id;
  if (r.document_sha256 != null) e.documentSha256 = r.document_sha256;
  if (r.pdf_sha256 !== null) e.pdfSha256 = r.pdf_sha256;
  if (r.patient_ref !== null) e.patient = r.patient_ref;
  if (r.reason !== null) e.reason = r.reason;
  return e as unknown as AuditEntry;
}

/** Entries with `from <= seq <= to`, in seq order, by pages (keyset pagination, one page read ahead). */
export async function* pagesOf(
  q: Knex,
  from = 1,
  to = Number.MAX_SAFE_INTEGER,
  pageSize = 10_000,
): AsyncGenerator<AuditEntry[]> {
  const fetch = (after: number): Promise<AuditRow[]> => {
    const p = Promise.resolve(
      q<AuditRow>("audit_entries")
        .select<AuditRow[]>([...ENTRY_COLUMNS])
        .where("seq", ">", after)
        .andWhere("seq", "<=", to)
        .orderBy("seq")
        .limit(pageSize),
    );
    p.catch(() => undefined); // awaited below; never an unhandled rejection if the reader stops early
    return p;
  };
  // The next page is fetched while the caller works on this one (the driver reads in its thread pool).
  let next = fetch(from - 1);
  for (;;) {
    const rows = await next;
    if (rows.length === 0) return;
    const page = rows.map(fromRow);
    const last = page.at(-1)?.seq ?? to;
    next = rows.length < pageSize ? Promise.resolve([]) : fetch(last);
    yield page;
  }
}
