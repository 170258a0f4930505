/**
 * Inbound evidence from the recipients, called by the Matrix inbound listener: delivery (the
 * recipient's client has the event), read receipt (weak proof: clients may hide receipts),
 * explicit acknowledgement (an encrypted `!ack` reply, or ✅ reaction from a client that encrypts
 * reactions — the legal one, with the device that sent it) and tele-expertise answer. Unencrypted ones: see `unproven-ack.ts`.
 *
 * Each call maps the Matrix user to a directory member, checks that member is a recipient of the
 * transfer, stamps the recipient's row, moves the transfer's state forward (never back: the
 * transfer's state is the furthest any recipient reached) and audits the step with the Matrix
 * event id. Evidence from anyone else is ignored and audited as a failure (`not_recipient`).
 *
 * Each piece of evidence named by a Matrix event (the reaction or reply for an acknowledgement, the
 * sheet event for a receipt) is claimed durably first (`evidence-store.ts`), in the same
 * transaction: the listener's replay after a restart records and audits nothing twice.
 */
import type { Knex } from "knex";
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { PasserelleError } from "../../core/index.ts";
import { inTransaction } from "../../storage/index.ts";
import { claimEvidence } from "./evidence-store.ts";
import { notRecipient, senderOf } from "./recipient.ts";
import { TransferRepository, STATE_RANK } from "../record/index.ts";
import type { Transfer, TransferContext, TransferState } from "../record/index.ts";

/** Which transfer: by id, or by one of its Matrix event ids (sheet, file or text event). */
export type TransferRef = { readonly transferId: string } | { readonly eventId: string };

/** What happened to the recorded evidence. */
export type ReceiptOutcome = "recorded" | "duplicate" | "ignored";

type Evidence = "delivered" | "read" | "acknowledged" | "answered";
const COLUMN: Record<Evidence, string | undefined> = {
  delivered: "delivered_at",
  read: "read_at",
  acknowledged: "acknowledged_at",
  answered: "acknowledged_at",
};

async function record(
  ctx: TransferContext,
  step: Evidence,
  ref: TransferRef,
  matrixUserId: string,
  at: Date,
  matrixEventId?: string,
  deviceId?: string,
): Promise<ReceiptOutcome> {
  const repo = new TransferRepository(ctx.db.knex);
  const t: Transfer | undefined =
    "transferId" in ref ? await repo.get(ref.transferId) : await repo.findByMatrixEvent(ref.eventId);
  if (t === undefined) throw new PasserelleError("NOT_FOUND", "transfer not found");
  const { member, recipient } = await senderOf(ctx.db.knex, t.id, matrixUserId);
  const iso = at.toISOString();
  const base = {
    actor: matrixUserId,
    transfer: t.id,
    sheet: t.sheetId,
    patient: t.patientRef as PatientRef,
    ...(t.roomId === undefined ? {} : { room: t.roomId }),
    ...(matrixEventId === undefined ? {} : { event: matrixEventId }),
    ...(deviceId === undefined ? {} : { device: deviceId }),
  };
  const action = `transfer.${step}` as const;
  // The Matrix event this evidence is: claimed once, durably (see the module comment).
  const evidence = matrixEventId ?? ("eventId" in ref ? ref.eventId : undefined);
  const fresh = (trx: Knex.Transaction): Promise<boolean> =>
    evidence === undefined ? Promise.resolve(true) : claimEvidence(trx, step, matrixUserId, evidence, iso);
  if (recipient === undefined) {
    return inTransaction(ctx.db.knex, async (trx) => {
      if (!(await fresh(trx))) return "duplicate";
      await ctx.trail.appendWithin(trx, [notRecipient(action, base, member)]);
      return "ignored";
    });
  }
  return inTransaction(ctx.db.knex, async (trx) => {
    if (!(await fresh(trx))) return "duplicate";
    const column = COLUMN[step] ?? "acknowledged_at";
    const device =
      step === "acknowledged" && deviceId !== undefined ? { acknowledged_device_id: deviceId } : {};
    const n = await trx("transfer_recipients")
      .update({ [column]: iso, ...device })
      .where({ transfer_id: t.id, member_id: recipient.memberId })
      .whereNull(column);
    if (n === 0 && step !== "answered") return "duplicate";
    const row = (await trx("transfers").select("state").where("id", t.id).first()) as
      { state: TransferState } | undefined;
    const current = row?.state;
    if (current !== undefined && STATE_RANK[step] > STATE_RANK[current] && current !== "failed") {
      await trx("transfers").update({ state: step, updated_at: iso }).where({ id: t.id });
    }
    await new TransferRepository(trx).addEvent(t.id, {
      step,
      at: iso,
      memberRef: recipient.memberRef,
      ...(matrixEventId === undefined ? {} : { matrixEventId }),
      ...(deviceId === undefined ? {} : { deviceId }),
    });
    await ctx.trail.appendWithin(trx, [auditEvent(action, { ...base, member: recipient.memberRef })]);
    return "recorded";
  });
}

/** The recipient's client has the sheet (remote echo / sync). */
export function recordDelivery(
  ctx: TransferContext,
  ref: TransferRef,
  matrixUserId: string,
  at: Date,
  eventId?: string,
) {
  return record(ctx, "delivered", ref, matrixUserId, at, eventId);
}

/** A read receipt (`m.read`) — weak evidence. */
export function recordRead(
  ctx: TransferContext,
  ref: TransferRef,
  matrixUserId: string,
  at: Date,
  eventId?: string,
) {
  return record(ctx, "read", ref, matrixUserId, at, eventId);
}

/**
 * An explicit acknowledgement: an encrypted `!ack` or ✅ reaction (`eventId` the reaction's or
 * reply's event, `deviceId` the recipient's device that encrypted it), or the API's acknowledge
 * action (neither).
 */
export function recordAcknowledgement(
  ctx: TransferContext,
  ref: TransferRef,
  matrixUserId: string,
  at: Date,
  eventId?: string,
  deviceId?: string,
) {
  return record(ctx, "acknowledged", ref, matrixUserId, at, eventId, deviceId);
}

/** A tele-expertise answer from the requested specialist (counts as acknowledgement too). */
export function recordAnswer(
  ctx: TransferContext,
  ref: TransferRef,
  matrixUserId: string,
  at: Date,
  eventId?: string,
) {
  return record(ctx, "answered", ref, matrixUserId, at, eventId);
}
