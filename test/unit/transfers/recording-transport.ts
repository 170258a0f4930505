/** An in-process SheetTransport that records calls (unit tests of the workflow only). */
import type {
  NoticeTransport,
  OutgoingNotice,
  OutgoingSheet,
  SentSheet,
  SheetTransport,
} from "../../../src/matrix/index.ts";

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

  sendSheet(roomId: string, expectedMembers: readonly string[], sheet: OutgoingSheet): Promise<SentSheet> {
    this.sends.push({ roomId, expected: [...expectedMembers], sheet });
    if (this.failNext > 0) {
      this.failNext--;
      return Promise.reject(this.error);
    }
    const n = this.posted.size + 1;
    const sent = this.posted.get(sheet.transferId) ?? {
      fileEventId: `$file${n}`,
      sheetEventId: `$sheet${n}`,
      textEventId: `$text${n}`,
      pdfSha256: "0".repeat(64),
      contentUri: `mxc://test/${n}`,
    };
    this.posted.set(sheet.transferId, sent);
    return Promise.resolve(sent);
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
