/**
 * The hub's own session against a real Synapse: password login once, a cross-signed device that
 * recipients excluding unsigned devices still talk to, and the inbound events the transfers module
 * listens to (delivered, read receipt, ✅ reaction — sent in clear by the SDK, so unproven —,
 * encrypted `!ack` reply with its device, a stranger's reaction elsewhere), on the one-message
 * sheets and on the three-event sheets posted before; and a burst into one room larger than a
 * sync's timeline limit, whose gap is paged back so that no command or echo in it is lost.
 */
import { stat } from "node:fs/promises";
import type { MatrixClient, Room } from "matrix-js-sdk";
import { EventType, Method, MsgType, ReceiptType, RelationType, RoomEvent } from "matrix-js-sdk";
import { OnlySignedDevicesIsolationMode } from "matrix-js-sdk/lib/crypto-api/index.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  hubPaths,
  openHub,
  type AckVia,
  type Hub,
  type OutgoingSheet,
  type RegisteredUser,
  type SentSheet,
} from "../../../src/matrix/index.ts";
import { postLegacySheet, type LegacySheet } from "../../helpers/legacy-sheet.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import {
  acceptInvite,
  decryptionFailures,
  startTestHomeserver,
  waitForEvent,
  waitForJoin,
  type TestHomeserver,
} from "../synapse/harness.ts";

interface Ack {
  roomId: string;
  target: string;
  userId: string;
  via: AckVia;
  /** The sending device (proven acknowledgements), or why it proves none. */
  device?: string;
  unproven?: string;
}
let server: TestHomeserver;
let data: { dir: string; cleanup: () => Promise<void> };
let hubUser: RegisteredUser;
let alice: RegisteredUser;
let mallory: RegisteredUser;
let aliceClient: MatrixClient;
let malloryClient: MatrixClient;
let hub: Hub;
let roomId: string;
let sent: SentSheet;
const delivered: string[] = [];
const reads: { roomId: string; eventId: string; userId: string }[] = [];
const acks: Ack[] = [];
const commands: string[] = [];

const sheet = (transferId: string): OutgoingSheet => ({
  transferId,
  sheetId: `sheet-${transferId}`,
  kind: "discharge",
  form: "discharge@1",
  reference: "LDL-0000-000",
  pdf: new Uint8Array([37, 80, 68, 70, 45, 49, 46, 55]),
  data: { test: true },
  caption: { body: "Lettre de liaison de sortie. Réagissez ✅ pour en accuser réception." },
  filename: "lettre-de-sortie-2026-01-01.pdf",
});
const react = (c: MatrixClient, room: string, eventId: string) =>
  c.sendEvent(room, EventType.Reaction, {
    "m.relates_to": { rel_type: RelationType.Annotation, event_id: eventId, key: "✅" },
  });

beforeAll(async () => {
  server = await startTestHomeserver();
  data = await tempDir("passerelle-hub-data-");
  [hubUser, alice, mallory] = await Promise.all([
    server.user("passerelle"),
    server.user("alice"),
    server.user("mallory"),
  ]);
  [aliceClient, malloryClient] = await Promise.all([server.client(alice), server.client(mallory)]);
  // The realistic strict recipient: never shares room keys with, nor trusts, devices that their
  // owner has not cross-signed.
  aliceClient.getCrypto()!.setDeviceIsolationMode(new OnlySignedDevicesIsolationMode());
  // …and who, like any Element user, has cross-signing set up (the SDK refuses to encrypt otherwise).
  await aliceClient.getCrypto()!.bootstrapCrossSigning({
    authUploadDeviceSigningKeys: (makeRequest) =>
      makeRequest(null).catch((e: unknown) =>
        makeRequest({
          type: "m.login.password",
          identifier: { type: "m.id.user", user: alice.userId },
          password: alice.password,
          session: (e as { data?: { session?: string } }).data?.session,
        }),
      ),
  });
  hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    userId: hubUser.userId,
    password: hubUser.password,
    dataDir: data.dir,
    inbound: {
      since: Date.now(),
      handler: {
        onDelivered: (_r, id) => void delivered.push(id),
        onRead: (r, eventId, userId) => void reads.push({ roomId: r, eventId, userId }),
        onAcknowledged: (r, target, userId, _ts, via, _id, device) =>
          void acks.push({ roomId: r, target, userId, via, device }),
        onUnprovenAck: (r, target, userId, _ts, via, _id, unproven) =>
          void acks.push({ roomId: r, target, userId, via, unproven }),
        onCommand: (_r, _u, text) => void commands.push(text),
      },
    },
  });
});

afterAll(async () => {
  await (hub as Hub | undefined)?.close();
  await server.close();
  await data.cleanup();
});

