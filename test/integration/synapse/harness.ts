/**
 * Test harness around the dev homeserver (src/matrix/dev-homeserver.ts): one real Synapse per test
 * file (started in beforeAll, ~5–7 s; its data and logs live in a temp dir removed afterwards),
 * users registered through the shared-secret API, and matrix-js-sdk clients with Rust crypto.
 *
 * Per file rather than in globalSetup: files that never touch Matrix pay nothing, "homeserver
 * down" tests can stop and start their own server without disturbing others, and each file starts
 * from an empty homeserver.
 */
import { randomBytes } from "node:crypto";
import type { MatrixClient, MatrixEvent, Room } from "matrix-js-sdk";
import { ClientEvent, RoomEvent } from "matrix-js-sdk";
import {
  DevHomeserver,
  createMatrixClient,
  startSyncing,
  type CryptoStoreOption,
  type RegisteredUser,
} from "../../../src/matrix/index.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";

export interface TestHomeserver {
  readonly hs: DevHomeserver;
  /** Registers `<name>-<random>` so that names never clash between tests. */
  user(name: string): Promise<RegisteredUser>;
  /** A started, synced client for `user` (stopped by `close`). */
  client(user: RegisteredUser, cryptoStore?: CryptoStoreOption): Promise<MatrixClient>;
  close(): Promise<void>;
}

export async function startTestHomeserver(): Promise<TestHomeserver> {
  const tmp = await tempDir("passerelle-synapse-");
  const hs = await DevHomeserver.create({ dir: tmp.dir });
  await hs.start();
  const clients: MatrixClient[] = [];
  return {
    hs,
    user: (name) =>
      hs.registerUser(`${name}-${randomBytes(4).toString("hex")}`, randomBytes(12).toString("hex")),
    async client(user, cryptoStore) {
      const c = await createMatrixClient({ baseUrl: hs.baseUrl, ...user, cryptoStore });
      clients.push(c);
      await startSyncing(c);
      return c;
    },
    async close() {
      for (const c of clients) c.stopClient();
      await hs.stop();
      await tmp.cleanup();
    },
  };
}

/** Waits until `client` is invited to `roomId`, then joins it. */
export async function acceptInvite(client: MatrixClient, roomId: string, timeoutMs = 20_000): Promise<Room> {
  await waitFor(
    `invite to ${roomId}`,
    () => (client.getRoom(roomId)?.getMyMembership() === "invite" ? true : undefined),
    timeoutMs,
  );
  return client.joinRoom(roomId);
}

/** Waits until `viewer`'s local state shows `userId` joined in `roomId`. */
export function waitForJoin(
  viewer: MatrixClient,
  roomId: string,
  userId: string,
  timeoutMs = 20_000,
): Promise<true> {
  return waitFor(
    `${userId} joined as seen by ${viewer.getUserId() ?? "?"}`,
    () => (viewer.getRoom(roomId)?.getMember(userId)?.membership === "join" ? true : undefined),
    timeoutMs,
  );
}

/**
 * Resolves with the first event of `type` in `roomId` that `client` has decrypted (or received in
 * clear) and that satisfies `match`. Fails on a decryption failure of a matching-room event.
 */
export function waitForEvent(
  client: MatrixClient,
  roomId: string,
  type: string,
  timeoutMs = 20_000,
  match: (e: MatrixEvent) => boolean = () => true,
): Promise<MatrixEvent> {
  const find = (): MatrixEvent | undefined =>
    client
      .getRoom(roomId)
      ?.getLiveTimeline()
      .getEvents()
      .find((e) => !e.isBeingDecrypted() && !e.isDecryptionFailure() && e.getType() === type && match(e));
  /** What the client has of the room, for the timeout message (types and decryption states only). */
  const seen = (): string => {
    const room = client.getRoom(roomId);
    if (room === null) return "the client has no such room";
    const events = room
      .getLiveTimeline()
      .getEvents()
      .map((e) =>
        e.isDecryptionFailure()
          ? `UTD(${e.decryptionFailureReason ?? "?"})`
          : e.isBeingDecrypted()
            ? "decrypting"
            : e.getType(),
      );
    return `membership ${room.getMyMembership()}, timeline [${events.join(", ")}]`;
  };
  return new Promise((resolve, reject) => {
    const check = (): void => {
      const e = find();
      if (e) {
        done();
        resolve(e);
      }
    };
    const timer = setTimeout(() => {
      done();
      reject(new Error(`timed out after ${timeoutMs} ms waiting for ${type} in ${roomId}: ${seen()}`));
    }, timeoutMs);
    const poll = setInterval(check, 50);
    const done = (): void => {
      clearTimeout(timer);
      clearInterval(poll);
      client.off(RoomEvent.Timeline, check);
      client.off(ClientEvent.Event, check);
    };
    client.on(RoomEvent.Timeline, check);
    client.on(ClientEvent.Event, check);
    check();
  });
}

/** Events in `roomId` that failed to decrypt for `client` ("unable to decrypt"). */
export function decryptionFailures(client: MatrixClient, roomId: string): MatrixEvent[] {
  return (
    client
      .getRoom(roomId)
      ?.getLiveTimeline()
      .getEvents()
      .filter((e) => e.isDecryptionFailure()) ?? []
  );
}
