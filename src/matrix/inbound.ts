/**
 * What comes back from the rooms, for the transfers module: delivery (remote echo of the hub's own
 * sheet message), public read receipts, and explicit acknowledgements. Decrypted events only.
 *
 * - Delivered: the hub's sheet message came back through `/sync` (the remote echo,
 *   client-server API §7.6.1 "Local echo"): the homeserver has it in the room's DAG.
 * - Read: `m.receipt` with `m.read` (§11.6 "Receipts"). `m.read.private` is never shared with
 *   others and clients can switch receipts off, so a receipt is weak proof: it proves a client
 *   displayed the room, not that a professional took the sheet in charge. `m.read` means "read up
 *   to this event", so besides the receipt's own event the handler also hears of every earlier
 *   hub sheet of the room that the client holds.
 * - Acknowledged (the legal acknowledgement): an `m.reaction` whose `m.relates_to` is an
 *   `m.annotation` with key "✅" (§11.33 "Event annotations and reactions"), or a text message
 *   `!ack`, optionally a reply (`m.relates_to.m.in_reply_to`, §11.19 "Rich replies"; the
 *   `> ` reply fallback some clients still put in `body` is stripped). The target may be the
 *   sheet message (one `m.file` carrying `fr.passerelle.sheet`), a hub message naming a sheet in
 *   `fr.passerelle.sheet_event_id` (a reminder), or any of the three events of an earlier
 *   three-event sheet (custom `fr.passerelle.sheet` event, `m.file`, `m.text`); the handler
 *   always receives the sheet's event id (for the earlier sheets, their custom event's). A bare
 *   `!ack` acknowledges the room's latest hub sheet before it.
 * - Proof of the device: an acknowledgement counts (`onAcknowledged`, with the sending device id)
 *   only when it arrived encrypted and was decrypted by the hub, sent by a device of the sender's
 *   account (ack-proof.ts). One sent in clear goes to `onUnprovenAck` instead: a weak signal.
 *   Reactions are the usual case: matrix-js-sdk (hence Element) never encrypts `m.reaction`, even
 *   in an encrypted room (relations stay in clear for server-side aggregation), so in practice the
 *   legal acknowledgement is an `!ack` message, which every E2EE client encrypts.
 * - Other `!` commands go to `onCommand`, with the sheet they reply to if any (resolved as for
 *   `!ack`). The hub's own events are ignored (except for
 *   delivery), events older than `since` are ignored, and every event is handled once (by id)
 *   within a process.
 * - Restart: `catchUp(roomId, since)` pages the room back through `/messages` (the first sync
 *   after a restart gives only the latest events of each room) and handles every event and real
 *   read receipt since then. Delivery is thus at least once across restarts: handlers dedupe
 *   durably (the transfers module claims each Matrix event once in its database).
 * - Gaps: a limited sync while running (more events than the sync's timeline limit) leaves a gap
 *   in a room's timeline; it is read back with `/messages` from the sync's `prev_batch`, down to
 *   the newest event heard live in that room (less a margin for servers' clocks).
 *
 * Nothing here logs message bodies: only event ids and error codes.
 */
import {
  ClientEvent,
  Direction,
  EventTimeline,
  type EventTimelineSet,
  MatrixEvent,
  MatrixEventEvent,
  ReceiptType,
  RoomEvent,
  type MatrixClient,
  type Room,
} from "matrix-js-sdk";
import { PasserelleError } from "../core/errors.ts";
import { ackProof } from "./ack-proof.ts";
import { attach, hear } from "./listeners.ts";
import type { Log } from "../core/index.ts";
import { classifyMessage, isSheetMessage, SHEET_REF_KEY } from "./inbound-parse.ts";

export type AckVia = "reaction" | "command";
type Maybe = void | Promise<void>;
/**
 * What both acknowledgement callbacks hear first: the room, the sheet acknowledged, who and when,
 * how (✅ reaction or `!ack`), and `eventId`, the reaction's or the `!ack` message's own event id.
 */
type AckArgs = [
  roomId: string,
  targetEventId: string,
  userId: string,
  ts: number,
  via: AckVia,
  eventId: string,
];

