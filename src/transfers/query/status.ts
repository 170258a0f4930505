/** A transfer's status for `transfer status` and the API: the transfer, its recipients and history. */
import { PasserelleError } from "../../core/index.ts";
import type { Queryable } from "../../storage/index.ts";
import { TransferRepository, transferReference } from "../record/index.ts";
import type { RoutingLine, Transfer, TransferEvent, TransferRecipient } from "../record/index.ts";

/** How a transfer relates to others and to the directory (admission to a unit, tele-expertise). */
export interface TransferLinks {
  /** The hospital unit (structure id) an admission was addressed to. */
  readonly unitId?: number;
  /** The tele-expertise request this answer replies to. */
  readonly inReplyTo?: string;
  /** The answer to this tele-expertise request. */
  readonly answer?: string;
  /** The answer deadline of this tele-expertise request (ISO instant). */
  readonly answerDueAt?: string;
  /** The earlier transfer this new version of a hospital document replaces (same room). */
  readonly replaces?: string;
  /** Its short human reference (`DOC-7K3Q-2FX`), what people read. */
  readonly replacesReference?: string;
  /** The transfer of the newer version that replaces this one. */
  readonly replacedBy?: string;
  /** Its short human reference. */
  readonly replacedByReference?: string;
}

export interface TransferStatus {
  readonly transfer: Transfer;
  readonly recipients: readonly TransferRecipient[];
  readonly events: readonly TransferEvent[];
  readonly links: TransferLinks;
  /** Who receives a hospital document's transfer and why, in routing order (empty for sheets). */
  readonly routing: readonly RoutingLine[];
  /** Evidence the sender asked for (`reception`, `reading`: CI-SIS ACK_RECEPTION, ACK_LECTURE_MSS). */
  readonly evidenceAsked?: readonly string[];
}

interface LinkRow {
  recipient_structure_id: number | null;
  in_reply_to: string | null;
  answer_due_at: string | null;
  replaces: string | null;
  evidence_asked: string | null;
}

/** @throws PasserelleError `NOT_FOUND` when there is no such transfer. */
export async function transferStatus(q: Queryable, transferId: string): Promise<TransferStatus> {
  const repo = new TransferRepository(q);
  const transfer = await repo.get(transferId);
  if (transfer === undefined) throw new PasserelleError("NOT_FOUND", "transfer not found");
  const [recipients, events, row, answer, replacedBy, routing] = await Promise.all([
    repo.recipients(transferId),
    repo.events(transferId),
    q("transfers")
      .select("recipient_structure_id", "in_reply_to", "answer_due_at", "replaces", "evidence_asked")
      .where("id", transferId)
      .first() as Promise<LinkRow | undefined>,
    q("transfers").select("id").where("in_reply_to", transferId).first() as Promise<
      { id: string } | undefined
    >,
    q("transfers")
      .select("id", "kind")
      .where("replaces", transferId)
      .orderBy("created_at", "desc")
      .first() as Promise<{ id: string; kind: string } | undefined>,
    q("transfer_routing")
      .select("rpps", "source", "reason")
      .where("transfer_id", transferId)
      .orderBy("position") as Promise<RoutingLine[]>,
  ]);
  const replaces =
    row?.replaces == null
      ? undefined
      : ((await q("transfers").select("id", "kind").where("id", row.replaces).first()) as
          { id: string; kind: string } | undefined);
  const links: TransferLinks = {
    ...(row?.recipient_structure_id == null ? {} : { unitId: row.recipient_structure_id }),
    ...(row?.in_reply_to == null ? {} : { inReplyTo: row.in_reply_to }),
    ...(answer === undefined ? {} : { answer: answer.id }),
    ...(row?.answer_due_at == null ? {} : { answerDueAt: row.answer_due_at }),
    ...(row?.replaces == null ? {} : { replaces: row.replaces }),
    ...(replaces === undefined ? {} : { replacesReference: transferReference(replaces.kind, replaces.id) }),
    ...(replacedBy === undefined
      ? {}
      : {
          replacedBy: replacedBy.id,
          replacedByReference: transferReference(replacedBy.kind, replacedBy.id),
        }),
  };
  const evidence =
    row?.evidence_asked == null || row.evidence_asked === "" ? undefined : row.evidence_asked.split(",");
  return {
    transfer,
    recipients,
    events,
    links,
    routing: routing.map((r) => ({ rpps: r.rpps, source: r.source, reason: r.reason })),
    ...(evidence === undefined ? {} : { evidenceAsked: evidence }),
  };
}
