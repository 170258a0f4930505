/**
 * The hub's side of the trust policy (src/trust) for what others start: an invitation from a user
 * on a homeserver outside the policy is declined (`POST /rooms/{roomId}/leave` on an invite rejects
 * it, client-server API §10.4 "Room membership"), and a room the hub did not create whose creator
 * (the sender of `m.room.create`) is outside the policy is left — say the hub was let in before the
 * policy was tightened. Rooms created by users inside the policy stay: a member's direct room with
 * the hub for `!` commands is one. Checked for every room at start-up and on each of the hub's own
 * membership changes. Logs carry room ids, never user ids or content.
 */
import { EventTimeline, RoomMemberEvent, type MatrixClient, type Room } from "matrix-js-sdk";
import type { TrustPolicy } from "../trust/index.ts";
import type { Log } from "../core/index.ts";

export interface TrustGuard {
  /** Checks every room the client knows now (call after the first sync). */
  sweep(): void;
  stop(): void;
}

/** Who invited the hub into `room` (the sender of its invite membership event), if known. */
function inviterOf(room: Room, self: string): string | undefined {
  return room.getLiveTimeline().getState(EventTimeline.FORWARDS)?.getMember(self)?.events.member?.getSender();
}

/** Starts declining untrusted invitations and leaving rooms untrusted users created. */
export function guardRooms(client: MatrixClient, trust: TrustPolicy, log?: Log): TrustGuard {
  const self = client.getSafeUserId();
  const leaving = new Set<string>();
  const leave = (roomId: string, why: string): void => {
    if (leaving.has(roomId)) return;
    leaving.add(roomId);
    client
      .leave(roomId)
      .then(
        () => {
          log?.warn({ room: roomId }, `matrix: ${why}`);
        },
        () => {
          log?.warn({ room: roomId }, "matrix: could not leave a room outside the trust policy");
        },
      )
      .finally(() => {
        leaving.delete(roomId); // a later invitation, or a failed leave, is handled again
      });
  };
  const check = (room: Room, membership = room.getMyMembership(), inviter = inviterOf(room, self)): void => {
    if (membership === "invite") {
      if (inviter !== undefined && !trust.allows(inviter))
        leave(room.roomId, "invitation from outside the trust policy declined");
    } else if (membership === "join") {
      const creator = room.getCreator();
      if (creator !== null && creator !== self && !trust.allows(creator))
        leave(room.roomId, "left a room created outside the trust policy");
    }
  };
  const onMember = (
    _ev: unknown,
    member: {
      userId: string;
      roomId: string;
      membership?: string;
      events: { member?: { getSender(): string | undefined } | null };
    },
  ): void => {
    if (member.userId !== self) return;
    const membership = member.membership;
    const inviter = member.events.member?.getSender();
    // After the sync has applied the rest of the room's state (its m.room.create).
    setImmediate(() => {
      const room = client.getRoom(member.roomId);
      if (room !== null) check(room, membership, inviter);
    });
  };
  client.on(RoomMemberEvent.Membership, onMember);
  return {
    sweep() {
      for (const room of client.getRooms()) check(room);
    },
    stop() {
      client.off(RoomMemberEvent.Membership, onMember);
    },
  };
}