describe("hub session", () => {
  it("first start logs in with the password, saves the session 0600 and cross-signs its device", async () => {
    expect(hub.start).toBe("login");
    expect(hub.deviceId).not.toBe(hubUser.deviceId);
    const p = hubPaths(data.dir);
    for (const f of [p.session, p.storeSecret, p.recoveryKey])
      expect((await stat(f)).mode & 0o777).toBe(0o600);
    expect((await stat(p.dir)).mode & 0o777).toBe(0o700);
    const own = await hub.client.getCrypto()!.getDeviceVerificationStatus(hub.userId, hub.deviceId);
    expect(own?.signedByOwner).toBe(true);
    expect(await hub.client.getCrypto()!.getActiveSessionBackupVersion()).not.toBeNull();
  });

  it("a recipient that only trusts cross-signed devices decrypts the sheet and the hub decrypts its reply", async () => {
    roomId = await hub.transport.createRoom("HUB1", [alice.userId]);
    await acceptInvite(aliceClient, roomId);
    await waitForJoin(hub.client, roomId, alice.userId);
    const seenByAlice = await aliceClient.getCrypto()!.getDeviceVerificationStatus(hub.userId, hub.deviceId);
    expect(seenByAlice?.signedByOwner).toBe(true);
    sent = await hub.transport.sendSheet(roomId, [alice.userId], sheet("tr-hub-1"));
    const ev = await waitForEvent(
      aliceClient,
      roomId,
      "m.room.message",
      20_000,
      (e) => e.getId() === sent.eventId,
    );
    expect(ev.isEncrypted()).toBe(true);
    await aliceClient.sendTextMessage(roomId, "bien reçu");
    const reply = await waitForEvent(
      hub.client,
      roomId,
      "m.room.message",
      20_000,
      (e) => e.getSender() === alice.userId,
    );
    expect(reply.isEncrypted()).toBe(true);
    expect(reply.getContent().body).toBe("bien reçu");
    expect(decryptionFailures(hub.client, roomId)).toEqual([]);
    expect(decryptionFailures(aliceClient, roomId)).toEqual([]);
    await waitFor("delivered", () => (delivered.includes(sent.eventId) ? true : undefined), 20_000);
  });
});

