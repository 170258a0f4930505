/**
 * The trust policy against three real Synapses federating over TLS on 127.0.0.1 (certificates from
 * a dev CA, see synapse/federation.ts): A is the CPTS's server (the hub and a GP), B a hospital's
 * (allowed by the policy), C a server outside the policy. End-to-end-encrypted delivery across
 * federation: one sheet to a recipient on A and one on B, each decrypts the sheet message and the
 * PDF (same hash). A recipient on C is refused at transfer creation; a transfer queued before the
 * policy changed is failed by the worker before anyone is invited. An invitation from C is
 * declined (so its commands are never heard) while a member on B gets her direct room with the hub
 * and its answer; a room created on C that a hub account had joined is left once the policy holds,
 * a room created on B is kept.
 */
import path from "node:path";
import type { MatrixClient } from "matrix-js-sdk";
import { EventTimeline, EventType, MsgType, Preset } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hub, RegisteredUser } from "../../../src/matrix/index.ts";
import {
  downloadEncryptedFile,
  ESCALATION_KEY,
  MEGOLM,
  openHub,
  serveDirectCommands,
  sha256Hex,
} from "../../../src/matrix/index.ts";
import { DirectoryService } from "../../../src/directory/index.ts";
import { coordinatorContextKey } from "../../../src/transfers/escalation/escalation.ts";
import {
  createTransfer,
  EscalationScheduler,
  OutboxWorker,
  transferStatus,
} from "../../../src/transfers/index.ts";
import type { TrustPolicy } from "../../../src/trust/index.ts";
import { TRUST_ANY, trustPolicy } from "../../../src/trust/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { guardRooms } from "../../../src/matrix/trust-guard.ts";
import { startFederation, type Federation } from "../synapse/federation.ts";
import { waitForEvent } from "../synapse/harness.ts";
import {
  addRecipients,
  openFixture,
  rppsOf,
  SENT_OR_LATER,
  type TransferFixture,
} from "../../helpers/transfers-fixture.ts";
import { autoJoin, sheetView } from "../../helpers/matrix-recipient.ts";

let fed: Federation;
let tmp: { dir: string; cleanup: () => Promise<void> };
let hubUser: RegisteredUser;
let hub: Hub;
let trust: TrustPolicy;
let f: TransferFixture;
let worker: OutboxWorker;
const users: Record<
  "alice" | "bob" | "mallory",
  { user: RegisteredUser; client: MatrixClient; rpps: string }
> = {} as never;
const timings: Record<string, number> = {};

beforeAll(async () => {
  const t0 = Date.now();
  fed = await startFederation(3);
  timings.threeSynapsesStartMs = Date.now() - t0;
  const [a, b, c] = fed.servers as [
    Federation["servers"][0],
    Federation["servers"][0],
    Federation["servers"][0],
  ];
  tmp = await tempDir("passerelle-federation-hub-");
  hubUser = await a.user("passerelle");
  trust = trustPolicy([b.hs.serverName], hubUser.userId);
  hub = await openHub({
    homeserverUrl: a.hs.baseUrl,
    userId: hubUser.userId,
    password: hubUser.password,
    dataDir: path.join(tmp.dir, "hub"),
    trust,
  });
  f = await openFixture(path.join(tmp.dir, "cpts"));
  const entries = [
    ["alice", a],
    ["bob", b],
    ["mallory", c],
  ] as const;
  const registered = await Promise.all(entries.map(([name, s]) => s.user(name)));
  const rpps = await addRecipients(
    f,
    registered.map((u) => u.userId),
  );
  for (const [i, [name, s]] of entries.entries()) {
    const client = await s.client(registered[i]!);
    if (name !== "mallory") autoJoin(client);
    users[name] = { user: registered[i]!, client, rpps: rpps[i]! };
  }
  worker = new OutboxWorker(f.deps, hub.transport, {
    pollMs: 100,
    maxAttempts: 30,
    backoffBaseMs: 500,
    backoffMaxMs: 3000,
    attemptTimeoutMs: 60_000,
    roomReadyMs: 30_000,
    trust,
  });
  worker.start();
}, 180_000);

