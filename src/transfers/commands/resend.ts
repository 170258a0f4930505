/**
 * `!renvoyer`: a recipient who cannot decrypt a sheet (a new device without key backup, a key
 * withheld) asks the hub, from the transfer's room, to send it again — as a reply to the sheet
 * (or to a hub message naming it), or alone for the room's latest sheet. A recipient's request
 * queues one re-send (table `transfer_resends`, one row per request event) that the outbox worker
 * delivers (`resend-outbox.ts`): the same signed PDF from storage, encrypted for the room's
 * current devices. Anyone else's request is refused and audited (`not_recipient`).
 *
 * Every request is claimed once by its Matrix event (`evidence-store.ts`): a replay after a
 * restart queues, audits and answers nothing twice.
 */
import { randomUUID } from "node:crypto";
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { inTransaction } from "../../storage/index.ts";
import { claimEvidence, notRecipient, senderOf } from "../evidence/index.ts";
import type { TransferRow, TransferContext } from "../record/index.ts";
import { TRANSFER_COLUMNS, TransferRepository } from "../record/index.ts";

/** `!renvoyer` (or `!resend`), alone on its line. */
export const isResendCommand = (text: string): boolean => /^!(renvoyer|resend)\s*$/i.test(text.trim());

export type ResendOutcome =
  | { readonly kind: "queued"; readonly resendId: string; readonly transferId: string }
  | { readonly kind: "duplicate" }
  | { readonly kind: "refused"; readonly code: "not_recipient" | "not_found" };

/** The transfer asked for: the one whose sheet is `sheetEventId` in this room, else the room's latest sent. */
async function transferAsked(
  ctx: TransferContext,
  roomId: string,
  sheetEventId: string | undefined,
): Promise<TransferRow | undefined> {
  const q = ctx.db
    .knex("transfers")
    .select([...TRANSFER_COLUMNS])
    .where("room_id", roomId)
    .whereNotNull("sheet_event_id");
  if (sheetEventId !== undefined)
    return (await q
      .where((w) => {
        void w.where("sheet_event_id", sheetEventId).orWhere("file_event_id", sheetEventId);
      })
      .first()) as TransferRow | undefined;
  return (await q.orderBy("sent_at", "desc").orderBy("id").first()) as TransferRow | undefined;
}

/** Handles `!renvoyer` from `userId` (event `requestEventId`) in `roomId`. */
export async function requestResend(
  ctx: TransferContext,
  roomId: string,
  userId: string,
  requestEventId: string,
  sheetEventId?: string,
): Promise<ResendOutcome> {
  const t = await transferAsked(ctx, roomId, sheetEventId);
  if (t === undefined) return { kind: "refused", code: "not_found" };
  const { member, recipient } = await senderOf(ctx.db.knex, t.id, userId);
  const now = ctx.clock.now().toISOString();
  const base = {
    actor: userId,
    transfer: t.id,
    sheet: t.sheet_id,
    room: roomId,
    event: requestEventId,
    patient: t.patient_ref as PatientRef,
  };
  return inTransaction(ctx.db.knex, async (trx): Promise<ResendOutcome> => {
    if (!(await claimEvidence(trx, "resend", userId, requestEventId, now))) return { kind: "duplicate" };
    if (recipient === undefined) {
      await ctx.trail.appendWithin(trx, [notRecipient("transfer.resend_requested", base, member)]);
      return { kind: "refused", code: "not_recipient" };
    }
    const resendId = randomUUID();
    await trx("transfer_resends").insert({
      id: resendId,
      transfer_id: t.id,
      request_event_id: requestEventId,
      requested_by: userId,
      member_ref: recipient.memberRef,
      room_id: roomId,
      state: "queued",
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
    });
    await new TransferRepository(trx).addEvent(t.id, {
      step: "resend_requested",
      at: now,
      matrixEventId: requestEventId,
      memberRef: recipient.memberRef,
    });
    await ctx.trail.appendWithin(trx, [
      auditEvent("transfer.resend_requested", { ...base, member: recipient.memberRef }),
    ]);
    return { kind: "queued", resendId, transferId: t.id };
  });
}

/** The answer to a refused request (encrypted; no patient data, no reference). */
export function resendRefusedFr(code: "not_recipient" | "not_found"): string {
  return code === "not_recipient"
    ? "Renvoi refusé : seuls les destinataires de cette lettre peuvent en demander le renvoi."
    : "Renvoi impossible : aucune lettre envoyée dans ce salon ne correspond à la demande.";
}
