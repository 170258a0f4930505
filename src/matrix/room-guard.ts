/**
 * The checks the hub makes before every send: the room is end-to-end encrypted with megolm
 * (`m.room.encryption`, client-server API §11.12.5 "Room events: m.room.encryption"), invite-only,
 * history restricted to members, and its joined and invited members are all expected. Both the
 * server's view and the SDK's local view are checked: the SDK encrypts for its local member list,
 * and sends in clear into a room it does not know — so an unknown room is refused as well.
 *
 * A refusal of the room itself is `FORBIDDEN` with the rule as its issue (`room.unencrypted`,
 * `room.not_invite_only`, `room.history_visible`, `room.stranger`): retrying cannot fix it, and the
 * outbox fails the transfer at once. When only the local view lags behind the server (room or its
 * encryption not yet synced, a member the server no longer lists, or a member the server lists
 * that the local view lacks — the room key is shared with the local view's members only) the check
 * waits for the sync to catch up (`room-ready.ts`), and is `UNAVAILABLE` after `readyMs`: retry.
 */
import type { MatrixClient } from "matrix-js-sdk";
import { PasserelleError } from "../core/errors.ts";
import { ROOM_READY_MS, whenRoomReady } from "./room-ready.ts";

export const MEGOLM = "m.megolm.v1.aes-sha2";
const RESTRICTED_HISTORY = new Set(["invited", "joined"]);
const REFUSAL_FR: Record<string, string> = {
  "room.unencrypted": "le salon n'est pas chiffré de bout en bout",
  "room.not_invite_only": "le salon n'est pas sur invitation",
  "room.history_visible": "l'historique du salon est visible au-delà de ses membres",
  "room.stranger": "le salon compte des membres hors des destinataires prévus",
};

type RoomState = Awaited<ReturnType<MatrixClient["roomState"]>>;
/** Per client and room, the state request under way. */
const inFlight = new WeakMap<MatrixClient, Map<string, Promise<RoomState>>>();

/**
 * The room's whole current state in one request (`GET /rooms/{roomId}/state`, §9.2). Checks of
 * the same room that start while a request is under way share its answer (a burst of sheets into
 * one room asks once, not once per sheet); a check that starts after it has been answered asks again.
 */
function roomState(client: MatrixClient, roomId: string): Promise<RoomState> {
  let rooms = inFlight.get(client);
  if (rooms === undefined) inFlight.set(client, (rooms = new Map<string, Promise<RoomState>>()));
  const pending = rooms.get(roomId);
  if (pending !== undefined) return pending;
  const request = client
    .roomState(roomId)
    .catch((e: unknown) => {
      throw new PasserelleError("IO_ERROR", "matrix: could not read the room state", { cause: e });
    })
    .finally(() => rooms.delete(roomId));
  rooms.set(roomId, request);
  return request;
}

/**
 * Resolves with the members (joined or invited) when the room is safe to send into.
 * @param expected user ids allowed in the room besides the hub itself.
 * @param readyMs how long to wait for the local view to catch up with the server's.
 * @throws PasserelleError `FORBIDDEN` naming the rule broken (never message content), or
 *   `UNAVAILABLE` when the local view has not caught up within `readyMs`.
 */
export async function assertRoomSafe(
  client: MatrixClient,
  roomId: string,
  expected: readonly string[],
  readyMs: number = ROOM_READY_MS,
): Promise<string[]> {
  const self = client.getSafeUserId();
  const allowed = new Set([...expected, self]);
  const refuse = (rule: string, why: string): PasserelleError =>
    new PasserelleError("FORBIDDEN", `refused to send into ${roomId}: ${why}`, {
      issues: [{ path: "room", rule, message: { en: why, fr: REFUSAL_FR[rule] ?? why } }],
    });

  // One state request rather than one per event type plus /members: this check runs before every send.
  const state = await roomState(client, roomId);
  const content = (type: string): Record<string, unknown> | undefined =>
    state.find((ev) => ev.type === type && ev.state_key === "")?.content;
  const enc = content("m.room.encryption");
  if (enc?.algorithm !== MEGOLM)
    throw refuse("room.unencrypted", "room is not end-to-end encrypted (m.room.encryption megolm)");
  const rules = content("m.room.join_rules");
  if (rules?.join_rule !== "invite") throw refuse("room.not_invite_only", "room is not invite-only");
  const hist = content("m.room.history_visibility");
  if (typeof hist?.history_visibility !== "string" || !RESTRICTED_HISTORY.has(hist.history_visibility)) {
    throw refuse("room.history_visible", "room history is visible beyond its members");
  }

  const serverMembers = state
    .filter((ev) => ev.type === "m.room.member")
    .filter((ev) => ["join", "invite"].includes(String((ev.content as { membership?: unknown }).membership)))
    .map((ev) => ev.state_key);
  const strangers = serverMembers.filter((m) => !allowed.has(m));
  if (strangers.length > 0)
    throw refuse("room.stranger", `${strangers.length} member(s) outside the intended recipients`);

  await whenRoomReady(client, roomId, serverMembers, allowed, readyMs);
  return serverMembers;
}
