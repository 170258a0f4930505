/** Typed reads of the stored audit entries and room history, for the transfer integration tests. */
import { Direction, type MatrixClient } from "matrix-js-sdk";
import type { Database } from "../../src/storage/index.ts";

export interface AuditRow {
  readonly action: string;
  readonly outcome: string;
  readonly reason: string | null;
  readonly event_id: string | null;
  readonly room_id: string | null;
  readonly member_id: string | null;
  readonly device_id: string | null;
}

/** The audit entries of one transfer, in chain order. */
export async function auditOf(db: Database, transferId: string): Promise<AuditRow[]> {
  return db
    .knex<AuditRow>("audit_entries")
    .select("action", "outcome", "reason", "event_id", "room_id", "member_id", "device_id")
    .where("transfer_id", transferId)
    .orderBy("seq");
}

/** How many audit entries of one transfer have `action`. */
export async function countAudit(db: Database, transferId: string, action: string): Promise<number> {
  return (await auditOf(db, transferId)).filter((r) => r.action === action).length;
}

/** Types of the non-state events of `roomId`, newest first, as `client` reads them over `/messages`. */
export async function messagesIn(client: MatrixClient, roomId: string): Promise<string[]> {
  const res = await client.createMessagesRequest(roomId, null, 100, Direction.Backward);
  return res.chunk.filter((e) => !("state_key" in e)).map((e) => e.type);
}
