/**
 * Acknowledgements that prove the recipient's device, and re-sends for a lost key, against a real
 * Synapse with the hub's own session and real recipient clients (matrix-js-sdk, Rust crypto), on
 * sqlite:
 * - a ✅ (matrix-js-sdk, like Element, sends reactions in clear even in an encrypted room) and an
 *   `!ack` posted in clear (raw client-server API, as a client without encryption would) do not
 *   acknowledge: recorded as a weak signal and answered in the room; an encrypted `!ack` reply
 *   acknowledges with the sending device id, in `transfer status --json` and the audit; a replay
 *   of the room (the restart catch-up) applies the same rule;
 * - a recipient on a FRESH device without key backup cannot decrypt a sheet, sends `!renvoyer` as a
 *   reply to it, receives the re-send and decrypts the very PDF (same SHA-256); her `!ack` reply
 *   to the re-send acknowledges the original with her new device; a bare `!renvoyer` re-sends the room's
 *   latest sheet; a stranger invited into the room is refused, and audited.
 */
import { randomBytes } from "node:crypto";
import path from "node:path";
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { EventType, MsgType, RelationType } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/index.ts";
import type { AckVia, Hub, NoticeTransport, RegisteredUser } from "../../../src/matrix/index.ts";
import {
  downloadEncryptedFile,
  openHub,
  SHEET_KEY,
  SHEET_REF_KEY,
  sha256Hex,
} from "../../../src/matrix/index.ts";
import type { TransferState, TransferStatus } from "../../../src/transfers/index.ts";
import {
  createTransfer,
  handleRoomCommand,
  inboundEvidence,
  OutboxWorker,
  transferStatus,
} from "../../../src/transfers/index.ts";
import { captureIo } from "../../helpers/io.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { envFor } from "../postgres.ts";
import { acceptInvite, startTestHomeserver, waitForEvent, type TestHomeserver } from "../synapse/harness.ts";
import { auditOf } from "../../helpers/audit-rows.ts";
import { addRecipients, openFixture, type TransferFixture } from "../../helpers/transfers-fixture.ts";
import { autoJoin, decryptedMessages, sheetView } from "../../helpers/matrix-recipient.ts";

let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let hub: Hub;
let f: TransferFixture;
let worker: OutboxWorker;
let alice: RegisteredUser;
let mallory: RegisteredUser;
let aliceClient: MatrixClient;
let malloryClient: MatrixClient;
let rpps: string;
const errors: string[] = [];
const sheet = exampleSheet("discharge");

/** Posts an event in clear through `PUT /rooms/{roomId}/send/{type}/{txnId}` (client-server API §7.6.2). */
async function sendInClear(
  user: RegisteredUser,
  roomId: string,
  type: string,
  content: object,
): Promise<string> {
  const url = `${server.hs.baseUrl}/_matrix/client/v3/rooms/${encodeURIComponent(roomId)}/send/${type}/clear-${randomBytes(6).toString("hex")}`;
  const res = await fetch(url, {
    method: "PUT",
    headers: { authorization: `Bearer ${user.accessToken}`, "content-type": "application/json" },
    body: JSON.stringify(content),
  });
  expect(res.status).toBe(200);
  return ((await res.json()) as { event_id: string }).event_id;
}

/** A new device of `user` (password login, `/login` §5.5.2) with an empty crypto store and no key backup. */
async function freshDevice(user: RegisteredUser): Promise<{ client: MatrixClient; deviceId: string }> {
  const res = await fetch(`${server.hs.baseUrl}/_matrix/client/v3/login`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: user.userId },
      password: user.password,
    }),
  });
  const login = (await res.json()) as { device_id: string; access_token: string };
  const client = await server.client({ ...user, deviceId: login.device_id, accessToken: login.access_token });
  return { client, deviceId: login.device_id };
}

const statusOf = (id: string): Promise<TransferStatus> => transferStatus(f.db.knex, id);
const reachState = (id: string, want: TransferState) =>
  waitFor(
    `${id} ${want}`,
    async () => ((await statusOf(id)).transfer.state === want ? true : undefined),
    30_000,
    100,
  );
const react = (c: MatrixClient, roomId: string, eventId: string) =>
  c.sendEvent(roomId, EventType.Reaction, {
    "m.relates_to": { rel_type: RelationType.Annotation, event_id: eventId, key: "✅" },
  });
