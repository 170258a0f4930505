/** The recipient's side in transfer tests: auto-join invites, and count decrypted sheet events over /messages. */
import { Direction, MatrixEvent, RoomMemberEvent, type MatrixClient } from "matrix-js-sdk";
import { SHEET_EVENT_TYPE, type SheetEventContent } from "../../../src/matrix/index.ts";

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
 * Every `fr.passerelle.sheet` event of `roomId` as the recipient decrypts it, by paging the whole
 * room through `/messages` (the live timeline may have gaps after a limited sync).
 * Returns sheet id → number of events, and the count of events that failed to decrypt.
 */
export async function sheetEventsSeen(
  client: MatrixClient,
  roomId: string,
): Promise<{ bySheet: Map<string, number>; failures: number; sha256: Map<string, string> }> {
  const bySheet = new Map<string, number>();
  const sha256 = new Map<string, string>();
  let failures = 0;
  let from: string | null = null;
  for (;;) {
    const res = await client.createMessagesRequest(roomId, from, 500, Direction.Backward);
    for (const raw of res.chunk) {
      if (raw.type !== "m.room.encrypted" && raw.type !== SHEET_EVENT_TYPE) continue;
      const ev = new MatrixEvent({ ...raw, room_id: roomId });
      await client.decryptEventIfNeeded(ev);
      if (ev.isDecryptionFailure()) failures++;
      else if (ev.getType() === SHEET_EVENT_TYPE) {
        const c = ev.getContent<SheetEventContent>();
        bySheet.set(c.sheet_id, (bySheet.get(c.sheet_id) ?? 0) + 1);
        sha256.set(c.sheet_id, c.pdf_sha256);
      }
    }
    if (res.end === undefined || res.end === from || res.chunk.length === 0) break;
    from = res.end;
  }
  return { bySheet, failures, sha256 };
}