afterAll(async () => {
  await worker.stop();
  await hub.close();
  await f.close();
  await fed.close();
  await tmp.cleanup();
  // eslint-disable-next-line no-console -- timings for the report
  console.log(`matrix-federation timings: ${JSON.stringify(timings)}`);
});

let firstTransfer = "";
const stateOf = async (id: string) => (await transferStatus(f.db.knex, id)).transfer;

describe("trust policy over three federating homeservers", () => {
  it(
    "E2EE delivery across federation: recipients on A and on B each decrypt the one sheet message and the PDF (same hash)",
    { timeout: 120_000 },
    async () => {
      const t0 = Date.now();
      const c = await createTransfer(
        { ...f.deps, trust },
        { sheet: exampleSheet("discharge"), to: [users.alice.rpps, users.bob.rpps], actor: "cli:test" },
      );
      const sent = await waitFor(
        "sent",
        async () => {
          const t = await stateOf(c.transferId);
          return SENT_OR_LATER.includes(t.state) ? t : undefined;
        },
        90_000,
        200,
        () => "not sent yet",
      );
      timings.createToSentMs = Date.now() - t0;
      firstTransfer = c.transferId;
      for (const who of ["alice", "bob"] as const) {
        const client = users[who].client;
        const ev = await waitForEvent(
          client,
          sent.roomId!,
          "m.room.message",
          60_000,
          (e) => e.getId() === sent.sheetEventId,
        );
        expect(ev.isEncrypted()).toBe(true);
        const content = sheetView(ev);
        expect(content.pdf_sha256).toBe(c.pdfSha256);
        // Bob's homeserver fetches the encrypted file from A over federation; he decrypts it.
        const pdf = await downloadEncryptedFile(client, content.file);
        expect(sha256Hex(pdf)).toBe(c.pdfSha256);
        timings[`createTo${who}DecryptedMs`] = Date.now() - t0;
      }
      const room = users.bob.client.getRoom(sent.roomId)!;
      const state = room.getLiveTimeline().getState(EventTimeline.FORWARDS);
      expect(state?.getStateEvents("m.room.encryption", "")?.getContent().algorithm).toBe(MEGOLM);
      expect(
        room
          .getJoinedMembers()
          .map((m) => m.userId)
          .sort(),
      ).toEqual([hub.userId, users.alice.user.userId, users.bob.user.userId].sort());
    },
  );

  it("a recipient on the third server, outside the policy, is refused at creation: TRUST_POLICY naming to[0], audited, no room", async () => {
    const rooms = await f.db.knex("transfer_rooms").count({ n: "*" }).first();
    await expect(
      createTransfer(
        { ...f.deps, trust },
        { sheet: exampleSheet("discharge"), to: [users.mallory.rpps], actor: "cli:test" },
      ),
    ).rejects.toMatchObject({
      code: "TRUST_POLICY",
      issues: [{ path: "to[0]", rule: "trust.server_not_allowed" }],
    });
    const last = await f.db.knex("audit_entries").orderBy("seq", "desc").first();
    expect(last).toMatchObject({
      action: "transfer.failed",
      reason: "trust.server_not_allowed",
      member_id: `rpps:${users.mallory.rpps}`,
    });
    expect(await f.db.knex("transfer_rooms").count({ n: "*" }).first()).toEqual(rooms);
  });

  it("the worker fails a transfer queued before the policy changed, before inviting anyone; audited", async () => {
    // Queued while the policy still allowed C (as if the CPTS removed it afterwards).
    const c = await createTransfer(
      { ...f.deps, trust: TRUST_ANY },
      { sheet: exampleSheet("discharge"), to: [users.mallory.rpps], actor: "cli:test" },
    );
    const failed = await waitFor(
      "failed",
      async () => {
        const t = await stateOf(c.transferId);
        return t.state === "failed" ? t : undefined;
      },
      30_000,
      100,
    );
    expect(failed.lastReason).toBe("trust.server_not_allowed");
    expect(failed.roomId).toBeUndefined();
    expect(failed.attempts).toBe(1);
    const audit = await f.db
      .knex("audit_entries")
      .where({ transfer_id: c.transferId, action: "transfer.failed" });
    expect(audit).toMatchObject([{ reason: "trust.server_not_allowed", outcome: "failure" }]);
    // The hub's transport refuses too, whoever calls it: no room, invitation or notice for her.
    const refused = (path: string) => ({
      code: "TRUST_POLICY",
      issues: [{ path, rule: "trust.server_not_allowed" }],
    });
    const mallory = users.mallory.user.userId;
    await expect(hub.transport.createRoom("TRUST1", [mallory])).rejects.toMatchObject(refused("invite[0]"));
    const roomId = (await f.db.knex("transfer_rooms").first<{ room_id: string }>("room_id")).room_id;
    await expect(hub.transport.invite(roomId, mallory)).rejects.toMatchObject(refused("invite[0]"));
    await expect(
      hub.transport.sendNotice(roomId, [users.alice.user.userId, mallory], {
        txnId: "passerelle.trust1",
        bodyFr: "x",
      }),
    ).rejects.toMatchObject(refused("members[1]"));
    // Mallory was never invited anywhere.
    await new Promise((r) => setTimeout(r, 1000));
    expect(users.mallory.client.getRooms().filter((r) => r.getMyMembership() === "invite")).toEqual([]);
  });

  it(
    "escalation: the coordinator on B is told, the one on the third server is not (refused before any room), and the escalation is recorded",
    { timeout: 120_000 },
    async () => {
      const c = fed.servers[2];
      const carol = await c!.user("carol");
      const carolClient = await c!.client(carol);
      autoJoin(carolClient);
      const dir = new DirectoryService(f.db, f.trail);
      await dir.addMember(
        {
          rpps: users.bob.rpps,
          matrixId: users.bob.user.userId,
          professionCode: "10",
          name: "Docteur Bob",
          roles: ["recipient", "coordinator"],
        },
        "cli:test",
      );
      await dir.addMember(
        {
          rpps: rppsOf(50),
          matrixId: carol.userId,
          professionCode: "10",
          name: "Docteur Carol",
          roles: ["coordinator"],
        },
        "cli:test",
      );
      const errors: string[] = [];
      const later = { now: () => new Date(Date.now() + 25 * 3_600_000) };
      const scheduler = new EscalationScheduler({ ...f.deps, clock: later }, hub.transport, {
        onError: (_t, reason) => errors.push(reason),
      });
      const overdue = await f.db
        .knex("transfers")
        .whereIn("state", ["sent", "delivered", "read"])
        .select("id", "state", "kind");
      const n = await scheduler.runOnce();
      expect(n, JSON.stringify(overdue)).toBeGreaterThanOrEqual(1);
      // Carol is skipped for each escalated transfer; nothing else fails.
      expect(errors).toEqual(Array(n).fill("trust.server_not_allowed"));
      expect((await stateOf(firstTransfer)).escalations).toBe(1);
      const bobMember = (await dir.repository.findByRpps(users.bob.rpps))!;
      const roomId = (
        await f.db
          .knex("transfer_rooms")
          .where({ context_key: coordinatorContextKey(bobMember.id, users.bob.user.userId) })
          .first<{ room_id: string }>("room_id")
      ).room_id;
      const notice = await waitForEvent(
        users.bob.client,
        roomId,
        "m.room.message",
        60_000,
        (e) => e.getSender() === hub.userId,
      );
      expect(notice.getContent()[ESCALATION_KEY]).toBeDefined();
      expect(notice.isEncrypted()).toBe(true);
      await new Promise((r) => setTimeout(r, 1000));
      expect(carolClient.getRooms()).toEqual([]);
    },
  );

  it(
    "an invitation from the third server is declined; a member on B gets her direct room and the answer to her command",
    { timeout: 120_000 },
    async () => {
      const direct = serveDirectCommands(
        hub.client,
        {
          accept: () => Promise.resolve(true),
          handles: (t) => t.startsWith("!ping"),
          run: () => Promise.resolve("pong"),
        },
        undefined,
        hub.trust,
      );
      try {
        const dm = async (who: "bob" | "mallory"): Promise<string> => {
          const { room_id } = await users[who].client.createRoom({
            preset: Preset.TrustedPrivateChat,
            invite: [hub.userId],
            is_direct: true,
            initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } }],
          });
          return room_id;
        };
        const [bobRoom, malloryRoom] = await Promise.all([dm("bob"), dm("mallory")]);
        const membership = (who: "bob" | "mallory", roomId: string) =>
          users[who].client.getRoom(roomId)?.getMember(hub.userId)?.membership;
        await waitFor(
          "the hub to join Bob's room",
          () => (membership("bob", bobRoom) === "join" ? true : undefined),
          60_000,
          100,
        );
        await waitFor(
          "the hub to decline Mallory's invitation",
          () => (membership("mallory", malloryRoom) === "leave" ? true : undefined),
          60_000,
          100,
          () => String(membership("mallory", malloryRoom)),
        );
        await waitFor(
          "the hub's own view of the declined invitation",
          () => (hub.client.getRoom(malloryRoom)?.getMyMembership() === "invite" ? undefined : true),
          30_000,
          100,
        );
        await users.bob.client.sendEvent(bobRoom, EventType.RoomMessage, {
          msgtype: MsgType.Text,
          body: "!ping",
        });
        const pong = await waitForEvent(
          users.bob.client,
          bobRoom,
          "m.room.message",
          60_000,
          (e) => e.getSender() === hub.userId,
        );
        expect(pong.getContent().body).toBe("pong");
      } finally {
        await direct.stop();
      }
    },
  );

  it(
    "a room created on the third server that a hub account had joined (no policy then) is left when the policy starts",
    { timeout: 120_000 },
    async () => {
      // Another hub account (the same account restarted with the policy, in production: openHub runs
      // this guard), which joined Mallory's room while nothing restricted it.
      const [a, b] = fed.servers;
      const other = await a!.user("passerelle-bis");
      const client = await a!.client(other);
      const { room_id } = await users.mallory.client.createRoom({
        preset: Preset.PrivateChat,
        invite: [other.userId],
      });
      const membership = () => users.mallory.client.getRoom(room_id)?.getMember(other.userId)?.membership;
      await waitFor(
        "the invitation",
        () => (client.getRoom(room_id)?.getMyMembership() === "invite" ? true : undefined),
        60_000,
        100,
      );
      await client.joinRoom(room_id);
      await waitFor("the join", () => (membership() === "join" ? true : undefined), 60_000, 100);
      // A room Bob (allowed) created stays.
      const bobs = await users.bob.client.createRoom({ preset: Preset.PrivateChat, invite: [other.userId] });
      await waitFor(
        "Bob's invitation",
        () => (client.getRoom(bobs.room_id)?.getMyMembership() === "invite" ? true : undefined),
        60_000,
        100,
      );
      await client.joinRoom(bobs.room_id);
      const guard = guardRooms(client, trustPolicy([b!.hs.serverName], other.userId));
      try {
        guard.sweep();
        await waitFor(
          "the account to leave Mallory's room",
          () => (membership() === "leave" ? true : undefined),
          60_000,
          100,
        );
        expect(client.getRoom(bobs.room_id)?.getMyMembership()).toBe("join");
      } finally {
        guard.stop();
      }
    },
  );
});
