/** Recording the outcome of one send attempt: `sent`, or a retry with backoff, or `failed`. */
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { isPasserelleError } from "../../core/index.ts";
import type { SentSheet } from "../../matrix/index.ts";
import { inTransaction } from "../../storage/index.ts";
import { deliverIfEchoed, lockRoom } from "../evidence/index.ts";
import type { TransferRow, TransferContext } from "../record/index.ts";
import { TransferRepository } from "../record/index.ts";

/** Audit actor of the outbox worker. */
export const WORKER_ACTOR = "system:outbox";

/** A send attempt that did not finish within the worker's attempt timeout. */
export class AttemptTimeout extends Error {
  constructor() {
    super("send attempt timed out");
    this.name = "AttemptTimeout";
  }
}

/**
 * The room guard's refusal (src/matrix/room-guard.ts): `FORBIDDEN` with the broken rule as its
 * issue (`room.unencrypted`, `room.stranger`, …). Retrying cannot fix the room: the transfer fails.
 */
function roomRefusal(e: unknown): string | undefined {
  if (!isPasserelleError(e) || e.code !== "FORBIDDEN") return undefined;
  const rule = e.issues[0]?.rule;
  return rule !== undefined && /^room\.[a-z_]{1,40}$/.test(rule) ? rule : "room.refused";
}

/** The trust policy's refusal (`TRUST_POLICY`): its rule, `trust.server_not_allowed` or `trust.user_id_invalid`. */
function trustRefusal(e: unknown): string | undefined {
  if (!isPasserelleError(e) || e.code !== "TRUST_POLICY") return undefined;
  const rule = e.issues[0]?.rule;
  return rule !== undefined && /^trust\.[a-z_]{1,40}$/.test(rule) ? rule : "trust.refused";
}

/** A stable, lower-case reason code for an error (never its message, which may quote data). */
export function reasonOf(e: unknown): string {
  if (e instanceof AttemptTimeout) return "matrix.timeout";
  const untrusted = trustRefusal(e);
  if (untrusted !== undefined) return untrusted;
  const refusal = roomRefusal(e);
  if (refusal !== undefined) return refusal;
  if (isPasserelleError(e)) return `matrix.${e.code.toLowerCase()}`;
  const errcode = (e as { errcode?: unknown } | null)?.errcode;
  if (typeof errcode === "string" && /^[A-Z_]{1,40}$/.test(errcode)) return `matrix.${errcode.toLowerCase()}`;
  const name = e instanceof Error ? e.name : "";
  return /connection|fetch|network|abort/i.test(name) || /ECONNREFUSED|fetch failed/.test(String(e))
    ? "matrix.unreachable"
    : "matrix.error";
}

/**
 * Errors that a retry cannot fix: bad input to the transport, a room the guard refuses, or a
 * member outside the trust policy (the policy changed after the transfer was queued).
 */
export function isPermanent(e: unknown): boolean {
  return (
    isPasserelleError(e) &&
    (e.code === "VALIDATION_FAILED" || e.code === "FORBIDDEN" || e.code === "TRUST_POLICY")
  );
}

/** Marks the transfer sent, fenced by the lease token; returns false if the lease was lost. */
export async function recordSent(
  ctx: TransferContext,
  row: TransferRow,
  token: string,
  roomId: string,
  sent: SentSheet,
): Promise<boolean> {
  const now = ctx.clock.now().toISOString();
  return inTransaction(ctx.db.knex, async (trx) => {
    await lockRoom(trx, roomId); // PostgreSQL: ordered against recordEcho (see echo.ts)
    const n = await trx("transfers")
      .update({
        state: "sent",
        room_id: roomId,
        sent_at: now,
        updated_at: now,
        attempts: row.attempts + 1,
        // One message per sheet: it is both the sheet and the file event (no separate text).
        file_event_id: sent.eventId,
        sheet_event_id: sent.eventId,
        text_event_id: null,
        lease_owner: null,
        lease_expires_at: null,
        last_reason: null,
      })
      .where({ id: row.id, lease_owner: token, state: "queued" });
    if (n === 0) return false;
    await new TransferRepository(trx).addEvent(row.id, {
      step: "sent",
      at: now,
      matrixEventId: sent.eventId,
    });
    await ctx.trail.appendWithin(trx, [
      auditEvent("transfer.sent", {
        actor: WORKER_ACTOR,
        transfer: row.id,
        sheet: row.sheet_id,
        room: roomId,
        event: sent.eventId,
        pdfSha256: row.pdf_sha256,
        patient: row.patient_ref as PatientRef,
      }),
    ]);
    const t = { id: row.id, sheetId: row.sheet_id, patientRef: row.patient_ref, roomId };
    await deliverIfEchoed(ctx, trx, t, sent.eventId, now);
    return true;
  });
}

/** Backoff before attempt `attempts + 1`: base × 2^(attempts − 1), capped, with ±20 % jitter. */
export function backoffMs(attempts: number, baseMs: number, maxMs: number): number {
  const raw = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempts - 1));
  return Math.round(raw * (0.8 + Math.random() * 0.4));
}

export interface RetryOptions {
  readonly maxAttempts: number;
  readonly backoffBaseMs: number;
  readonly backoffMaxMs: number;
}

/**
 * A failed send of a leased outbox row (transfer or re-send): its reason, whether it was the last
 * attempt (`final`, also when the caller knows it cannot succeed) and the columns that release the
 * lease — back to `queued` after the backoff, or `failed`.
 */
export function failedAttempt(
  attemptsBefore: number,
  error: unknown,
  o: RetryOptions,
  at: Date,
  hopeless = false,
): { reason: string; final: boolean; update: Record<string, string | number | null> } {
  const attempts = attemptsBefore + 1;
  const reason = reasonOf(error);
  const final = attempts >= o.maxAttempts || isPermanent(error) || hopeless;
  const next = new Date(at.getTime() + (final ? 0 : backoffMs(attempts, o.backoffBaseMs, o.backoffMaxMs)));
  return {
    reason,
    final,
    update: {
      state: final ? "failed" : "queued",
      attempts,
      next_attempt_at: next.toISOString(),
      last_reason: reason,
      lease_owner: null,
      lease_expires_at: null,
    },
  };
}

/** Records a failed attempt: `retried` with a next attempt time, or `failed` after the last one. */
export async function recordFailure(
  ctx: TransferContext,
  row: TransferRow,
  token: string,
  error: unknown,
  o: RetryOptions,
): Promise<"retried" | "failed" | "lost"> {
  const at = ctx.clock.now();
  const { reason, final, update } = failedAttempt(row.attempts, error, o, at);
  return inTransaction(ctx.db.knex, async (trx) => {
    const n = await trx("transfers")
      .update({ ...update, updated_at: at.toISOString() })
      .where({ id: row.id, lease_owner: token, state: "queued" });
    if (n === 0) return "lost";
    const step = final ? "failed" : "retried";
    await new TransferRepository(trx).addEvent(row.id, { step, at: at.toISOString(), reason });
    const common = {
      actor: WORKER_ACTOR,
      transfer: row.id,
      sheet: row.sheet_id,
      outcome: "failure" as const,
      reason,
      patient: row.patient_ref as PatientRef,
      ...(row.room_id === null ? {} : { room: row.room_id }),
    };
    await ctx.trail.appendWithin(trx, [
      final ? auditEvent("transfer.failed", common) : auditEvent("transfer.retried", common),
    ]);
    return step;
  });
}
