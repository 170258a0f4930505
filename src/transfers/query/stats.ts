/**
 * The coordinator's dashboard figures, aggregates only:
 * - the HAS indicator: share of discharge letters sent on the day of discharge (the letter's
 *   `stay.dischargeDate` against the transfer's creation day in Europe/Paris);
 * - transfers awaiting acknowledgement past their delay (`overdue.ts`), by kind;
 * - tele-expertise requests by state, and the median time from request to answer.
 */
import type { Queryable } from "../../storage/index.ts";
import { countBy } from "../../storage/index.ts";
import type { EscalationDelays } from "../escalation/index.ts";
import { DEFAULT_ESCALATION } from "../escalation/index.ts";
import { isOverdue } from "./query.ts";
import type { TransferRow, TransferState } from "../record/index.ts";
import { TRANSFER_COLUMNS, toTransfer, TRANSFER_STATES } from "../record/index.ts";

export interface CptsStats {
  readonly generatedAt: string;
  readonly dischargeSameDay: {
    readonly letters: number;
    readonly sameDay: number;
    /** sameDay / letters, or null without letters. */
    readonly share: number | null;
  };
  readonly overdue: { readonly total: number; readonly byKind: Readonly<Record<string, number>> };
  readonly teleexpertise: {
    readonly requests: number;
    readonly byState: Readonly<Record<TransferState, number>>;
    readonly answered: number;
    /** Median hours from request to first answer, or null when none is answered. */
    readonly medianHoursToAnswer: number | null;
  };
}

const parisDay = new Intl.DateTimeFormat("en-CA", {
  timeZone: "Europe/Paris",
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

function median(xs: readonly number[]): number | null {
  if (xs.length === 0) return null;
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? (s[mid] ?? null) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

export async function cptsStats(
  knex: Queryable,
  now: Date,
  delays: EscalationDelays = DEFAULT_ESCALATION,
): Promise<CptsStats> {
  const discharges = (await knex("transfers")
    .select("created_at", "payload_json")
    .where("kind", "discharge")) as {
    created_at: string;
    payload_json: string;
  }[];
  let sameDay = 0;
  for (const d of discharges) {
    const data = JSON.parse(d.payload_json) as { stay?: { dischargeDate?: unknown } };
    if (data.stay?.dischargeDate === parisDay.format(new Date(d.created_at))) sameDay++;
  }

  const awaiting = (await knex("transfers")
    .select([...TRANSFER_COLUMNS])
    .whereIn("state", ["sent", "delivered", "read"])) as TransferRow[];
  const byKind: Record<string, number> = {};
  let total = 0;
  for (const t of awaiting.map(toTransfer)) {
    if (!isOverdue(t, now, delays)) continue;
    total++;
    byKind[t.kind] = (byKind[t.kind] ?? 0) + 1;
  }

  const requests = (await knex("transfers")
    .select("id", "state", "created_at")
    .where("kind", "teleexpertise-request")) as { id: string; state: TransferState; created_at: string }[];
  const byState = Object.fromEntries(TRANSFER_STATES.map((s) => [s, 0])) as Record<TransferState, number>;
  for (const r of requests) byState[r.state]++;
  const answered: unknown = await knex("transfer_events")
    .select("transfer_id")
    .min({ at: "at" })
    .where("step", "answered")
    .whereIn("transfer_id", knex("transfers").select("id").where("kind", "teleexpertise-request"))
    .groupBy("transfer_id");
  const answers = answered as { transfer_id: string; at: string }[];
  const created = new Map(requests.map((r) => [r.id, new Date(r.created_at).getTime()]));
  const hours = answers
    .map((a) => (new Date(a.at).getTime() - (created.get(a.transfer_id) ?? NaN)) / 3_600_000)
    .filter((h) => Number.isFinite(h) && h >= 0);

  return {
    generatedAt: now.toISOString(),
    dischargeSameDay: {
      letters: discharges.length,
      sameDay,
      share: discharges.length === 0 ? null : sameDay / discharges.length,
    },
    overdue: { total, byKind },
    teleexpertise: {
      requests: requests.length,
      byState,
      answered: answers.length,
      medianHoursToAnswer: median(hours),
    },
  };
}

/** Transfers by state, every state present (0 when none): the exporter's gauge. */
export async function transfersByState(q: Queryable): Promise<Record<TransferState, number>> {
  const by = await countBy(q("transfers"), "state");
  return Object.fromEntries(TRANSFER_STATES.map((s) => [s, by.get(s) ?? 0])) as Record<TransferState, number>;
}

/** Transfers waiting in the outbox (`queued`). */
export async function outboxDepth(q: Queryable): Promise<number> {
  const r = (await q("transfers").where("state", "queued").count({ n: "*" }).first()) as
    { n?: unknown } | undefined;
  return Number(r?.n ?? 0);
}

/** Creation and send times of the transfers sent at or after `since`, in send order (at most `limit`). */
export async function sentSince(
  q: Queryable,
  since: string,
  limit: number,
): Promise<{ id: string; createdAt: string; sentAt: string }[]> {
  const rows = (await q("transfers")
    .select("id", "created_at", "sent_at")
    .whereNotNull("sent_at")
    .andWhere("sent_at", ">=", since)
    .orderBy("sent_at")
    .limit(limit)) as { id: string; created_at: string; sent_at: string }[];
  return rows.map((r) => ({ id: r.id, createdAt: r.created_at, sentAt: r.sent_at }));
}
