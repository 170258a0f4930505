/**
 * `delivered`: the hub's own `fr.passerelle.sheet` event came back through `/sync` (the remote
 * echo, client-server API §7.6.1 "Local echo" — the homeserver holds it in the room's DAG and
 * serves it to every member's sync). The echo and the worker's `recordSent` race: the echo can
 * arrive before the homeserver's answer to the send has been recorded. Both sides therefore lock
 * the room (PostgreSQL; sqlite's single writer orders them) and whichever runs second moves the
 * transfer from `sent` to `delivered`: the echo is kept in `matrix_evidence` and `recordSent` looks
 * for it. Audited once, with the sheet event id.
 */
import type { Knex } from "knex";
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { inTransaction } from "../../storage/index.ts";
import { claimEvidence, echoOf, lockRoom } from "./evidence-store.ts";
import type { ReceiptOutcome } from "./receipts.ts";
import { TransferRepository } from "../record/index.ts";
import type { Transfer, TransferContext } from "../record/index.ts";

/** Moves a `sent` transfer to `delivered` within `trx`, with its history line and audit entry. */
export async function markDelivered(
  ctx: TransferContext,
  trx: Knex.Transaction,
  t: Pick<Transfer, "id" | "sheetId" | "patientRef" | "roomId">,
  sheetEventId: string,
  hubUserId: string,
  iso: string,
): Promise<boolean> {
  const n = await trx("transfers")
    .update({ state: "delivered", updated_at: iso })
    .where({ id: t.id, state: "sent" });
  if (n === 0) return false;
  await new TransferRepository(trx).addEvent(t.id, {
    step: "delivered",
    at: iso,
    matrixEventId: sheetEventId,
  });
  await ctx.trail.appendWithin(trx, [
    auditEvent("transfer.delivered", {
      actor: hubUserId,
      transfer: t.id,
      sheet: t.sheetId,
      event: sheetEventId,
      patient: t.patientRef as PatientRef,
      ...(t.roomId === undefined ? {} : { room: t.roomId }),
    }),
  ]);
  return true;
}

/**
 * Called by `recordSent` inside its transaction: if the sheet's echo was already seen, the
 * transfer goes straight on to `delivered`.
 */
export async function deliverIfEchoed(
  ctx: TransferContext,
  trx: Knex.Transaction,
  t: Pick<Transfer, "id" | "sheetId" | "patientRef" | "roomId">,
  sheetEventId: string,
  iso: string,
): Promise<boolean> {
  const hub = await echoOf(trx, sheetEventId);
  return hub !== undefined && markDelivered(ctx, trx, t, sheetEventId, hub, iso);
}

/**
 * The hub's own sheet event echoed back by sync. `recorded` when it moved a `sent` transfer to
 * `delivered`; `ignored` when no sent transfer has the event yet (the echo is kept for
 * `recordSent`); `duplicate` when this echo was already handled.
 * @param roomId the room the echo came from (orders this against `recordSent` on PostgreSQL).
 */
export async function recordEcho(
  ctx: TransferContext,
  sheetEventId: string,
  hubUserId: string,
  at: Date,
  roomId?: string,
): Promise<ReceiptOutcome> {
  const iso = at.toISOString();
  return inTransaction(ctx.db.knex, async (trx) => {
    if (roomId !== undefined) await lockRoom(trx, roomId);
    if (!(await claimEvidence(trx, "echo", hubUserId, sheetEventId, iso))) return "duplicate";
    const t = await new TransferRepository(trx).findByMatrixEvent(sheetEventId);
    if (t?.sheetEventId !== sheetEventId) return "ignored";
    return (await markDelivered(ctx, trx, t, sheetEventId, hubUserId, iso)) ? "recorded" : "duplicate";
  });
}