/** `!ack` as a rich reply to `eventId` (client-server API §11.19), encrypted by the client. */
const ackReply = (c: MatrixClient, roomId: string, eventId: string) =>
  c.sendEvent(roomId, EventType.RoomMessage, {
    msgtype: MsgType.Text,
    body: "!ack",
    "m.relates_to": { "m.in_reply_to": { event_id: eventId } },
  });
/** The hub's text messages in `roomId` that `client` decrypted, with their bodies. */
const hubNotices = async (client: MatrixClient, roomId: string): Promise<MatrixEvent[]> =>
  (await decryptedMessages(client, roomId)).filter(
    (e) => e.getSender() === hub.userId && e.getContent().msgtype === "m.text",
  );

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-transfers-acks-");
  f = await openFixture(tmp.dir);
  const hubUser = await server.user("passerelle");
  [alice, mallory] = await Promise.all([server.user("alice"), server.user("mallory")]);
  [rpps] = (await addRecipients(f, [alice.userId])) as [string];
  let notices: (t: NoticeTransport) => void = () => undefined;
  const transport = new Promise<NoticeTransport>((resolve) => {
    notices = resolve;
  });
  const deps = {
    ...f.deps,
    onQueued: () => {
      worker.wake();
    },
  };
  hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    userId: hubUser.userId,
    password: hubUser.password,
    dataDir: path.join(tmp.dir, "hub"),
    // The same handlers as `serve` (src/wiring/hub.ts).
    inbound: {
      handler: {
        ...inboundEvidence(f.deps, hubUser.userId, (code) => void errors.push(code), transport),
        onCommand: (roomId, userId, text, eventId, sheetEventId) =>
          transport
            .then((t) => handleRoomCommand(deps, t, roomId, userId, text, eventId, sheetEventId))
            .then(() => undefined),
      },
    },
  });
  notices(hub.transport);
  worker = new OutboxWorker(f.deps, hub.transport, { pollMs: 100, backoffBaseMs: 500, backoffMaxMs: 3000 });
  worker.start();
  [aliceClient, malloryClient] = await Promise.all([server.client(alice), server.client(mallory)]);
  autoJoin(aliceClient);
});

afterAll(async () => {
  await worker.stop();
  await hub.close();
  await f.close();
  await server.close();
  await tmp.cleanup();
});