/** Implemented by the transfers module. User ids are passed as is: filtering non-recipients is its job. */
export interface InboundHandler {
  onDelivered?(roomId: string, eventId: string): Maybe;
  onRead(roomId: string, eventId: string, userId: string, ts: number): Maybe;
  /** The legal acknowledgement, encrypted by `deviceId` of the acknowledging user. */
  onAcknowledged(...args: [...AckArgs, deviceId: string]): Maybe;
  /** An acknowledgement that proves no device: sent in clear, or by a device not of the user's account. */
  onUnprovenAck?(...args: [...AckArgs, reason: "unencrypted" | "unknown_device"]): Maybe;
  /** A `!` command; `sheetEventId`: the hub sheet it replies to (directly or through a hub message naming it). */
  onCommand?(roomId: string, userId: string, text: string, eventId: string, sheetEventId?: string): Maybe;
}

export interface InboundOptions {
  /** Ignore events (and receipts) older than this (ms since epoch); default: when listening starts. */
  readonly since?: number;
  readonly log?: Log;
  /** The trust policy (src/trust): events and receipts from users it refuses are ignored. */
  readonly trusted?: (userId: string) => boolean;
}

export interface InboundListener {
  /**
   * Handles what `roomId` received since `since` (ms since epoch) — reactions, replies, commands,
   * the hub's own sheet echoes, and each member's latest real read receipt — paging back the room
   * history as far as needed (at most `maxPages` pages of 100 events).
   */
  catchUp(roomId: string, since: number, maxPages?: number): Promise<void>;
  /**
   * Stops listening, then waits (at most `drainMs`, default 10 s) for the handlers already called
   * to finish: a hub closing on SIGTERM records the evidence it heard and sends the answers it
   * began before its client stops (a send after that fails in the freed crypto machine).
   */
  stop(drainMs?: number): Promise<void>;
}

const MAX_SEEN = 50_000;
/** How far before the newest live event a gap is paged back (servers' clocks differ). */
const GAP_MARGIN_MS = 60_000;

/** A hub sheet, one `m.file` message or the custom event of an earlier three-event sheet (decrypted). */
const isSheet = (ev: MatrixEvent): boolean => isSheetMessage(ev.getType(), ev.getContent());

