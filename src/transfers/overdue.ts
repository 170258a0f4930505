/**
 * Escalation: sent transfers not acknowledged (nor answered) in time — by default 24 h for
 * discharge sheets, 72 h for the other kinds, counted from `sent_at`. The scheduler calls
 * {@link findOverdue}, re-notifies the recipients and tells the CPTS coordinator, then calls
 * {@link markEscalated}; a transfer is escalated again only after another full delay.
 */
import type { PatientRef } from "../audit/index.ts";
import { auditEvent } from "../audit/index.ts";
import { inTransaction } from "../storage/index.ts";
import { WORKER_ACTOR } from "./outcome.ts";
import type { TransferRow } from "./repository.ts";
import { TRANSFER_COLUMNS, toTransfer } from "./repository.ts";
import type { Transfer, TransferContext } from "./types.ts";

/** Acknowledgement delays in hours, by sheet kind, with a default. */
export interface EscalationDelays {
  readonly byKind: Readonly<Record<string, number>>;
  readonly defaultHours: number;
}

export const DEFAULT_ESCALATION: EscalationDelays = { byKind: { discharge: 24 }, defaultHours: 72 };

const HOUR = 3_600_000;

/** Transfers awaiting acknowledgement past their delay (and past their last escalation's). */
export async function findOverdue(
  ctx: TransferContext,
  now: Date,
  delays: EscalationDelays = DEFAULT_ESCALATION,
): Promise<Transfer[]> {
  const rows = (await ctx.db
    .knex("transfers")
    .select(TRANSFER_COLUMNS)
    .whereIn("state", ["sent", "delivered", "read"])
    .orderBy("sent_at")) as TransferRow[];
  return rows
    .filter((r) => {
      const hours = delays.byKind[r.kind] ?? delays.defaultHours;
      const since = r.escalated_at ?? r.sent_at;
      return since !== null && new Date(since).getTime() + hours * HOUR <= now.getTime();
    })
    .map(toTransfer);
}

/** Records that the scheduler re-notified `transfer` (state history + audit `transfer.retried`, reason `escalation.overdue`). */
export async function markEscalated(ctx: TransferContext, transfer: Transfer, now: Date): Promise<void> {
  const at = now.toISOString();
  await inTransaction(ctx.db.knex, async (trx) => {
    await trx("transfers")
      .update({ escalated_at: at, escalations: transfer.escalations + 1, updated_at: at })
      .where({ id: transfer.id });
    await trx("transfer_events").insert({
      transfer_id: transfer.id,
      step: "escalated",
      at,
      reason: "escalation.overdue",
    });
    await ctx.trail.appendWithin(trx, [
      auditEvent("transfer.retried", {
        actor: WORKER_ACTOR,
        transfer: transfer.id,
        sheet: transfer.sheetId,
        reason: "escalation.overdue",
        patient: transfer.patientRef as PatientRef,
        ...(transfer.roomId === undefined ? {} : { room: transfer.roomId }),
      }),
    ]);
  });
}
