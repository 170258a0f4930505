/** An in-process SheetTransport that records calls (unit tests of the workflow only). */
import type {
  NoticeTransport,
  OutgoingNotice,
  OutgoingSheet,
  PostingSheet,
  PreparedSheet,
  SentSheet,
  SheetTransport,
} from "../../src/matrix/index.ts";

/** The uploaded file a homeserver would hold (never downloaded by these tests). */
const FAKE_FILE: PreparedSheet["file"] = {
  url: "mxc://test/file",
  key: { kty: "oct", key_ops: ["encrypt", "decrypt"], alg: "A256CTR", k: "", ext: true },
  iv: "",
  hashes: { sha256: "" },
  v: "v2",
};

let roomSerial = 0;

export class RecordingTransport implements SheetTransport, NoticeTransport {
  readonly rooms: { roomId: string; reference: string; invite: string[] }[] = [];
  readonly sends: { roomId: string; expected: string[]; sheet: OutgoingSheet }[] = [];
  /** Posted sheet events by transfer id: what a homeserver with transaction ids would hold. */
  readonly posted = new Map<string, SentSheet>();
  /** Notices by transaction id (a homeserver posts one event per transaction id), and every call. */
  readonly notices = new Map<
    string,
    { roomId: string; expected: string[]; notice: OutgoingNotice; eventId: string }
  >();
  readonly noticeCalls: string[] = [];
  /** Fail the next N notices with {@link error}. */
  failNextNotices = 0;
  /** Fail the next N sends with this error. */
  failNext = 0;
  error: Error = Object.assign(new Error("connect ECONNREFUSED"), { name: "ConnectionError" });

  createRoom(reference: string, invite: readonly string[]): Promise<string> {
    // Unique across transports: several tests share one database (transfer_rooms.room_id is unique).
    const roomId = `!room${this.rooms.length + 1}x${String(++roomSerial)}:test`;
    this.rooms.push({ roomId, reference, invite: [...invite] });
    return Promise.resolve(roomId);
  }

  invite(): Promise<void> {
    return Promise.resolve();
  }

  /** Time a send spends "preparing" (before its turn), by transfer id; default none. */
  prepareMs: (transferId: string) => number = () => 0;
  /** Transfer ids in the order their events were posted, by room. */
  readonly postOrder = new Map<string, string[]>();
  /** Transfer ids whose next send fails (once each). */
  readonly failOnce = new Set<string>();
  /** Sends running right now, and the most at once. */
  active = 0;
  maxActive = 0;

  async prepareSheet(
    roomId: string,
    expectedMembers: readonly string[],
    sheet: OutgoingSheet,
  ): Promise<PreparedSheet> {
    this.sends.push({ roomId, expected: [...expectedMembers], sheet });
    this.active++;
    this.maxActive = Math.max(this.maxActive, this.active);
    try {
      const ms = this.prepareMs(sheet.transferId);
      if (ms > 0) await new Promise((r) => setTimeout(r, ms));
      if (this.failNext > 0 || this.failOnce.delete(sheet.transferId)) {
        if (this.failNext > 0) this.failNext--;
        throw this.error;
      }
    } catch (e) {
      this.active--;
      throw e;
    }
    return { roomId, sheet, pdfSha256: "0".repeat(64), file: FAKE_FILE };
  }

  /** A send from its preparation to its post counts as active. */
  postSheet(prepared: PreparedSheet): PostingSheet {
    try {
      const { roomId, sheet } = prepared;
      this.postOrder.set(roomId, [...(this.postOrder.get(roomId) ?? []), sheet.transferId]);
      return { queued: Promise.resolve(), sent: Promise.resolve(this.#post(sheet)) };
    } finally {
      this.active--;
    }
  }

  async sendSheet(
    roomId: string,
    expectedMembers: readonly string[],
    sheet: OutgoingSheet,
  ): Promise<SentSheet> {
    return this.postSheet(await this.prepareSheet(roomId, expectedMembers, sheet)).sent;
  }

  #post(sheet: OutgoingSheet): SentSheet {
    const n = this.posted.size + 1;
    // A re-send has a transaction id of its own (see MatrixSheetTransport).
    const txn =
      sheet.resend === undefined ? sheet.transferId : `${sheet.transferId}.resend.${sheet.resend.resendId}`;
    const sent = this.posted.get(txn) ?? {
      eventId: `$sheet${n}`,
      pdfSha256: "0".repeat(64),
      contentUri: `mxc://test/${n}`,
    };
    this.posted.set(txn, sent);
    return sent;
  }

  sendNotice(roomId: string, expectedMembers: readonly string[], notice: OutgoingNotice): Promise<string> {
    this.noticeCalls.push(notice.txnId);
    if (this.failNextNotices > 0) {
      this.failNextNotices--;
      return Promise.reject(this.error);
    }
    const posted = this.notices.get(notice.txnId) ?? {
      roomId,
      expected: [...expectedMembers],
      notice,
      eventId: `$notice${this.notices.size + 1}`,
    };
    this.notices.set(notice.txnId, posted);
    return Promise.resolve(posted.eventId);
  }
}
