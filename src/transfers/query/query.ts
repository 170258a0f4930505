/**
 * Listing transfers for a reader (the API's `GET /transfers`), by scope: the CPTS coordinator sees
 * all; a recipient the transfers addressed to them or to their structure; a sender their unit's
 * (and their own). Filters: state, form, overdue (past the acknowledgement delay, see
 * `overdue.ts`); keyset pagination on (created_at, id), newest first. Ids and states only — the
 * sheet's data stays in `payload_json`.
 */
import type { Knex } from "knex";
import { fieldError } from "../../core/index.ts";
import { DirectoryRepository } from "../../directory/index.ts";
import type { Queryable } from "../../storage/index.ts";
import type { EscalationDelays } from "../escalation/index.ts";
import { DEFAULT_ESCALATION } from "../escalation/index.ts";
import type { TransferRow, Transfer, TransferRecipient, TransferState } from "../record/index.ts";
import { TRANSFER_COLUMNS, TransferRepository, toTransfer } from "../record/index.ts";

/** What a reader may see. `all`: the coordinator. The other fields are OR-ed. */
export interface TransferScope {
  readonly all?: boolean;
  readonly senderActor?: string;
  readonly senderUnit?: string;
  readonly recipientMemberId?: number;
  readonly recipientStructureId?: number;
}

export interface TransferFilter {
  readonly state?: TransferState;
  readonly form?: string;
  readonly overdue?: boolean;
  readonly limit: number;
  readonly cursor?: string;
}

export interface TransferListItem extends Transfer {
  readonly recipients: readonly TransferRecipient[];
  readonly overdue: boolean;
}

const HOUR = 3_600_000;
const AWAITING: readonly TransferState[] = ["sent", "delivered", "read"];

/** Whether a transfer is awaiting acknowledgement past its delay (counted from `sent_at`). */
export function isOverdue(t: Transfer, now: Date, delays: EscalationDelays = DEFAULT_ESCALATION): boolean {
  if (!AWAITING.includes(t.state) || t.sentAt === undefined) return false;
  const hours = delays.byKind[t.kind] ?? delays.defaultHours;
  return new Date(t.sentAt).getTime() + hours * HOUR <= now.getTime();
}

function applyScope(q: Knex.QueryBuilder, knex: Queryable, s: TransferScope): void {
  if (s.all === true) return;
  void q.where((w) => {
    void w.whereRaw("1 = 0");
    if (s.senderActor !== undefined) void w.orWhere("sender", s.senderActor);
    if (s.senderUnit !== undefined) void w.orWhere("sender_unit", s.senderUnit);
    if (s.recipientMemberId !== undefined) {
      void w.orWhereIn(
        "id",
        knex("transfer_recipients").select("transfer_id").where("member_id", s.recipientMemberId),
      );
    }
    if (s.recipientStructureId !== undefined) {
      void w.orWhereIn(
        "id",
        knex("transfer_recipients")
          .select("transfer_id")
          .whereIn("member_id", new DirectoryRepository(knex).memberIdsOf(s.recipientStructureId)),
      );
    }
  });
}

const encodeCursor = (t: Transfer): string =>
  Buffer.from(JSON.stringify([t.createdAt, t.id])).toString("base64url");

function decodeCursor(c: string): [string, string] {
  try {
    const v: unknown = JSON.parse(Buffer.from(c, "base64url").toString("utf8"));
    if (Array.isArray(v) && v.length === 2 && typeof v[0] === "string" && typeof v[1] === "string") {
      return [v[0], v[1]];
    }
  } catch {
    // fall through
  }
  throw fieldError("VALIDATION_FAILED", "cursor: not a cursor from a previous page", "cursor", "cursor", {
    en: "invalid cursor",
    fr: "curseur invalide",
  });
}

/** One page of transfers the scope may see, newest first, with `next` when there are more. */
export async function listTransfers(
  knex: Queryable,
  scope: TransferScope,
  filter: TransferFilter,
  now: Date,
  delays: EscalationDelays = DEFAULT_ESCALATION,
): Promise<{ items: TransferListItem[]; next?: string }> {
  const q = knex("transfers").select([...TRANSFER_COLUMNS]);
  applyScope(q, knex, scope);
  if (filter.state !== undefined) void q.where("state", filter.state);
  if (filter.form !== undefined) {
    void q.where(filter.form.includes("@") ? "form" : "kind", filter.form);
  }
  if (filter.overdue !== undefined) {
    const due = (w: Knex.QueryBuilder): void => {
      void w.whereIn("state", [...AWAITING]).andWhere((k) => {
        const kinds = Object.entries(delays.byKind);
        for (const [kind, hours] of kinds) {
          void k.orWhere((x) => {
            void x
              .where("kind", kind)
              .andWhere("sent_at", "<=", new Date(now.getTime() - hours * HOUR).toISOString());
          });
        }
        void k.orWhere((x) => {
          void x
            .whereNotIn(
              "kind",
              kinds.map(([kind]) => kind),
            )
            .andWhere("sent_at", "<=", new Date(now.getTime() - delays.defaultHours * HOUR).toISOString());
        });
      });
    };
    if (filter.overdue) void q.where(due);
    else void q.whereNot(due);
  }
  if (filter.cursor !== undefined) {
    const [at, id] = decodeCursor(filter.cursor);
    void q.where((w) => {
      void w.where("created_at", "<", at).orWhere((x) => {
        void x.where("created_at", at).andWhere("id", "<", id);
      });
    });
  }
  const rows = (await q
    .orderBy([
      { column: "created_at", order: "desc" },
      { column: "id", order: "desc" },
    ])
    .limit(filter.limit + 1)) as TransferRow[];
  const page = rows.slice(0, filter.limit).map(toTransfer);
  const repo = new TransferRepository(knex);
  const items = await Promise.all(
    page.map(async (t) => ({
      ...t,
      recipients: await repo.recipients(t.id),
      overdue: isOverdue(t, now, delays),
    })),
  );
  const last = page.at(-1);
  return rows.length > filter.limit && last !== undefined ? { items, next: encodeCursor(last) } : { items };
}

/** Whether `scope` may see this transfer (the same rules as {@link listTransfers}). */
export async function canSeeTransfer(
  knex: Queryable,
  scope: TransferScope,
  transferId: string,
): Promise<boolean> {
  const q = knex("transfers").select("id").where("id", transferId);
  applyScope(q, knex, scope);
  return (await q.first()) !== undefined;
}