describe("inbound events", () => {
  it("a ✅ reaction on the sheet message, or on a reminder naming it, names the sheet but proves no device (sent in clear)", async () => {
    const reminder = await hub.transport.sendNotice(roomId, [alice.userId], {
      txnId: "passerelle.tr-hub-1.reminder.1",
      bodyFr: "Rappel",
      sheetEventId: sent.eventId,
    });
    await react(aliceClient, roomId, sent.eventId);
    await react(aliceClient, roomId, reminder);
    await waitFor(
      "two reaction acks",
      () => (acks.filter((a) => a.via === "reaction").length >= 2 ? true : undefined),
      20_000,
    );
    // matrix-js-sdk never encrypts m.reaction, even in an encrypted room.
    expect(acks.filter((a) => a.via === "reaction")).toEqual([
      { roomId, target: sent.eventId, userId: alice.userId, via: "reaction", unproven: "unencrypted" },
      { roomId, target: sent.eventId, userId: alice.userId, via: "reaction", unproven: "unencrypted" },
    ]);
  });

  it("an encrypted `!ack` reply acknowledges the sheet with the sending device; other commands go to onCommand", async () => {
    await aliceClient.sendEvent(roomId, EventType.RoomMessage, {
      msgtype: MsgType.Text,
      body: `> <${hub.userId}> Nouvelle lettre de liaison.\n\n!ack`,
      "m.relates_to": { "m.in_reply_to": { event_id: sent.eventId } },
    });
    await aliceClient.sendTextMessage(roomId, "!statut");
    await waitFor("command ack", () => acks.find((a) => a.via === "command"), 20_000);
    expect(acks.filter((a) => a.via === "command")).toEqual([
      {
        roomId,
        target: sent.eventId,
        userId: alice.userId,
        via: "command",
        device: aliceClient.getDeviceId(),
      },
    ]);
    await waitFor("other command", () => (commands.includes("!statut") ? true : undefined), 20_000);
  });

  it("stop waits for the handlers already running (a SIGTERM does not cut an answer half-sent), and hears nothing after", async () => {
    const heard: string[] = [];
    let finished = false;
    const slow = hub.listen({
      onDelivered: () => undefined,
      onRead: () => undefined,
      onAcknowledged: () => undefined,
      onCommand: async (_r, _u, text) => {
        heard.push(text);
        await new Promise((r) => setTimeout(r, 600));
        finished = true;
      },
    });
    await aliceClient.sendTextMessage(roomId, "!lent");
    await waitFor("the slow handler started", () => (heard.includes("!lent") ? true : undefined), 20_000);
    const started = performance.now();
    await slow.stop();
    expect(finished).toBe(true);
    expect(performance.now() - started).toBeGreaterThanOrEqual(300);
    await aliceClient.sendTextMessage(roomId, "!après");
    await waitFor(
      "the hub's own listener heard it",
      () => (commands.includes("!après") ? true : undefined),
      20_000,
    );
    expect(heard).toEqual(["!lent"]);
  });

  it("a public read receipt is reported for its event and for the sheets before it", async () => {
    // Clients send the receipt for the latest event they display ("read up to here").
    const last = aliceClient.getRoom(roomId)!.getLiveTimeline().getEvents().at(-1)!;
    await aliceClient.sendReadReceipt(last, ReceiptType.Read);
    await waitFor("read receipt", () => reads.find((r) => r.eventId === last.getId()), 20_000);
    expect(reads).toContainEqual({ roomId, eventId: sent.eventId, userId: alice.userId });
    expect(reads.every((r) => r.userId === alice.userId)).toBe(true);
  });

  it("a stranger's reaction in another room is reported for that room and that user only", async () => {
    const other = await hub.transport.createRoom("HUB2", [mallory.userId]);
    await acceptInvite(malloryClient, other);
    await waitForJoin(hub.client, other, mallory.userId);
    const s2 = await hub.transport.sendSheet(other, [mallory.userId], sheet("tr-hub-2"));
    await waitForEvent(malloryClient, other, "m.room.message", 20_000, (e) => e.getId() === s2.eventId);
    await react(malloryClient, other, s2.eventId);
    await waitFor("mallory ack", () => acks.find((a) => a.userId === mallory.userId), 20_000);
    expect(acks.filter((a) => a.userId === mallory.userId)).toEqual([
      { roomId: other, target: s2.eventId, userId: mallory.userId, via: "reaction", unproven: "unencrypted" },
    ]);
    expect(acks.filter((a) => a.roomId === roomId).every((a) => a.userId === alice.userId)).toBe(true);
    // Nothing from the hub's own events besides delivery; everything handled once.
    expect(new Set(delivered).size).toBe(delivered.length);
  });

  it("a three-event sheet posted before still counts: delivered, ✅ on its file, !ack on its text, read", async () => {
    const legacy: LegacySheet = await postLegacySheet(hub.client, roomId, {
      sheetId: "sheet-legacy",
      kind: "discharge",
      form: "discharge@1",
      pdfSha256: "0".repeat(64),
      data: { test: true },
    });
    await waitFor(
      "legacy delivered",
      () => (delivered.includes(legacy.sheetEventId) ? true : undefined),
      20_000,
    );
    const text = await waitForEvent(
      aliceClient,
      roomId,
      "m.room.message",
      20_000,
      (e) => e.getId() === legacy.textEventId,
    );
    await react(aliceClient, roomId, legacy.fileEventId);
    await aliceClient.sendEvent(roomId, EventType.RoomMessage, {
      msgtype: MsgType.Text,
      body: "!ack",
      "m.relates_to": { "m.in_reply_to": { event_id: legacy.textEventId } },
    });
    const legacyAcks = (): Ack[] => acks.filter((a) => a.target === legacy.sheetEventId);
    await waitFor("legacy acks", () => (legacyAcks().length >= 2 ? true : undefined), 20_000);
    expect(legacyAcks()).toEqual([
      { roomId, target: legacy.sheetEventId, userId: alice.userId, via: "reaction", unproven: "unencrypted" },
      {
        roomId,
        target: legacy.sheetEventId,
        userId: alice.userId,
        via: "command",
        device: aliceClient.getDeviceId(),
      },
    ]);
    await aliceClient.sendReadReceipt(text, ReceiptType.Read);
    await waitFor("legacy read", () => reads.find((r) => r.eventId === legacy.sheetEventId), 20_000);
  });

  it("a burst past a sync's timeline limit leaves a gap that is paged back: every command and every echo in it is heard", async () => {
    let resets = 0;
    const onReset = (room: Room | undefined): void => {
      if (room?.roomId === roomId) resets++;
    };
    hub.client.on(RoomEvent.TimelineReset, onReset);
    try {
      // 150 messages at once from Alice, each its own request (not her client's one-at-a-time
      // queue), every 15th a command; and 20 sheets from the hub at the same time.
      const commandsBefore = commands.length;
      const burst = Array.from({ length: 150 }, (_, i) =>
        aliceClient.http.authedRequest(
          Method.Put,
          `/rooms/${encodeURIComponent(roomId)}/send/m.room.message/burst-${String(i)}`,
          undefined,
          { msgtype: MsgType.Text, body: i % 15 === 0 ? `!rafale-${String(i)}` : `message ${String(i)}` },
        ),
      );
      const sheets = Array.from({ length: 20 }, (_, i) =>
        hub.transport.sendSheet(roomId, [alice.userId], sheet(`tr-burst-${String(i)}`)),
      );
      await Promise.all(burst);
      const sentSheets = await Promise.all(sheets);
      await waitFor(
        "the ten commands of the burst",
        () => (commands.length - commandsBefore >= 10 ? true : undefined),
        30_000,
      );
      expect(commands.slice(commandsBefore).sort()).toEqual(
        Array.from({ length: 10 }, (_, k) => `!rafale-${String(k * 15)}`).sort(),
      );
      await waitFor(
        "every sheet of the burst delivered",
        () => (sentSheets.every((x) => delivered.includes(x.eventId)) ? true : undefined),
        30_000,
      );
      // The burst did exceed the timeline limit of at least one sync: the gap was exercised.
      expect(resets).toBeGreaterThan(0);
    } finally {
      hub.client.off(RoomEvent.TimelineReset, onReset);
    }
  });
});
