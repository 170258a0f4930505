/**
 * The hub's crypto store survives a kill -9: same device keys after restart, old and new messages
 * from the recipient decrypt, and the recipient decrypts what the restarted hub sends.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import path from "node:path";
import { createInterface } from "node:readline";
import type { MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredUser } from "../../../src/matrix/index.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import {
  acceptInvite,
  decryptionFailures,
  startTestHomeserver,
  waitForEvent,
  type TestHomeserver,
} from "../synapse/harness.ts";

interface Hub {
  child: ChildProcess;
  lines: Record<string, unknown>[];
  send(body: string): void;
  next<T>(key: string, timeoutMs?: number, from?: number): Promise<T>;
}

let server: TestHomeserver;
let store: { dir: string; cleanup: () => Promise<void> };
let hubUser: RegisteredUser;
let alice: RegisteredUser;
let aliceClient: MatrixClient;
const storageKey = randomBytes(32).toString("hex");
const children: ChildProcess[] = [];

function startHub(extra: Record<string, string>): Hub {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "..", "synapse", "hub-process.ts")], {
    env: {
      ...process.env,
      HUB_STORE_DIR: store.dir,
      HUB_BASE_URL: server.hs.baseUrl,
      HUB_USER: hubUser.userId,
      HUB_DEVICE: hubUser.deviceId,
      HUB_TOKEN: hubUser.accessToken,
      HUB_STORAGE_KEY: storageKey,
      ...extra,
    },
    stdio: ["pipe", "pipe", "inherit"],
  });
  children.push(child);
  const lines: Record<string, unknown>[] = [];
  createInterface({ input: child.stdout }).on("line", (l) =>
    lines.push(JSON.parse(l) as Record<string, unknown>),
  );
  return {
    child,
    lines,
    send: (body) => child.stdin.write(`send ${body}\n`),
    next: <T>(key: string, timeoutMs = 30_000, from = 0) =>
      waitFor(
        `hub output '${key}'`,
        () => lines.slice(from).find((l) => key in l)?.[key] as T | undefined,
        timeoutMs,
      ),
  };
}

function kill9(hub: Hub): Promise<void> {
  return new Promise((resolve) => {
    hub.child.once("exit", () => {
      resolve();
    });
    hub.child.kill("SIGKILL");
  });
}

beforeAll(async () => {
  server = await startTestHomeserver();
  store = await tempDir("passerelle-hub-store-");
  [hubUser, alice] = await Promise.all([server.user("passerelle"), server.user("alice")]);
  aliceClient = await server.client(alice);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await server.close();
  await store.cleanup();
});

describe("hub crypto store across kill -9", () => {
  it("keeps its device keys and olm/megolm sessions", async () => {
    const first = startHub({ HUB_INVITE: alice.userId });
    const keys1 = await first.next<{ ed25519: string; curve25519: string }>("keys");
    const roomId = await first.next<string>("room");
    await acceptInvite(aliceClient, roomId);
    await waitFor(
      "hub sees alice joined",
      () => (aliceClient.getRoom(roomId)?.getJoinedMemberCount() === 2 ? true : undefined),
      20_000,
    );

    first.send("avant redémarrage");
    await waitForEvent(
      aliceClient,
      roomId,
      "m.room.message",
      20_000,
      (e) => e.getContent().body === "avant redémarrage",
    );
    await aliceClient.sendTextMessage(roomId, "réponse 1");
    expect(await first.next<string>("decrypted")).toBe("réponse 1");

    await kill9(first);

    const t0 = Date.now();
    const second = startHub({ HUB_ROOM: roomId });
    const keys2 = await second.next<{ ed25519: string; curve25519: string }>("keys");
    const restartMs = Date.now() - t0;
    expect(keys2).toEqual(keys1);

    // The old message from alice still decrypts from the persisted megolm session (initial sync).
    await waitFor(
      "old reply decrypted after restart",
      () => (second.lines.some((l) => l.decrypted === "réponse 1") ? true : undefined),
      30_000,
    );
    // New traffic both ways.
    second.send("après redémarrage");
    await waitForEvent(
      aliceClient,
      roomId,
      "m.room.message",
      20_000,
      (e) => e.getContent().body === "après redémarrage",
    );
    await aliceClient.sendTextMessage(roomId, "réponse 2");
    await waitFor(
      "new reply decrypted",
      () => (second.lines.some((l) => l.decrypted === "réponse 2") ? true : undefined),
      30_000,
    );

    expect(second.lines.filter((l) => "utd" in l)).toEqual([]);
    expect(decryptionFailures(aliceClient, roomId)).toEqual([]);
    expect(restartMs).toBeLessThan(30_000);
    await kill9(second);
  });
});
