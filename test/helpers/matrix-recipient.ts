/** The recipient's side in transfer tests: auto-join invites, and count decrypted sheet events over /messages. */
import { Direction, MatrixEvent, RoomMemberEvent, type MatrixClient } from "matrix-js-sdk";
import { isSheetMessage, SHEET_KEY, type EncryptedFile, type SheetData } from "../../src/matrix/index.ts";

/** Joins every room `client` is invited to (now and later). */
export function autoJoin(client: MatrixClient): void {
  const me = client.getSafeUserId();
  const join = (roomId: string): void => {
    client.joinRoom(roomId).catch(() => undefined);
  };
  client.on(RoomMemberEvent.Membership, (_ev, member) => {
    if (member.userId === me && member.membership === "invite") join(member.roomId);
  });
  for (const r of client.getRooms()) if (r.getMyMembership() === "invite") join(r.roomId);
}

/**
 * Every hub message of `roomId` as the recipient decrypts it, by paging the whole room through
 * `/messages` (the live timeline may have gaps after a limited sync), oldest first.
 */
export async function decryptedMessages(client: MatrixClient, roomId: string): Promise<MatrixEvent[]> {
  const out: MatrixEvent[] = [];
  let from: string | null = null;
  for (;;) {
    const res = await client.createMessagesRequest(roomId, from, 500, Direction.Backward);
    for (const raw of res.chunk) {
      if ("state_key" in raw) continue;
      const ev = new MatrixEvent({ ...raw, room_id: roomId });
      await client.decryptEventIfNeeded(ev);
      out.push(ev);
    }
    if (res.end === undefined || res.end === from || res.chunk.length === 0) break;
    from = res.end;
  }
  return out.reverse();
}

/** The sheet messages among `events` (one `m.file` carrying `fr.passerelle.sheet` each). */
export function sheetMessages(events: readonly MatrixEvent[]): MatrixEvent[] {
  return events.filter((e) => isSheetMessage(e.getType(), e.getContent()));
}

/** The structured data of a sheet message. */
export const sheetData = (ev: MatrixEvent): SheetData => ev.getContent()[SHEET_KEY] as SheetData;

/**
 * Every sheet message of `roomId` as the recipient decrypts it (see {@link decryptedMessages}).
 * Returns sheet id → number of messages, and the count of events that failed to decrypt.
 */
export async function sheetEventsSeen(
  client: MatrixClient,
  roomId: string,
): Promise<{ bySheet: Map<string, number>; failures: number; sha256: Map<string, string> }> {
  const bySheet = new Map<string, number>();
  const sha256 = new Map<string, string>();
  const events = await decryptedMessages(client, roomId);
  const failures = events.filter((e) => e.isDecryptionFailure()).length;
  for (const ev of sheetMessages(events)) {
    const c = sheetData(ev);
    bySheet.set(c.sheet_id, (bySheet.get(c.sheet_id) ?? 0) + 1);
    sha256.set(c.sheet_id, c.pdf_sha256);
  }
  return { bySheet, failures, sha256 };
}

/** A sheet message's structured data with its attachment, file name and caption. */
export type SheetView = SheetData & {
  readonly file: EncryptedFile;
  readonly filename: string;
  readonly body: string;
};

/** The {@link SheetView} of a decrypted event (empty data when it is not a sheet message). */
export function sheetView(ev: MatrixEvent): SheetView {
  const c = ev.getContent<{ file: EncryptedFile; filename: string; body: string }>();
  return {
    ...((c as Record<string, unknown>)[SHEET_KEY] as SheetData),
    file: c.file,
    filename: c.filename,
    body: c.body,
  };
}