/** Starts listening on `client`; events already loaded and newer than `since` are handled too. */
export function listenInbound(
  client: MatrixClient,
  handler: InboundHandler,
  o: InboundOptions = {},
): InboundListener {
  const self = client.getSafeUserId();
  const since = o.since ?? Date.now();
  const seen = new Set<string>();
  const mark = (key: string): boolean => {
    if (seen.has(key)) return false;
    if (seen.size >= MAX_SEEN) seen.delete(seen.values().next().value as string);
    seen.add(key);
    return true;
  };
  let stopped = false;
  const running = new Set<Promise<void>>();
  const call = (f: () => Maybe): void => {
    if (stopped) return; // heard after stop (a decryption that finished late): the catch-up at the next start handles it
    const p = Promise.resolve()
      .then(f)
      .catch((e: unknown) => {
        const what = e instanceof PasserelleError ? `${e.code}: ${e.message}` : (e as Error).name;
        o.log?.error({ reason: what }, "matrix inbound handler failed");
      })
      .finally(() => running.delete(p));
    running.add(p);
  };
  const hubEvent = (room: Room | null, id: string): MatrixEvent | undefined => {
    const ev = room?.findEventById(id);
    return ev?.getSender() === self ? ev : undefined;
  };

  /** The sheet event id that `targetId` stands for, if it is one of the hub's sheet events. */
  const sheetOf = async (roomId: string, targetId: string): Promise<string | undefined> => {
    let target = hubEvent(client.getRoom(roomId), targetId);
    if (target)
      await client.decryptEventIfNeeded(target); // paged in together with the reaction
    else {
      try {
        target = new MatrixEvent(await client.fetchRoomEvent(roomId, targetId));
        await client.decryptEventIfNeeded(target);
      } catch {
        return undefined;
      }
      if (target.getSender() !== self) return undefined;
    }
    // A hub message naming a sheet (a reminder, a re-send) stands for that sheet.
    const ref: unknown = target.getContent()[SHEET_REF_KEY];
    if (typeof ref === "string") return ref;
    return isSheet(target) ? targetId : undefined;
  };

  const latestSheetBefore = (room: Room | null, ts: number): string | undefined =>
    room
      ?.getLiveTimeline()
      .getEvents()
      .findLast((e) => e.getSender() === self && isSheet(e) && e.getTs() <= ts)
      ?.getId();

  const classify = async (ev: MatrixEvent, roomId: string, from: number): Promise<void> => {
    const id = ev.getId();
    const sender = ev.getSender();
    if (id === undefined || sender === undefined || ev.status !== null || ev.isDecryptionFailure()) return;
    if (sender === self) {
      if (isSheet(ev) && mark(id)) call(() => handler.onDelivered?.(roomId, id));
      return;
    }
    if (o.trusted?.(sender) === false || ev.getTs() < from || !mark(id)) return;
    const msg = classifyMessage(ev.getType(), ev.getContent());
    if (msg === undefined) return;
    const room = client.getRoom(roomId);
    const acknowledge = async (sheet: string, via: AckVia): Promise<void> => {
      const proof = await ackProof(client, ev);
      const args: AckArgs = [roomId, sheet, sender, ev.getTs(), via, id];
      if (proof.proven) call(() => handler.onAcknowledged(...args, proof.deviceId));
      else call(() => handler.onUnprovenAck?.(...args, proof.reason));
    };
    if (msg.kind === "reaction") {
      const sheet = await sheetOf(roomId, msg.target);
      if (sheet !== undefined) await acknowledge(sheet, "reaction");
    } else if (msg.kind === "ack") {
      const target = msg.replyTo ?? latestSheetBefore(room, ev.getTs());
      const sheet = target === undefined ? undefined : await sheetOf(roomId, target);
      if (sheet !== undefined) await acknowledge(sheet, "command");
      else call(() => handler.onCommand?.(roomId, sender, msg.text, id));
    } else {
      const sheet = msg.replyTo === undefined ? undefined : await sheetOf(roomId, msg.replyTo);
      call(() => handler.onCommand?.(roomId, sender, msg.text, id, sheet));
    }
  };

  const whenDecrypted = (ev: MatrixEvent, roomId: string, from = since): void => {
    if (
      !ev.isEncrypted() ||
      (!ev.isBeingDecrypted() && !ev.isDecryptionFailure() && ev.getClearContent() !== null)
    ) {
      void classify(ev, roomId, from);
      return;
    }
    const onDecrypted = (): void => {
      if (ev.isBeingDecrypted() || ev.isDecryptionFailure()) return; // a later retry may succeed
      ev.off(MatrixEventEvent.Decrypted, onDecrypted);
      void classify(ev, roomId, from);
    };
    ev.on(MatrixEventEvent.Decrypted, onDecrypted);
  };

  const read = (room: Room, eventId: string, userId: string, ts: number, from = since): void => {
    if (userId === self || ts < from || o.trusted?.(userId) === false) return;
    const upToTs = room.findEventById(eventId)?.getTs() ?? -1;
    const sheets = room
      .getLiveTimeline()
      .getEvents()
      .filter((e) => e.getSender() === self && isSheet(e) && e.getTs() <= upToTs)
      .map((e) => e.getId())
      .filter((x): x is string => x !== undefined);
    for (const id of new Set([eventId, ...sheets])) {
      if (mark(`read|${userId}|${id}`)) call(() => handler.onRead(room.roomId, id, userId, ts));
    }
  };

  type TimelineListener = (
    ev: MatrixEvent,
    room: Room | undefined,
    toStart: boolean | undefined,
    removed: boolean,
  ) => void;
  /** Per room, the newest event heard live: where a gap after a limited sync begins. */
  const liveTs = new Map<string, number>();
  const onTimeline: TimelineListener = (ev, room, toStart, removed) => {
    if (!room || toStart === true || removed) return;
    liveTs.set(room.roomId, Math.max(liveTs.get(room.roomId) ?? 0, ev.getTs()));
    whenDecrypted(ev, room.roomId);
  };
  const onEcho = (ev: MatrixEvent, room: Room): void => {
    if (ev.status === null) whenDecrypted(ev, room.roomId);
  };
  // Real m.receipt events only: RoomEvent.Receipt (which knows the room) also carries the SDK's
  // synthetic receipts for the sender of every event; only real ones from /sync then reach
  // ClientEvent.Event (which lacks the room id for ephemeral events).
  const receiptRooms = new WeakMap<MatrixEvent, Room>();
  const onReceipt = (ev: MatrixEvent, room: Room): void => {
    receiptRooms.set(ev, room);
  };
  const onEvent = (ev: MatrixEvent): void => {
    const room = ev.getType() === "m.receipt" ? receiptRooms.get(ev) : undefined;
    if (!room) return;
    const content = ev.getContent<Record<string, Record<string, Record<string, { ts?: number }>>>>();
    for (const [eventId, types] of Object.entries(content))
      for (const [userId, r] of Object.entries(types["m.read"] ?? {})) read(room, eventId, userId, r.ts ?? 0);
  };
  const detach = attach(client, [
    hear(RoomEvent.Timeline, onTimeline),
    hear(RoomEvent.LocalEchoUpdated, onEcho),
    hear(RoomEvent.Receipt, onReceipt),
    hear(ClientEvent.Event, onEvent),
  ]);

  // Catch up with the events the client already holds (listening after the first sync). Receipts
  // already received are not replayed: pass the handler to openHub to hear them from the start.
  for (const room of client.getRooms())
    for (const ev of room.getLiveTimeline().getEvents()) whenDecrypted(ev, room.roomId);

  /** Handles events paged in (decrypted first: a reaction names a sheet event paged in with it). */
  const handlePaged = async (events: readonly MatrixEvent[], roomId: string, from: number): Promise<void> => {
    await Promise.all(events.map((ev) => client.decryptEventIfNeeded(ev).catch(() => undefined)));
    for (const ev of events) whenDecrypted(ev, roomId, from);
  };
  const catchUp = async (roomId: string, from: number, maxPages = 50): Promise<void> => {
    const room = client.getRoom(roomId);
    if (!room) return;
    for (let page = 0; page < maxPages; page++) {
      // Read afresh each page: a limited sync meanwhile replaces the live timeline.
      const live = room.getLiveTimeline();
      const oldest = live.getEvents()[0]?.getTs() ?? Infinity;
      if (oldest < from || live.getPaginationToken(EventTimeline.BACKWARDS) === null) break;
      const before = live.getEvents().length;
      await client.scrollback(room, 100);
      await handlePaged(live.getEvents(), roomId, from);
      if (room.getLiveTimeline() === live && live.getEvents().length === before) break;
    }
    await handlePaged(room.getLiveTimeline().getEvents(), roomId, from);
    for (const m of room.getMembers()) {
      const r = room.getReadReceiptForUserId(m.userId, true, ReceiptType.Read);
      if (r) read(room, r.eventId, m.userId, r.data.ts, from);
    }
  };

  // A limited sync (more events than the sync's timeline limit, e.g. a burst of sheets into one
  // room) resets the room's live timeline over a gap (§10.1.1 "Syncing": `limited`, `prev_batch`):
  // page back through it as after a restart, so that no echo, acknowledgement or command is lost.
  // The gap is read with `/messages` from the sync's `prev_batch` (§10.2.1), not by paging the
  // SDK's timeline: the SDK leaves out of a paged timeline the events it already holds in an
  // earlier one (e.g. the hub's own sheets, sent but not yet echoed when the gap opened).
  const pageGap = async (roomId: string, token: string, from: number, maxPages = 50): Promise<void> => {
    let next: string | undefined = token;
    for (let page = 0; page < maxPages && next !== undefined; page++) {
      const res = await client.createMessagesRequest(roomId, next, 100, Direction.Backward);
      const events = res.chunk.map((raw) => new MatrixEvent(raw));
      await handlePaged(events.toReversed(), roomId, from);
      if (events.length === 0 || events.some((ev) => ev.getTs() < from)) return;
      next = res.end;
    }
  };
  // One paging at a time per room, in the order the gaps opened.
  const paging = new Map<string, Promise<void>>();
  const onReset = (room: Room | undefined, set: EventTimelineSet): void => {
    if (!room || set !== room.getUnfilteredTimelineSet()) return;
    const id = room.roomId;
    const token = room.getLiveTimeline().getPaginationToken(EventTimeline.BACKWARDS);
    if (token === null) return;
    const from = Math.max(since, (liveTs.get(id) ?? since) - GAP_MARGIN_MS);
    const next = (paging.get(id) ?? Promise.resolve())
      .then(() => pageGap(id, token, from))
      .catch((e: unknown) => {
        o.log?.error({ reason: (e as Error).name }, "matrix inbound: paging back a sync gap failed");
      })
      .finally(() => {
        if (paging.get(id) === next) paging.delete(id);
      });
    paging.set(id, next);
  };
  const detachReset = attach(client, [hear(RoomEvent.TimelineReset, onReset)]);

  return {
    catchUp,
    async stop(drainMs = 10_000) {
      stopped = true;
      detachReset();
      detach();
      let timer: NodeJS.Timeout | undefined;
      const late = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, drainMs);
      });
      await Promise.race([Promise.all(running), late]);
      clearTimeout(timer);
    },
  };
}
