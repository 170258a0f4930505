/**
 * One wait for "the hub's local view of a room is ready to send into": the room is known to the
 * local client (the SDK sends in clear into a room it does not know), its `m.room.encryption`
 * state has reached the crypto layer (client-server API §11.12.5), and every member the server
 * lists is in the local member list (the room key is shared with the local view's members only:
 * one missing would read the next events only, `OLM_UNKNOWN_MESSAGE_INDEX`).
 *
 * The local view catches up through sync, so the wait is driven by the SDK's events (a new room,
 * room state and membership changes, each sync processed) with an explicit timeout, after which it
 * is `UNAVAILABLE` (the outbox retries after its backoff). A room just created by the hub is
 * usually known within one sync.
 */
import {
  ClientEvent,
  RoomEvent,
  RoomStateEvent,
  type MatrixClient,
  type MatrixEvent,
  type Room,
} from "matrix-js-sdk";
import { PasserelleError } from "../core/errors.ts";
import { attach, hear } from "./listeners.ts";

/** Default longest wait for the local view (a room just made, a fresh invite). */
export const ROOM_READY_MS = 15_000;

/** A check's verdict: ready (with its value), or not yet (with why, for the timeout's error). */
type Verdict<T> = { readonly ready: T } | { readonly notYet: string };

/**
 * Runs `check` now and again on each of the client's room, state, membership and sync events until
 * it is ready; rejects `UNAVAILABLE` (naming the last reason) after `timeoutMs`. A check that throws
 * ends the wait with its error. Checks never overlap: events during one run it once more after.
 */
function waitUntil<T>(
  client: MatrixClient,
  roomId: string,
  check: () => Promise<Verdict<T>>,
  timeoutMs: number,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let done = false;
    let running = false;
    let again = false;
    let last = "room not yet known to the local client";
    const finish = (end: () => void): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      detach();
      end();
    };
    const run = (): void => {
      if (done) return;
      if (running) {
        again = true;
        return;
      }
      running = true;
      check().then(
        (v) => {
          running = false;
          if ("ready" in v) {
            finish(() => {
              resolve(v.ready);
            });
            return;
          }
          last = v.notYet;
          if (again) {
            again = false;
            run();
          }
        },
        (e: unknown) => {
          running = false;
          finish(() => {
            reject(e instanceof Error ? e : new Error(String(e)));
          });
        },
      );
    };
    const onAny = (): void => {
      run();
    };
    const onRoom = (room: Room): void => {
      if (room.roomId === roomId) run();
    };
    const onState = (event: MatrixEvent): void => {
      if (event.getRoomId() === roomId) run();
    };
    const timer = setTimeout(() => {
      finish(() => {
        reject(new PasserelleError("UNAVAILABLE", `not sending into ${roomId} yet: ${last}`));
      });
    }, timeoutMs);
    const detach = attach(client, [
      hear(ClientEvent.Room, onRoom),
      hear(ClientEvent.Sync, onAny),
      hear(RoomStateEvent.Events, onState),
      hear(RoomStateEvent.Members, onState),
      hear(RoomEvent.MyMembership, onRoom),
    ]);
    run();
  });
}

/**
 * Resolves once the local view of `roomId` is ready to encrypt for `serverMembers` (the joined
 * and invited members the server lists, all within `allowed`); `UNAVAILABLE` after `timeoutMs`.
 */
export async function whenRoomReady(
  client: MatrixClient,
  roomId: string,
  serverMembers: readonly string[],
  allowed: ReadonlySet<string>,
  timeoutMs: number = ROOM_READY_MS,
): Promise<void> {
  const self = client.getSafeUserId();
  await waitUntil<true>(
    client,
    roomId,
    async () => {
      const room = client.getRoom(roomId);
      if (!room) return { notYet: "room not yet known to the local client (would be sent unencrypted)" };
      if (!room.hasEncryptionStateEvent() || !(await client.getCrypto()?.isEncryptionEnabledInRoom(roomId)))
        return { notYet: "local client has not seen the room's encryption yet" };
      const local = new Set((await room.getEncryptionTargetMembers()).map((m) => m.userId));
      if ([...local].some((m) => !allowed.has(m)))
        return { notYet: "local member list includes someone the server no longer lists" };
      const missing = serverMembers.filter((m) => m !== self && !local.has(m));
      if (missing.length > 0)
        return { notYet: `local member list lacks ${String(missing.length)} member(s) the server lists` };
      return { ready: true };
    },
    timeoutMs,
  );
}
