/**
 * The re-sends' side of the outbox (see `resend.ts` for the request). Claimed with a lease like
 * transfers (`claim.ts`: PostgreSQL `for update skip locked`, sqlite one conditional update), sent
 * by the same worker through the same {@link SheetTransport}: the transfer's signed PDF read back
 * from storage (its SHA-256 checked against the transfer's), captioned "Renvoi : …", replying to
 * the original message and naming it, so that an `!ack` reply to the re-send acknowledges the original.
 * Idempotent: the Matrix transaction id is derived from the re-send's id, so a retry after a crash
 * is answered with the first event. Encrypted for the room's current devices: the hub's Rust
 * crypto shares its room key with every device of the members at send time, the requester's new
 * one included. The room guard still applies: only the transfer's recipients may be in the room.
 */
import { createHash } from "node:crypto";
import type { AuditEvent, PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { PasserelleError } from "../../core/index.ts";
import type { SheetTransport } from "../../matrix/index.ts";
import { inTransaction } from "../../storage/index.ts";
import { leasedQueue, type LeasedTable } from "./claim.ts";
import { failedAttempt, WORKER_ACTOR, type RetryOptions } from "./outcome.ts";
import { outgoingSheet } from "./outgoing.ts";
import type { TransferRow, TransferContext } from "../record/index.ts";
import { TRANSFER_COLUMNS, TransferRepository } from "../record/index.ts";

/** A row of `transfer_resends`. */
export interface ResendRow {
  id: string;
  transfer_id: string;
  request_event_id: string;
  requested_by: string;
  member_ref: string;
  room_id: string;
  attempts: number;
}

const COLUMNS = [
  "id",
  "transfer_id",
  "request_event_id",
  "requested_by",
  "member_ref",
  "room_id",
  "attempts",
];
const RESENDS: LeasedTable = { table: "transfer_resends", columns: COLUMNS, touched: false };

const resendQueue = leasedQueue<ResendRow>(RESENDS);
/** Claims up to `limit` due re-sends for `token` until `now + leaseMs`. */
export const claimDueResends = resendQueue.claim;
/** Extends the lease of `token` on the re-sends `ids`. */
export const renewResendLease = resendQueue.renew;

/** Sends one re-send and records the outcome (sent, retried with backoff, or failed). */
export async function processResend(
  ctx: TransferContext,
  transport: SheetTransport,
  row: ResendRow,
  token: string,
  o: RetryOptions,
): Promise<"sent" | "retried" | "failed" | "lost"> {
  const repo = new TransferRepository(ctx.db.knex);
  const t = (await ctx.db
    .knex("transfers")
    .select([...TRANSFER_COLUMNS])
    .where("id", row.transfer_id)
    .first()) as TransferRow | undefined;
  try {
    if (t?.sheet_event_id == null) throw new PasserelleError("NOT_FOUND", "original sheet not sent");
    const payload = await repo.payload(t.id);
    if (payload === undefined) throw new PasserelleError("NOT_FOUND", "transfer payload missing");
    // The bytes come from storage: they must be the very PDF the transfer signed and sent.
    if (createHash("sha256").update(payload.pdf).digest("hex") !== t.pdf_sha256)
      throw new PasserelleError("VALIDATION_FAILED", "stored PDF does not match the transfer's SHA-256");
    const members = (await repo.recipients(t.id)).map((r) => r.matrixId);
    const original = await outgoingSheet(ctx.db.knex, t, payload, new Map());
    const [head = "", ...rest] = original.caption.body.split("\n");
    const again = `Renvoi, à la demande d’un destinataire, du même document signé (réf. ${original.reference}).`;
    const sent = await transport.sendSheet(row.room_id, members, {
      ...original,
      caption: {
        body: [`Renvoi : ${head}`, again, ...rest].join("\n"),
        ...(original.caption.html === undefined
          ? {}
          : { html: `<p><strong>Renvoi :</strong> ${again}</p>${original.caption.html}` }),
      },
      resend: { resendId: row.id, originalEventId: t.sheet_event_id },
    });
    return await recordResent(ctx, row, t, token, sent.eventId);
  } catch (e) {
    return recordResendFailure(ctx, row, t, token, e, o);
  }
}

/** The `transfer.resent` audit entry of a re-send: its event and PDF when sent, its reason when not. */
function resentEntry(
  t: TransferRow,
  row: ResendRow,
  result: { event: string; pdfSha256: string } | { outcome: "failure"; reason: string },
): AuditEvent {
  return auditEvent("transfer.resent", {
    actor: WORKER_ACTOR,
    transfer: t.id,
    sheet: t.sheet_id,
    room: row.room_id,
    member: row.member_ref,
    patient: t.patient_ref as PatientRef,
    ...result,
  });
}

async function recordResent(
  ctx: TransferContext,
  row: ResendRow,
  t: TransferRow,
  token: string,
  eventId: string,
): Promise<"sent" | "lost"> {
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx.db.knex, async (trx) => {
    const n = await trx("transfer_resends")
      .update({
        state: "sent",
        event_id: eventId,
        sent_at: now,
        attempts: row.attempts + 1,
        lease_owner: null,
        lease_expires_at: null,
        last_reason: null,
      })
      .where({ id: row.id, lease_owner: token, state: "queued" });
    if (n === 0) return "lost";
    await new TransferRepository(trx).addEvent(t.id, {
      step: "resent",
      at: now,
      matrixEventId: eventId,
      memberRef: row.member_ref,
    });
    await ctx.trail.appendWithin(trx, [resentEntry(t, row, { event: eventId, pdfSha256: t.pdf_sha256 })]);
    return "sent";
  });
}

async function recordResendFailure(
  ctx: TransferContext,
  row: ResendRow,
  t: TransferRow | undefined,
  token: string,
  error: unknown,
  o: RetryOptions,
): Promise<"retried" | "failed" | "lost"> {
  const at = ctx.clock.now();
  const { reason, final, update } = failedAttempt(row.attempts, error, o, at, t === undefined);
  return inTransaction(ctx.db.knex, async (trx) => {
    const n = await trx("transfer_resends")
      .update(update)
      .where({ id: row.id, lease_owner: token, state: "queued" });
    if (n === 0) return "lost";
    if (final && t !== undefined) {
      await new TransferRepository(trx).addEvent(t.id, {
        step: "resent",
        at: at.toISOString(),
        memberRef: row.member_ref,
        reason,
      });
      await ctx.trail.appendWithin(trx, [resentEntry(t, row, { outcome: "failure", reason })]);
    }
    return final ? "failed" : "retried";
  });
}
