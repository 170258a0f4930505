/**
 * Durable bookkeeping of inbound Matrix evidence (table `matrix_evidence`, migration
 * `0004_evidence`). The Matrix listener delivers at least once — after a restart it replays the
 * room history since the oldest open transfer — so every piece of evidence is claimed here, in the
 * same transaction as its recording and audit, by (kind, Matrix user, Matrix event): the second
 * sighting of one reaction, one receipt or one echo records and audits nothing.
 *
 * It also keeps the hub's own sheet echo when it comes back through `/sync` before the worker has
 * recorded `sent` (the echo can overtake the homeserver's answer to the send), so that
 * `recordSent` can move the transfer on to `delivered` at once.
 */
import type { Knex } from "knex";

/**
 * What was seen: the hub's own sheet echoed back (`echo`), a recipient's evidence, an
 * acknowledgement that proves no device (`ack_unproven`), a re-send request (`resend`).
 */
export type EvidenceKind =
  "echo" | "delivered" | "read" | "acknowledged" | "answered" | "ack_unproven" | "resend";

/**
 * Claims (kind, user, event); true the first time, false when it was already claimed (then the
 * caller records nothing). Make it the transaction's first statement on sqlite: a write first
 * takes the single writer lock, so the reads after it are current across processes.
 */
export async function claimEvidence(
  trx: Knex.Transaction,
  kind: EvidenceKind,
  userId: string,
  eventId: string,
  at: string,
): Promise<boolean> {
  const rows: unknown[] = await trx("matrix_evidence")
    .insert({ kind, user_id: userId, event_id: eventId, seen_at: at })
    .onConflict(["kind", "user_id", "event_id"])
    .ignore()
    .returning("event_id");
  return rows.length > 0;
}

/** The hub user whose sync echoed `sheetEventId` back, if it was seen. */
export async function echoOf(q: Knex | Knex.Transaction, sheetEventId: string): Promise<string | undefined> {
  const row = (await q("matrix_evidence")
    .select("user_id")
    .where({ kind: "echo", event_id: sheetEventId })
    .first()) as { user_id: string } | undefined;
  return row?.user_id;
}

const isPostgres = (q: Knex.Transaction): boolean => (q.client as Knex.Client).config.client === "pg";

/**
 * PostgreSQL: locks the room's mapping row, so that `recordSent` and `recordEcho` of one room run
 * one after the other (whichever commits second sees the other's write). sqlite needs nothing:
 * its single writer already orders them.
 */
export async function lockRoom(trx: Knex.Transaction, roomId: string): Promise<void> {
  if (!isPostgres(trx)) return;
  await trx("transfer_rooms").select("room_id").where("room_id", roomId).forUpdate();
}
