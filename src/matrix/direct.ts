/**
 * Encrypted direct rooms with the hub, for short commands (`!circle join <INS>`): the hub accepts
 * an invitation from a user that `accept` approves (a directory member), and answers a command
 * only in a room that is encrypted (m.room.encryption, and the SDK agrees) and whose joined members
 * are exactly the hub and the sender. Users outside the trust policy (src/trust) are neither
 * accepted nor answered, whatever `accept` says. Replies are `m.notice` (client-server API §11.3.1) with a
 * transaction id derived from the command's event id, so a replay never answers twice.
 */
import { createHash } from "node:crypto";
import { EventType, MsgType, RoomMemberEvent, type MatrixClient } from "matrix-js-sdk";
import type { TrustPolicy } from "../trust/index.ts";
import { TRUST_ANY } from "../trust/index.ts";
import type { Log } from "../core/index.ts";
import { listenInbound, type InboundListener } from "./inbound.ts";

export interface DirectCommands {
  /** Whether the hub accepts an invitation from `userId`. */
  accept(userId: string): Promise<boolean>;
  /** Whether this service handles `text`. */
  handles(text: string): boolean;
  /** The reply to `text` from `userId`. */
  run(userId: string, text: string): Promise<string>;
}

/** True when `roomId` is an encrypted room holding exactly the hub and `userId` (joined). */
export async function isEncryptedDirectRoom(
  client: MatrixClient,
  roomId: string,
  userId: string,
): Promise<boolean> {
  const room = client.getRoom(roomId);
  if (room === null || !room.hasEncryptionStateEvent()) return false;
  if (!(await client.getCrypto()?.isEncryptionEnabledInRoom(roomId))) return false;
  const joined = room
    .getJoinedMembers()
    .map((m) => m.userId)
    .sort();
  const invited = room.getMembersWithMembership("invite");
  return (
    invited.length === 0 &&
    joined.length === 2 &&
    joined.includes(userId) &&
    joined.includes(client.getSafeUserId())
  );
}

/** Starts accepting invitations and answering commands; `stop()` ends both. */
export function serveDirectCommands(
  client: MatrixClient,
  commands: DirectCommands,
  log?: Log,
  trust: TrustPolicy = TRUST_ANY,
): Pick<InboundListener, "stop"> {
  const self = client.getSafeUserId();
  const onMember = (
    _ev: unknown,
    member: {
      userId: string;
      membership?: string;
      roomId: string;
      events: { member?: { getSender(): string | undefined } | null };
    },
  ): void => {
    if (member.userId !== self || member.membership !== "invite") return;
    const inviter = member.events.member?.getSender();
    if (inviter === undefined || !trust.allows(inviter)) return;
    void commands
      .accept(inviter)
      .then((ok) => (ok ? client.joinRoom(member.roomId).then(() => undefined) : undefined))
      .catch(() => {
        log?.warn("direct room invitation not accepted");
      });
  };
  client.on(RoomMemberEvent.Membership, onMember);
  const inbound = listenInbound(
    client,
    {
      onRead: () => undefined,
      onAcknowledged: () => undefined,
      onCommand: async (roomId, userId, text, eventId) => {
        if (!commands.handles(text)) return;
        if (!(await isEncryptedDirectRoom(client, roomId, userId))) {
          log?.warn("command outside an encrypted direct room ignored");
          return;
        }
        const reply = await commands.run(userId, text);
        const txn = `passerelle.cmd.${createHash("sha256").update(eventId).digest("hex").slice(0, 32)}`;
        await client.sendEvent(roomId, EventType.RoomMessage, { msgtype: MsgType.Notice, body: reply }, txn);
      },
    },
    { ...(log === undefined ? {} : { log }), trusted: (userId) => trust.allows(userId) },
  );
  return {
    stop() {
      client.off(RoomMemberEvent.Membership, onMember);
      return inbound.stop();
    },
  };
}
