/** An in-process SheetTransport that records calls (unit tests of the workflow only). */
import type { OutgoingSheet, SentSheet, SheetTransport } from "../../../src/matrix/index.ts";

export class RecordingTransport implements SheetTransport {
  readonly rooms: { roomId: string; reference: string; invite: string[] }[] = [];
  readonly sends: { roomId: string; expected: string[]; sheet: OutgoingSheet }[] = [];
  /** Posted sheet events by transfer id: what a homeserver with transaction ids would hold. */
  readonly posted = new Map<string, SentSheet>();
  /** Fail the next N sends with this error. */
  failNext = 0;
  error: Error = Object.assign(new Error("connect ECONNREFUSED"), { name: "ConnectionError" });

  createRoom(reference: string, invite: readonly string[]): Promise<string> {
    const roomId = `!room${this.rooms.length + 1}:test`;
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
}
