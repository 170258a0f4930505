/**
 * The hub's side of delivery, over matrix-js-sdk with Rust crypto. Rooms are created encrypted
 * from their first state (`m.room.encryption` in `initial_state`, client-server API §11.12.5),
 * private and invite-only, with history visible to members only. Events go out through
 * `PUT /rooms/{roomId}/send/{eventType}/{txnId}` (§7.6.2) with transaction ids derived from the
 * transfer id, so a retry is answered with the first event id instead of posting again. A sheet is
 * one encrypted `m.file` message: the PDF, its caption and the structured data (see sheet-event.ts).
 * Sending is split in two: {@link MatrixSheetTransport.prepareSheet} (room checks, upload) may run
 * for many sheets of a room at once; {@link MatrixSheetTransport.postSheet} posts, and says when
 * the event is encrypted and handed to the SDK to send, so that the caller can start the room's
 * next post then (encrypting it while the previous one is being sent).
 *
 * The trust policy (src/trust) is checked here too, whatever the caller: no invitation to, room
 * with, or message for a user on a homeserver outside the policy (`TRUST_POLICY`, before any request).
 */
import {
  EventStatus,
  Preset,
  RoomEvent,
  Visibility,
  type EventType,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from "matrix-js-sdk";
import { PasserelleError } from "../core/errors.ts";
import type { TrustPolicy } from "../trust/index.ts";
import { TRUST_ANY, trustError } from "../trust/index.ts";
import { encryptAttachment, sha256Hex } from "./attachment.ts";
import { assertRoomSafe, MEGOLM } from "./room-guard.ts";
import { ROOM_READY_MS } from "./room-ready.ts";
import type { SheetTransport } from "./index.ts";
import type { NoticeTransport, OutgoingNotice } from "./notice.ts";
import { ESCALATION_KEY } from "./notice.ts";
import type {
  OutgoingSheet,
  PostingSheet,
  PreparedSheet,
  SentSheet,
  SheetMessageContent,
} from "./sheet-event.ts";
import { SHEET_KEY } from "./sheet-event.ts";
import { SHEET_REF_KEY } from "./inbound-parse.ts";

const REFERENCE = /^[A-Za-z0-9-]{1,32}$/;
const TRANSFER_ID = /^[A-Za-z0-9._-]{1,64}$/;
const USER_ID = /^@[^:\s]+:\S+$/;
const NOTICE_TXN = /^passerelle\.[A-Za-z0-9._-]{1,200}$/;

/** Refuses (`VALIDATION_FAILED`) what cannot be sent as is; `message` names the field, never its value. */
function requireValid(ok: boolean, message: string): void {
  if (!ok) throw new PasserelleError("VALIDATION_FAILED", message);
}

/** The neutral room name: a reference, never patient data (room state is not encrypted). */
export function roomName(reference: string): string {
  requireValid(REFERENCE.test(reference), "room reference must be 1–32 letters, digits or '-'");
  return `Passerelle · T-${reference}`;
}

const FILENAME = /^[A-Za-z0-9._-]{1,120}\.pdf$/;
/** Local echo states past encryption: the event is queued (with the SDK's default scheduler), sent, or failed. */
const HANDED_OVER = new Set<EventStatus>([EventStatus.QUEUED, EventStatus.SENT, EventStatus.NOT_SENT]);

export class MatrixSheetTransport implements SheetTransport, NoticeTransport {
  readonly #client: MatrixClient;
  readonly #trust: TrustPolicy;
  /** Posts under way, by room and transaction id: told when their event is in the SDK's send queue. */
  readonly #handOvers = new Map<string, () => void>();

  /** Settles when the hub is open (sync started, cross-signing set up): nothing is sent before. */
  readonly #open: Promise<void>;

  constructor(client: MatrixClient, trust: TrustPolicy = TRUST_ANY, open: Promise<void> = Promise.resolve()) {
    this.#client = client;
    this.#trust = trust;
    this.#open = open;
  }

  /** Throws `TRUST_POLICY` naming `what[i]` for the first user outside the policy. */
  #checkTrust(what: string, users: readonly string[], outcome: string): void {
    for (const [i, u] of users.entries()) {
      const refusal = this.#trust.refusal(u);
      if (refusal !== undefined) throw trustError(`${what}[${i}]`, refusal, outcome);
    }
  }

  async createRoom(reference: string, invite: readonly string[]): Promise<string> {
    const name = roomName(reference);
    for (const u of invite) requireValid(USER_ID.test(u), "invite: not a Matrix user id");
    this.#checkTrust("invite", invite, "no room was made");
    const { room_id } = await this.#client.createRoom({
      preset: Preset.PrivateChat,
      visibility: Visibility.Private,
      name,
      invite: [...invite],
      initial_state: [
        { type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } },
        { type: "m.room.history_visibility", state_key: "", content: { history_visibility: "invited" } },
        { type: "m.room.join_rules", state_key: "", content: { join_rule: "invite" } },
        { type: "m.room.guest_access", state_key: "", content: { guest_access: "forbidden" } },
      ],
    });
    return room_id;
  }

  async invite(roomId: string, userId: string): Promise<void> {
    requireValid(USER_ID.test(userId), "invite: not a Matrix user id");
    this.#checkTrust("invite", [userId], "nobody was invited");
    await this.#client.invite(roomId, userId);
  }

  async prepareSheet(
    roomId: string,
    expectedMembers: readonly string[],
    sheet: OutgoingSheet,
    readyMs: number = ROOM_READY_MS,
  ): Promise<PreparedSheet> {
    requireValid(
      TRANSFER_ID.test(sheet.transferId),
      "transferId must be 1–64 letters, digits, '.', '_' or '-'",
    );
    requireValid(
      sheet.resend === undefined || TRANSFER_ID.test(sheet.resend.resendId),
      "resendId must be 1–64 letters, digits, '.', '_' or '-'",
    );
    requireValid(FILENAME.test(sheet.filename), "filename must be ASCII letters, digits, '.', '_' or '-'");
    requireValid(sheet.pdf.length > 0, "empty PDF");
    this.#checkTrust("members", expectedMembers, "nothing was sent");
    await this.#open;
    // The upload runs while the room is checked: it is ciphertext whose key is only ever sent in
    // the encrypted event, so a refused room leaves an unreadable blob and nothing else.
    const pdfSha256 = sha256Hex(sheet.pdf);
    const { ciphertext, file: keys } = encryptAttachment(sheet.pdf);
    const upload = this.#client.uploadContent(ciphertext, {
      type: "application/octet-stream",
      includeFilename: false,
    });
    upload.catch(() => undefined); // awaited below, after the checks (whose refusal comes first)
    const members = await assertRoomSafe(this.#client, roomId, expectedMembers, readyMs);
    // Make sure the recipients' device lists are downloaded before the room key is shared.
    await this.#client.getCrypto()?.getUserDeviceInfo(members, true);
    const { content_uri } = await upload;
    return { roomId, sheet, pdfSha256, file: { url: content_uri, ...keys } };
  }

  postSheet(prepared: PreparedSheet): PostingSheet {
    let handedOver!: () => void;
    const queued = new Promise<void>((resolve) => {
      handedOver = resolve;
    });
    const sent = this.#post(prepared, handedOver).finally(handedOver);
    return { queued, sent };
  }

  async sendSheet(
    roomId: string,
    expectedMembers: readonly string[],
    sheet: OutgoingSheet,
  ): Promise<SentSheet> {
    return this.postSheet(await this.prepareSheet(roomId, expectedMembers, sheet)).sent;
  }

  async #post({ roomId, sheet, pdfSha256, file }: PreparedSheet, handedOver: () => void): Promise<SentSheet> {
    const replyTo = sheet.resend?.originalEventId ?? (await sheet.replyTo?.());
    const content: SheetMessageContent = {
      msgtype: "m.file",
      // A caption distinct from the file name (spec v1.10 media captions).
      body: sheet.caption.body === sheet.filename ? `${sheet.caption.body}.` : sheet.caption.body,
      ...(sheet.caption.html === undefined
        ? {}
        : { format: "org.matrix.custom.html" as const, formatted_body: sheet.caption.html }),
      filename: sheet.filename,
      info: { mimetype: "application/pdf", size: sheet.pdf.length },
      file,
      [SHEET_KEY]: {
        version: 2,
        sheet_id: sheet.sheetId,
        kind: sheet.kind,
        form: sheet.form,
        pdf_sha256: pdfSha256,
        reference: sheet.reference,
        data: sheet.data,
      },
      ...(replyTo === undefined ? {} : { "m.relates_to": { "m.in_reply_to": { event_id: replyTo } } }),
      ...(sheet.resend === undefined ? {} : { [SHEET_REF_KEY]: sheet.resend.originalEventId }),
    };
    const txnId =
      sheet.resend === undefined
        ? `passerelle.${sheet.transferId}.message`
        : `passerelle.${sheet.transferId}.resend.${sheet.resend.resendId}`;
    const eventId = await this.#send(roomId, "m.room.message", content, txnId, handedOver);
    return { eventId, pdfSha256, contentUri: file.url };
  }

  async sendNotice(
    roomId: string,
    expectedMembers: readonly string[],
    notice: OutgoingNotice,
    readyMs: number = ROOM_READY_MS,
  ): Promise<string> {
    requireValid(
      NOTICE_TXN.test(notice.txnId),
      "txnId must be passerelle. + letters, digits, '.', '_' or '-'",
    );
    this.#checkTrust("members", expectedMembers, "nothing was sent");
    await this.#open;
    const members = await assertRoomSafe(this.#client, roomId, expectedMembers, readyMs);
    await this.#client.getCrypto()?.getUserDeviceInfo(members, true);
    const replyTo = notice.replyTo ?? notice.sheetEventId;
    const ref = {
      ...(notice.sheetEventId === undefined ? {} : { [SHEET_REF_KEY]: notice.sheetEventId }),
      ...(replyTo === undefined ? {} : { "m.relates_to": { "m.in_reply_to": { event_id: replyTo } } }),
    };
    const structured = notice.escalation === undefined ? {} : { [ESCALATION_KEY]: notice.escalation };
    return this.#send(
      roomId,
      "m.room.message",
      { msgtype: "m.text", body: notice.bodyFr, ...ref, ...structured },
      notice.txnId,
    );
  }

  /**
   * Sends one event with its transaction id. `handedOver` is told when the SDK has encrypted it
   * and handed it on (its local echo leaves `encrypting`, or is queued, sent or failed). The hub's
   * client sends at once (`concurrentSends`); a client with the SDK's default scheduler sends
   * its messages one after another, in that order.
   */
  async #send(
    roomId: string,
    type: string,
    content: object,
    txnId: string,
    handedOver?: () => void,
  ): Promise<string> {
    const key = `${roomId}\n${txnId}`;
    if (handedOver !== undefined) {
      this.#handOvers.set(key, handedOver);
      if (this.#handOvers.size === 1) this.#client.on(RoomEvent.LocalEchoUpdated, this.#onEcho);
    }
    try {
      // The SDK types event contents per known type; ours is namespaced, hence the cast.
      const res = await this.#client.sendEvent(
        roomId,
        // eslint-disable-next-line @typescript-eslint/no-unsafe-enum-assignment -- custom event type
        type as EventType.RoomMessage,
        content as never,
        txnId,
      );
      return res.event_id;
    } finally {
      if (
        this.#handOvers.get(key) === handedOver &&
        this.#handOvers.delete(key) &&
        this.#handOvers.size === 0
      )
        this.#client.off(RoomEvent.LocalEchoUpdated, this.#onEcho);
    }
  }

  /** One listener for every post under way (rather than one each: the SDK's emitters warn past 10). */
  readonly #onEcho = (
    event: MatrixEvent,
    room: Room,
    _old?: string,
    oldStatus?: EventStatus | null,
  ): void => {
    const handedOver = this.#handOvers.get(`${room.roomId}\n${event.getTxnId() ?? ""}`);
    if (handedOver === undefined) return;
    if (oldStatus === EventStatus.ENCRYPTING || (event.status !== null && HANDED_OVER.has(event.status)))
      handedOver();
  };
}
