/**
 * An acknowledgement that proves no device — a ✅ or `!ack` that reached the hub in clear (Matrix
 * clients send reactions in clear even in encrypted rooms, and any client can post an
 * `m.room.message` unencrypted), or encrypted by a
 * device the hub cannot tie to the sender's account. The legal acknowledgement must rest on the
 * recipient's device, not on the homeserver's word (client-server API §11.12 "End-to-end
 * encryption"), so this one does not acknowledge the transfer: it is recorded as a weak signal
 * (history step and audit `transfer.ack_unproven`, with the reason) and answered in the room with
 * how to acknowledge. Claimed once per Matrix event, like all evidence (`evidence-store.ts`).
 */
import { createHash } from "node:crypto";
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { PasserelleError } from "../../core/index.ts";
import { DirectoryRepository } from "../../directory/index.ts";
import type { AckVia, NoticeTransport } from "../../matrix/index.ts";
import { inTransaction } from "../../storage/index.ts";
import { claimEvidence } from "./evidence-store.ts";
import { notRecipient } from "./recipient.ts";
import { TransferRepository } from "../record/index.ts";
import type { ReceiptOutcome } from "./receipts.ts";
import type { TransferContext } from "../record/index.ts";

export type UnprovenReason = "unencrypted" | "unknown_device";

/**
 * The answer in the room (encrypted, no patient data). A reaction is the usual case: Matrix
 * clients never encrypt reactions (matrix-js-sdk, hence Element, sends `m.reaction` in clear).
 */
export function unprovenAckFr(reason: UnprovenReason, via: AckVia): string {
  const what = via === "reaction" ? "Votre ✅" : "Votre !ack";
  const why =
    reason === "unknown_device"
      ? "il vient d’un appareil que Passerelle ne peut pas rattacher à votre compte"
      : via === "reaction"
        ? "les réactions ne sont pas chiffrées de bout en bout"
        : "il a été envoyé sans chiffrement de bout en bout";
  return (
    `Accusé de réception non pris en compte : ${what} est noté, mais ${why} ; il ne prouve donc pas que la lettre a été reçue sur votre appareil. ` +
    "Pour accuser réception, répondez !ack au message de la lettre (ou à celui-ci) " +
    "depuis une application Matrix qui chiffre les messages de bout en bout (Element, Tchap…)."
  );
}

/**
 * Records the weak signal `eventId` from `matrixUserId` on the sheet `sheetEventId`; for a
 * recipient, answers in the room (once: only when the event was not seen before).
 */
export async function recordUnprovenAck(
  ctx: TransferContext,
  sheetEventId: string,
  matrixUserId: string,
  at: Date,
  eventId: string,
  reason: UnprovenReason,
  via: AckVia,
  notices?: NoticeTransport | PromiseLike<NoticeTransport>,
): Promise<ReceiptOutcome> {
  const repo = new TransferRepository(ctx.db.knex);
  const t = await repo.findByMatrixEvent(sheetEventId);
  if (t === undefined) throw new PasserelleError("NOT_FOUND", "transfer not found");
  const member = await new DirectoryRepository(ctx.db.knex).findByMatrixId(matrixUserId);
  const recipients = await repo.recipients(t.id);
  const recipient = member === undefined ? undefined : recipients.find((r) => r.memberId === member.id);
  const iso = at.toISOString();
  const outcome = await inTransaction(ctx.db.knex, async (trx): Promise<ReceiptOutcome> => {
    if (!(await claimEvidence(trx, "ack_unproven", matrixUserId, eventId, iso))) return "duplicate";
    const base = {
      actor: matrixUserId,
      transfer: t.id,
      sheet: t.sheetId,
      patient: t.patientRef as PatientRef,
      event: eventId,
      ...(t.roomId === undefined ? {} : { room: t.roomId }),
    };
    if (recipient === undefined) {
      await ctx.trail.appendWithin(trx, [notRecipient("transfer.ack_unproven", base, member)]);
      return "ignored";
    }
    await new TransferRepository(trx).addEvent(t.id, {
      step: "ack_unproven",
      at: iso,
      matrixEventId: eventId,
      memberRef: recipient.memberRef,
      reason,
    });
    await ctx.trail.appendWithin(trx, [
      auditEvent("transfer.ack_unproven", { ...base, member: recipient.memberRef, reason }),
    ]);
    return "recorded";
  });
  if (outcome === "recorded" && notices !== undefined && t.roomId !== undefined) {
    const transport = await notices;
    await transport.sendNotice(
      t.roomId,
      recipients.map((r) => r.matrixId),
      {
        txnId: `passerelle.ackhelp.${createHash("sha256").update(eventId).digest("hex").slice(0, 32)}`,
        bodyFr: unprovenAckFr(reason, via),
        sheetEventId,
      },
    );
  }
  return outcome;
}
