/**
 * The two senders of the delivery bench, besides the hub itself:
 * - {@link BareSender}: the baseline — a bare matrix-js-sdk client (Rust crypto, its own user, no
 *   Passerelle code path: no database, no outbox, no room guard) that encrypts the same PDF as an
 *   attachment (AES-256-CTR per the spec, the same few lines of node:crypto every client uses),
 *   uploads it and sends one `m.file` event into an encrypted room;
 * - {@link TimingTransport}: wraps the hub's `SheetTransport` to time each send (preparation start
 *   to posted), which splits Passerelle's latency into queue wait (created → send starts) and Matrix send.
 */
import { performance } from "node:perf_hooks";
import type { MatrixClient } from "matrix-js-sdk";
import { EventType, Preset, Visibility } from "matrix-js-sdk";
import type {
  OutgoingSheet,
  PostingSheet,
  PreparedSheet,
  SentSheet,
  SheetTransport,
} from "../../src/matrix/index.ts";
import { encryptAttachment, MEGOLM, sha256Hex } from "../../src/matrix/index.ts";
import { waitFor } from "../../test/helpers/tmp.ts";
import type { BareFileContent } from "./delivery-recipient.ts";

export class BareSender {
  readonly #client: MatrixClient;
  readonly roomId: string;

  private constructor(client: MatrixClient, roomId: string) {
    this.#client = client;
    this.roomId = roomId;
  }

  /** Creates an encrypted, invite-only room with `recipient` and waits until she has joined. */
  static async open(client: MatrixClient, recipient: string): Promise<BareSender> {
    const { room_id } = await client.createRoom({
      preset: Preset.PrivateChat,
      visibility: Visibility.Private,
      invite: [recipient],
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } }],
    });
    await waitFor(
      "the recipient joining the bare room",
      () => (client.getRoom(room_id)?.getMember(recipient)?.membership === "join" ? true : undefined),
      30_000,
    );
    return new BareSender(client, room_id);
  }

  /** Encrypts, uploads and sends `pdf` under `id`. */
  async send(id: string, pdf: Buffer): Promise<void> {
    const { ciphertext, file } = encryptAttachment(pdf);
    const { content_uri } = await this.#client.uploadContent(ciphertext, {
      type: "application/octet-stream",
      includeFilename: false,
    });
    const content: BareFileContent = {
      msgtype: "m.file",
      body: "lettre-de-liaison.pdf",
      file: { url: content_uri, ...file },
      "bench.id": id,
      "bench.sha256": sha256Hex(pdf),
    };
    await this.#client.sendEvent(this.roomId, EventType.RoomMessage, content as never);
  }
}

/** Start and end (performance.now()) of each transfer's last send (prepare → posted). */
export interface SendTiming {
  readonly startedAt: number;
  readonly endedAt: number;
}

export class TimingTransport implements SheetTransport {
  readonly #inner: SheetTransport;
  readonly timings = new Map<string, SendTiming>();
  readonly #started = new Map<string, number>();
  /** Rooms created through this transport (one per new transfer context). */
  roomsCreated = 0;

  constructor(inner: SheetTransport) {
    this.#inner = inner;
  }

  async createRoom(reference: string, invite: readonly string[]): Promise<string> {
    this.roomsCreated++;
    return this.#inner.createRoom(reference, invite);
  }

  invite(roomId: string, userId: string): Promise<void> {
    return this.#inner.invite(roomId, userId);
  }

  /** The send starts with the preparation (room check, upload) and ends when the event is posted. */
  async prepareSheet(
    roomId: string,
    expectedMembers: readonly string[],
    sheet: OutgoingSheet,
    readyMs?: number,
  ): Promise<PreparedSheet> {
    this.#started.set(sheet.transferId, performance.now());
    return this.#inner.prepareSheet(roomId, expectedMembers, sheet, readyMs);
  }

  postSheet(prepared: PreparedSheet): PostingSheet {
    const posting = this.#inner.postSheet(prepared);
    const id = prepared.sheet.transferId;
    const sent = posting.sent.then((s) => {
      this.timings.set(id, { startedAt: this.#started.get(id) ?? NaN, endedAt: performance.now() });
      this.#started.delete(id);
      return s;
    });
    return { queued: posting.queued, sent };
  }

  async sendSheet(
    roomId: string,
    expectedMembers: readonly string[],
    sheet: OutgoingSheet,
  ): Promise<SentSheet> {
    return this.postSheet(await this.prepareSheet(roomId, expectedMembers, sheet)).sent;
  }
}
