/**
 * Escalation: sent transfers not acknowledged in time — by default 24 h for discharge
 * sheets, 72 h for the other kinds, counted from `sent_at` — and tele-expertise requests not
 * answered by their deadline (`request.answerBy`, see `deadline.ts`; without one, the kind's
 * delay). An acknowledgement does not stop a tele-expertise request's clock: only the answer does.
 * The {@link EscalationScheduler} calls {@link findOverdue}, re-notifies the room and tells the
 * CPTS coordinators, then calls {@link markEscalated}; a transfer is escalated again only after
 * another full delay. Withdrawals of notices ask for nothing and are never escalated.
 */
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { inTransaction } from "../../storage/index.ts";
import { WORKER_ACTOR, sheetRole } from "../outbox/index.ts";
import type { TransferRow, Transfer, TransferContext } from "../record/index.ts";
import { TRANSFER_COLUMNS, toTransfer, TransferRepository } from "../record/index.ts";

/** Acknowledgement delays in hours, by sheet kind, with a default. */
export interface EscalationDelays {
  readonly byKind: Readonly<Record<string, number>>;
  readonly defaultHours: number;
}

export const DEFAULT_ESCALATION: EscalationDelays = { byKind: { discharge: 24 }, defaultHours: 72 };

/** Kinds whose escalation waits for an answer rather than an acknowledgement. */
export const ANSWERED_KINDS: ReadonlySet<string> = new Set(["teleexpertise-request"]);

const HOUR = 3_600_000;

type OverdueRow = TransferRow & { answer_due_at: string | null };

/** When `r` becomes overdue (ms since epoch), or undefined if it was never sent. */
function dueAt(r: OverdueRow, delays: EscalationDelays): number | undefined {
  const hours = delays.byKind[r.kind] ?? delays.defaultHours;
  if (r.escalated_at !== null) return new Date(r.escalated_at).getTime() + hours * HOUR;
  if (ANSWERED_KINDS.has(r.kind) && r.answer_due_at !== null) return new Date(r.answer_due_at).getTime();
  return r.sent_at === null ? undefined : new Date(r.sent_at).getTime() + hours * HOUR;
}

/** Transfers awaiting acknowledgement (or answer) past their delay, and past their last escalation's. */
export async function findOverdue(
  ctx: TransferContext,
  now: Date,
  delays: EscalationDelays = DEFAULT_ESCALATION,
): Promise<Transfer[]> {
  const rows = (await ctx.db
    .knex("transfers")
    .select([...TRANSFER_COLUMNS, "answer_due_at"])
    .where((w) => {
      void w
        .whereIn("state", ["sent", "delivered", "read"])
        .orWhere((a) => void a.where("state", "acknowledged").whereIn("kind", [...ANSWERED_KINDS]));
    })
    .orderBy("sent_at")) as OverdueRow[];
  const due = rows.filter((r) => {
    const at = dueAt(r, delays);
    return at !== undefined && at <= now.getTime();
  });
  const out: Transfer[] = [];
  for (const r of due) if (!(await isWithdrawal(ctx, r))) out.push(toTransfer(r));
  return out;
}

/** A withdrawal asks for nothing (its message says so): it is never escalated. */
async function isWithdrawal(ctx: TransferContext, r: TransferRow): Promise<boolean> {
  if (!r.kind.endsWith("-notice")) return false;
  const payload = await new TransferRepository(ctx.db.knex).payload(r.id);
  return payload !== undefined && sheetRole(r.kind, payload.data) === "withdrawal";
}

/** What an escalation sent: the reminder in the transfer's room and the coordinators' notices. */
export interface EscalationEvidence {
  readonly reminderEventId?: string;
  readonly notices?: readonly {
    readonly member: string;
    readonly roomId: string;
    readonly eventId: string;
  }[];
}

/**
 * Records that the scheduler re-notified `transfer`: state history `escalated` and audit
 * `transfer.escalated` (reason `escalation.overdue`, or `escalation.unanswered` for requests
 * awaiting an answer) — one entry for the room's reminder, one per coordinator told. Fenced on the
 * escalation count read by `findOverdue`: returns false (and writes nothing) if another scheduler
 * got there first.
 */
export async function markEscalated(
  ctx: TransferContext,
  transfer: Transfer,
  now: Date,
  evidence: EscalationEvidence = {},
): Promise<boolean> {
  const at = now.toISOString();
  const reason = ANSWERED_KINDS.has(transfer.kind) ? "escalation.unanswered" : "escalation.overdue";
  return inTransaction(ctx.db.knex, async (trx) => {
    const n = await trx("transfers")
      .update({ escalated_at: at, escalations: transfer.escalations + 1, updated_at: at })
      .where({ id: transfer.id, escalations: transfer.escalations });
    if (n === 0) return false;
    await trx("transfer_events").insert({
      transfer_id: transfer.id,
      step: "escalated",
      at,
      reason,
      matrix_event_id: evidence.reminderEventId ?? null,
    });
    const base = {
      actor: WORKER_ACTOR,
      transfer: transfer.id,
      sheet: transfer.sheetId,
      reason,
      patient: transfer.patientRef as PatientRef,
    };
    await ctx.trail.appendWithin(trx, [
      auditEvent("transfer.escalated", {
        ...base,
        ...(transfer.roomId === undefined ? {} : { room: transfer.roomId }),
        ...(evidence.reminderEventId === undefined ? {} : { event: evidence.reminderEventId }),
      }),
      ...(evidence.notices ?? []).map((x) =>
        auditEvent("transfer.escalated", { ...base, member: x.member, room: x.roomId, event: x.eventId }),
      ),
    ]);
    return true;
  });
}