describe("acknowledgements that prove the recipient's device", () => {
  let transferId: string;
  let roomId: string;
  let sheetEventId: string;
  const since = Date.now();

  it("an unencrypted ✅ and !ack are not counted: weak signal, audited, answered in the room with how to acknowledge", async () => {
    const c = await createTransfer(f.deps, { sheet, to: [rpps], actor: "cli:test" });
    transferId = c.transferId;
    await reachState(transferId, "delivered");
    const { transfer } = await statusOf(transferId);
    roomId = transfer.roomId!;
    sheetEventId = transfer.sheetEventId!;
    await waitForEvent(aliceClient, roomId, "m.room.message", 30_000, (e) => e.getId() === sheetEventId);

    // The SDK posts a reaction in clear even in an encrypted room (as Element does).
    const clearReaction = (await react(aliceClient, roomId, sheetEventId)).event_id;
    const clearAck = await sendInClear(alice, roomId, "m.room.message", {
      msgtype: "m.text",
      body: "!ack",
      "m.relates_to": { "m.in_reply_to": { event_id: sheetEventId } },
    });
    const weak = await waitFor(
      "two weak signals audited",
      async () => {
        const rows = (await auditOf(f.db, transferId)).filter((r) => r.action === "transfer.ack_unproven");
        return rows.length >= 2 ? rows : undefined;
      },
      30_000,
      100,
    );
    expect(weak).toHaveLength(2);
    expect(weak).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          event_id: clearReaction,
          reason: "unencrypted",
          member_id: `rpps:${rpps}`,
          device_id: null,
        }),
        expect.objectContaining({
          event_id: clearAck,
          reason: "unencrypted",
          member_id: `rpps:${rpps}`,
          device_id: null,
        }),
      ]),
    );
    const s = await statusOf(transferId);
    expect(s.transfer.state).toBe("delivered");
    expect(s.recipients[0]?.acknowledgedAt).toBeUndefined();
    expect(
      s.events
        .filter((e) => e.step === "ack_unproven")
        .map((e) => e.matrixEventId)
        .sort(),
    ).toEqual([clearReaction, clearAck].sort());
    // Answered, once per weak signal, encrypted, naming the sheet (a ✅ on the answer acknowledges it).
    const answers = await waitFor(
      "the hub's answers",
      async () => {
        const n = (await hubNotices(aliceClient, roomId)).filter((e) =>
          String(e.getContent().body).startsWith("Accusé de réception non pris en compte"),
        );
        return n.length >= 2 ? n : undefined;
      },
      30_000,
      200,
    );
    expect(answers).toHaveLength(2);
    for (const a of answers) {
      expect(a.isEncrypted()).toBe(true);
      expect(a.getContent()[SHEET_REF_KEY]).toBe(sheetEventId);
      expect(String(a.getContent().body)).toContain("chiffre les messages de bout en bout");
    }
    expect(errors).toEqual([]);
  });

  it("an encrypted !ack acknowledges, with the sending device id in `transfer status --json` and in the audit", async () => {
    const reaction = await ackReply(aliceClient, roomId, sheetEventId);
    await reachState(transferId, "acknowledged");
    const io = captureIo(
      tmp.dir,
      envFor({ engine: "sqlite", filename: path.join(tmp.dir, "passerelle.sqlite") }, tmp.dir),
    );
    expect(await runCli(["transfer", "status", transferId, "--json"], io)).toBe(0);
    const s = JSON.parse(io.stdout.join("\n")) as TransferStatus;
    const ack = s.events.find((e) => e.step === "acknowledged");
    expect(ack).toMatchObject({
      matrixEventId: reaction.event_id,
      deviceId: alice.deviceId,
      memberRef: `rpps:${rpps}`,
    });
    expect(s.recipients[0]).toMatchObject({ acknowledgedDeviceId: alice.deviceId });
    const audited = (await auditOf(f.db, transferId)).filter((r) => r.action === "transfer.acknowledged");
    expect(audited).toEqual([
      expect.objectContaining({ outcome: "success", event_id: reaction.event_id, device_id: alice.deviceId }),
    ]);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it("the restart catch-up applies the same rule: the clear ones are unproven, the encrypted one names its device", async () => {
    const heard: { via: AckVia; proven: boolean; device?: string; reason?: string }[] = [];
    const replay = hub.listen({
      onRead: () => undefined,
      onAcknowledged: (_r, target, _u, _ts, via, _id, device) => {
        if (target === sheetEventId) heard.push({ via, proven: true, device });
      },
      onUnprovenAck: (_r, target, _u, _ts, via, _id, reason) => {
        if (target === sheetEventId) heard.push({ via, proven: false, reason });
      },
    });
    try {
      await replay.catchUp(roomId, since);
      const all = await waitFor("replayed acks", () => (heard.length >= 3 ? heard : undefined), 20_000);
      expect(all).toEqual(
        expect.arrayContaining([
          { via: "reaction", proven: false, reason: "unencrypted" },
          { via: "command", proven: false, reason: "unencrypted" },
          { via: "command", proven: true, device: alice.deviceId },
        ]),
      );
    } finally {
      await replay.stop();
    }
  });
});

