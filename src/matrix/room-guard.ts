/**
 * The checks the hub makes before every send: the room is end-to-end encrypted with megolm
 * (`m.room.encryption`, client-server API §11.12.5 "Room events: m.room.encryption"), invite-only,
 * history restricted to members, and its joined and invited members are all expected. Both the
 * server's view and the SDK's local view are checked: the SDK encrypts for its local member list,
 * and sends in clear into a room it does not know — so an unknown room is refused as well.
 */
import type { MatrixClient } from "matrix-js-sdk";
import { PasserelleError } from "../core/errors.ts";

export const MEGOLM = "m.megolm.v1.aes-sha2";
const RESTRICTED_HISTORY = new Set(["invited", "joined"]);

/** The room's whole current state in one request (`GET /rooms/{roomId}/state`, §9.2). */
async function roomState(
  client: MatrixClient,
  roomId: string,
): Promise<Awaited<ReturnType<MatrixClient["roomState"]>>> {
  try {
    return await client.roomState(roomId);
  } catch (e) {
    throw new PasserelleError("IO_ERROR", "matrix: could not read the room state", { cause: e });
  }
}

/**
 * Resolves with the members (joined or invited) when the room is safe to send into.
 * @param expected user ids allowed in the room besides the hub itself.
 * @throws PasserelleError `FORBIDDEN` naming the rule broken (never message content).
 */
export async function assertRoomSafe(
  client: MatrixClient,
  roomId: string,
  expected: readonly string[],
): Promise<string[]> {
  const self = client.getSafeUserId();
  const allowed = new Set([...expected, self]);
  const refuse = (why: string): PasserelleError =>
    new PasserelleError("FORBIDDEN", `refused to send into ${roomId}: ${why}`);

  // One state request rather than one per event type plus /members: this check runs before every send.
  const state = await roomState(client, roomId);
  const content = (type: string): Record<string, unknown> | undefined =>
    state.find((ev) => ev.type === type && ev.state_key === "")?.content;
  const enc = content("m.room.encryption");
  if (enc?.algorithm !== MEGOLM) throw refuse("room is not end-to-end encrypted (m.room.encryption megolm)");
  const rules = content("m.room.join_rules");
  if (rules?.join_rule !== "invite") throw refuse("room is not invite-only");
  const hist = content("m.room.history_visibility");
  if (typeof hist?.history_visibility !== "string" || !RESTRICTED_HISTORY.has(hist.history_visibility)) {
    throw refuse("room history is visible beyond its members");
  }

  const serverMembers = state
    .filter((ev) => ev.type === "m.room.member")
    .filter((ev) => ["join", "invite"].includes(String((ev.content as { membership?: unknown }).membership)))
    .map((ev) => ev.state_key);
  const strangers = serverMembers.filter((m) => !allowed.has(m));
  if (strangers.length > 0) throw refuse(`${strangers.length} member(s) outside the intended recipients`);

  const room = client.getRoom(roomId);
  if (!room) throw refuse("room not yet known to the local client (would be sent unencrypted)");
  if (!room.hasEncryptionStateEvent() || !(await client.getCrypto()?.isEncryptionEnabledInRoom(roomId))) {
    throw refuse("local client has not seen the room's encryption yet");
  }
  const localTargets = (await room.getEncryptionTargetMembers()).map((m) => m.userId);
  if (localTargets.some((m) => !allowed.has(m)))
    throw refuse("local member list includes someone outside the intended recipients");
  return serverMembers;
}
