/**
 * What the hub hears in the rooms becomes transfer evidence: the hub's own sheet echo
 * (`delivered`), public read receipts (weak proof) and explicit acknowledgements (the legal one).
 * One handler for `serve` (src/app.ts) and `transfer send --wait` (src/cli/commands/transfer.ts).
 *
 * The Matrix listener delivers at least once (see src/matrix/inbound.ts); every recording here
 * claims its Matrix event durably first, so a replay records and audits nothing twice.
 * {@link evidenceCatchUp} says which rooms to replay after a restart, and from when.
 */
import { isPasserelleError } from "../../core/index.ts";
import type { InboundHandler, NoticeTransport } from "../../matrix/index.ts";
import { recordEcho } from "./echo.ts";
import { recordAcknowledgement, recordRead } from "./receipts.ts";
import type { TransferContext } from "../record/index.ts";
import { recordUnprovenAck } from "./unproven-ack.ts";

/** Told of evidence that could not be recorded: a code, never data. */
export type EvidenceErrorSink = (code: string) => void;

/**
 * The inbound handler recording evidence for the hub `hubUserId`. An acknowledgement counts only
 * when encrypted by a device of the recipient (its device id is recorded); one that proves no
 * device is a weak signal, answered through `notices` (when given) with how to acknowledge.
 */
export function inboundEvidence(
  ctx: TransferContext,
  hubUserId: string,
  onError: EvidenceErrorSink = () => undefined,
  notices?: NoticeTransport | PromiseLike<NoticeTransport>,
): InboundHandler {
  const guard = (p: Promise<unknown>): Promise<void> =>
    p.then(
      () => undefined,
      (e: unknown) => {
        // Receipts for events that are not sheets (summaries, other messages) are not transfers.
        if (isPasserelleError(e) && e.code === "NOT_FOUND") return;
        onError(isPasserelleError(e) ? e.code : "INTERNAL");
      },
    );
  return {
    onDelivered: (roomId, eventId) => guard(recordEcho(ctx, eventId, hubUserId, ctx.clock.now(), roomId)),
    onRead: (_room, eventId, userId, ts) =>
      guard(recordRead(ctx, { eventId }, userId, new Date(ts), eventId)),
    onAcknowledged: (_room, sheetEventId, userId, ts, _via, eventId, deviceId) =>
      guard(recordAcknowledgement(ctx, { eventId: sheetEventId }, userId, new Date(ts), eventId, deviceId)),
    onUnprovenAck: (_room, sheetEventId, userId, ts, via, eventId, reason) =>
      guard(recordUnprovenAck(ctx, sheetEventId, userId, new Date(ts), eventId, reason, via, notices)),
  };
}

/** Clock skew allowed between this host and the homeserver's `origin_server_ts`. */
const SKEW_MS = 10 * 60_000;

/**
 * The rooms whose evidence may still come: a transfer was sent there and one of its recipients has
 * not acknowledged it. For each, the time from which to replay the room (its oldest such send,
 * less a margin for clock skew), in ms since epoch.
 */
export async function evidenceCatchUp(
  ctx: TransferContext,
): Promise<{ readonly roomId: string; readonly since: number }[]> {
  const rows = await ctx.db
    .knex("transfers as t")
    .join("transfer_recipients as r", "r.transfer_id", "t.id")
    .whereNotNull("t.room_id")
    .whereNotNull("t.sent_at")
    .whereNull("r.acknowledged_at")
    .whereNotIn("t.state", ["queued", "failed"])
    .groupBy("t.room_id")
    .select("t.room_id")
    .min<{ room_id: string; since: string }[]>({ since: "t.sent_at" });
  return rows.map((r) => ({ roomId: r.room_id, since: Date.parse(r.since) - SKEW_MS }));
}