describe("no letter lost to a lost key: !renvoyer", () => {
  it("a fresh device without backup cannot decrypt, asks with !renvoyer, decrypts the re-sent PDF (same SHA-256), and its !ack on the re-send acknowledges", async () => {
    const c = await createTransfer(f.deps, { sheet, to: [rpps], actor: "cli:test" });
    await reachState(c.transferId, "delivered");
    const { transfer } = await statusOf(c.transferId);
    const roomId = transfer.roomId!;
    const original = transfer.sheetEventId!;

    const fresh = await freshDevice(alice);
    expect(fresh.deviceId).not.toBe(alice.deviceId);
    await waitFor("the room on the fresh device", () => fresh.client.getRoom(roomId) ?? undefined, 20_000);
    const before = (await decryptedMessages(fresh.client, roomId)).find((e) => e.getId() === original);
    expect(before?.isDecryptionFailure()).toBe(true);

    const request = await fresh.client.sendEvent(roomId, EventType.RoomMessage, {
      msgtype: MsgType.Text,
      body: "!renvoyer",
      "m.relates_to": { "m.in_reply_to": { event_id: original } },
    });
    const resent = await waitForEvent(
      fresh.client,
      roomId,
      "m.room.message",
      60_000,
      (e) => e.getSender() === hub.userId && e.getContent()[SHEET_REF_KEY] === original,
    );
    expect(resent.isEncrypted()).toBe(true);
    const view = sheetView(resent);
    expect(view.body.startsWith("Renvoi : ")).toBe(true);
    expect(view.sheet_id).toBe(c.sheetId);
    expect(view.pdf_sha256).toBe(c.pdfSha256);
    expect(resent.getContent()["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: original } });
    const pdf = await downloadEncryptedFile(fresh.client, view.file);
    expect(sha256Hex(pdf)).toBe(c.pdfSha256);

    const s = await statusOf(c.transferId);
    expect(s.events.filter((e) => e.step === "resend_requested")).toEqual([
      expect.objectContaining({ matrixEventId: request.event_id, memberRef: `rpps:${rpps}` }),
    ]);
    expect(s.events.filter((e) => e.step === "resent")).toEqual([
      expect.objectContaining({ matrixEventId: resent.getId(), memberRef: `rpps:${rpps}` }),
    ]);
    const audit = await auditOf(f.db, c.transferId);
    expect(audit.filter((r) => r.action.startsWith("transfer.resen"))).toEqual([
      expect.objectContaining({
        action: "transfer.resend_requested",
        outcome: "success",
        event_id: request.event_id,
      }),
      expect.objectContaining({ action: "transfer.resent", outcome: "success", event_id: resent.getId() }),
    ]);

    // The new device acknowledges on the re-send: the original transfer, with the new device's id.
    await ackReply(fresh.client, roomId, resent.getId()!);
    await reachState(c.transferId, "acknowledged");
    expect((await statusOf(c.transferId)).recipients[0]?.acknowledgedDeviceId).toBe(fresh.deviceId);
  });

  it("a bare !renvoyer re-sends the room's latest sheet; a stranger invited into the room is refused, audited", async () => {
    const latest = (await f.db.knex("transfers").orderBy("sent_at", "desc").first()) as {
      id: string;
      room_id: string;
      sheet_event_id: string;
    };
    const roomId = latest.room_id;
    await aliceClient.sendTextMessage(roomId, "!renvoyer");
    await waitFor(
      "second re-send",
      async () =>
        (await statusOf(latest.id)).events.filter((e) => e.step === "resent").length >= 2 ? true : undefined,
      60_000,
      200,
    );

    await aliceClient.invite(roomId, mallory.userId);
    await acceptInvite(malloryClient, roomId);
    await waitFor(
      "the room's encryption on the stranger's client",
      async () => ((await malloryClient.getCrypto()!.isEncryptionEnabledInRoom(roomId)) ? true : undefined),
      20_000,
    );
    const ask = await malloryClient.sendTextMessage(roomId, "!renvoyer");
    const refusal = await waitForEvent(
      malloryClient,
      roomId,
      "m.room.message",
      60_000,
      (e) => e.getSender() === hub.userId && String(e.getContent().body).startsWith("Renvoi refusé"),
    );
    expect(refusal.isEncrypted()).toBe(true);
    expect(refusal.getContent()["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: ask.event_id } });
    expect(refusal.getContent()[SHEET_KEY]).toBeUndefined();
    const refused = (await auditOf(f.db, latest.id)).filter((r) => r.action === "transfer.resend_requested");
    expect(refused.at(-1)).toMatchObject({
      outcome: "failure",
      reason: "not_recipient",
      event_id: ask.event_id,
    });
    const rows = (await f.db.knex("transfer_resends").where("requested_by", mallory.userId)) as unknown[];
    expect(rows).toEqual([]);
    // Nothing of the sheet reached the stranger.
    const seen = await decryptedMessages(malloryClient, roomId);
    expect(seen.filter((e) => !e.isDecryptionFailure() && e.getContent()[SHEET_KEY] !== undefined)).toEqual(
      [],
    );
    expect((await f.trail.verify()).ok).toBe(true);
    expect(errors).toEqual([]);
  });
});
