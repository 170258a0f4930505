/**
 * Catch-up after a restart, with the real service (`passerelle serve` in a child process) on a
 * real Synapse, on sqlite and PostgreSQL. The service delivers a sheet to Alice and Bob and is
 * killed (SIGKILL). While it is down Alice reacts ✅ (sent in clear by her client: it proves no
 * device), replies `!ack` (encrypted), chats 25 more messages (so both are beyond the first sync's
 * window) and sends a public read receipt. After a restart the transfer is acknowledged by the
 * `!ack` with Alice's device, the ✅ is a weak signal, and it is read, each audited once; a third
 * start replays the room again (Bob has not acknowledged, so it is still open) and records nothing
 * more. A sheet posted the earlier way (three events) in the same room is acknowledged too, by an
 * `!ack` reply to its `m.file`.
 */
import path from "node:path";
import type { MatrixClient } from "matrix-js-sdk";
import { EventType, MsgType, ReceiptType, RelationType } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredUser } from "../../../src/matrix/index.ts";
import type { TransferState } from "../../../src/transfers/index.ts";
import { createTransfer, transferStatus } from "../../../src/transfers/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { engines, envFor } from "../postgres.ts";
import { startTestHomeserver, waitForEvent, type TestHomeserver } from "../synapse/harness.ts";
import { auditOf } from "../../helpers/audit-rows.ts";
import {
  addRecipients,
  openFixture,
  PKI_PASSPHRASE,
  type TransferFixture,
} from "../../helpers/transfers-fixture.ts";
import { postLegacySheet } from "../../helpers/legacy-sheet.ts";
import { autoJoin } from "../../helpers/matrix-recipient.ts";
import { startServe, type ServeProcess } from "./serve-process.ts";

let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let alice: RegisteredUser;
let bob: RegisteredUser;
let aliceClient: MatrixClient;
const running: ServeProcess[] = [];
/** `!ack` as a rich reply to `eventId`, encrypted by Alice's client. */
const ackReply = (roomId: string, eventId: string) =>
  aliceClient.sendEvent(roomId, EventType.RoomMessage, {
    msgtype: MsgType.Text,
    body: "!ack",
    "m.relates_to": { "m.in_reply_to": { event_id: eventId } },
  });

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-transfers-catchup-");
  [alice, bob] = await Promise.all([server.user("alice"), server.user("bob")]);
  aliceClient = await server.client(alice);
  autoJoin(aliceClient);
});

afterAll(async () => {
  for (const p of running) await p.stop("SIGKILL");
  await server.close();
  await tmp.cleanup();
});

describe.each(engines())("evidence caught up after a restart on $name", (engine) => {
  let f: TransferFixture;
  let env: Record<string, string>;
  let hubUser: RegisteredUser;

  beforeAll(async () => {
    await engine.setup();
    const dir = path.join(tmp.dir, engine.name);
    const database = await engine.fresh();
    f = await openFixture(dir, { database });
    hubUser = await server.user(`passerelle-${engine.name}`);
    env = {
      ...envFor(database, dir),
      PASSERELLE_HOMESERVER_URL: server.hs.baseUrl,
      PASSERELLE_MATRIX_USER_ID: hubUser.userId,
      PASSERELLE_MATRIX_PASSWORD: hubUser.password,
      PASSERELLE_SIGNER_P12: path.join(dir, "pki", "signer.p12"),
      PASSERELLE_SIGNER_PASSPHRASE: PKI_PASSPHRASE,
    };
  });

  afterAll(async () => {
    await f.close();
    await engine.teardown();
  });

  const serve = async (): Promise<ServeProcess> => {
    const p = await startServe(env);
    running.push(p);
    return p;
  };
  const stateIs = (id: string, want: TransferState) =>
    waitFor(
      `${id} ${want}`,
      async () => ((await transferStatus(f.db.knex, id)).transfer.state === want ? true : undefined),
      60_000,
      100,
    );

  it(
    "an !ack, a ✅ and a read receipt sent while the hub was down are recorded after restart by the same rule, audited once",
    { timeout: 300_000 },
    async () => {
      const to = await addRecipients(f, [alice.userId, bob.userId]);
      const first = await serve();
      const c = await createTransfer(f.deps, { sheet: exampleSheet("discharge"), to, actor: "cli:test" });
      await stateIs(c.transferId, "delivered");
      const { transfer } = await transferStatus(f.db.knex, c.transferId);
      const roomId = transfer.roomId!;
      await waitForEvent(
        aliceClient,
        roomId,
        "m.room.message",
        30_000,
        (e) => e.getId() === transfer.sheetEventId,
      );
      await first.stop("SIGKILL");

      // While the hub is down.
      const clearReaction = await aliceClient.sendEvent(roomId, EventType.Reaction, {
        "m.relates_to": { rel_type: RelationType.Annotation, event_id: transfer.sheetEventId!, key: "✅" },
      });
      const reaction = await ackReply(roomId, transfer.sheetEventId!);
      // A sheet of the same room as the hub posted it before (three events, from another of the
      // hub's devices), recorded as sent with its three event ids; Alice replies !ack to its m.file.
      const legacy = await createTransfer(f.deps, {
        sheet: exampleSheet("discharge"),
        to,
        actor: "cli:test",
      });
      const hubDevice = await server.client(hubUser);
      await waitFor(
        "the hub's other device in the room",
        () => hubDevice.getRoom(roomId) ?? undefined,
        20_000,
      );
      const posted = await postLegacySheet(hubDevice, roomId, {
        sheetId: legacy.sheetId,
        kind: "discharge",
        form: "discharge@1",
        pdfSha256: legacy.pdfSha256,
        data: {},
      });
      await f.db.knex("transfers").where("id", legacy.transferId).update({
        state: "sent",
        room_id: roomId,
        sent_at: new Date().toISOString(),
        sheet_event_id: posted.sheetEventId,
        file_event_id: posted.fileEventId,
        text_event_id: posted.textEventId,
      });
      await waitForEvent(
        aliceClient,
        roomId,
        "m.room.message",
        30_000,
        (e) => e.getId() === posted.fileEventId,
      );
      const legacyReaction = await ackReply(roomId, posted.fileEventId);
      for (let i = 0; i < 25; i++) await aliceClient.sendTextMessage(roomId, `message ${i}`);
      const last = await waitFor(
        "alice's last message in her timeline",
        () =>
          aliceClient
            .getRoom(roomId)
            ?.getLiveTimeline()
            .getEvents()
            .find((e) => e.getContent().body === "message 24" && e.status === null),
        20_000,
      );
      await aliceClient.sendReadReceipt(last, ReceiptType.Read);
      await new Promise((r) => setTimeout(r, 500));
      const downAudit = await auditOf(f.db, c.transferId);
      expect(downAudit.map((r) => r.action)).not.toContain("transfer.acknowledged");

      const second = await serve();
      await stateIs(c.transferId, "acknowledged");
      await stateIs(legacy.transferId, "acknowledged");
      expect(await auditOf(f.db, legacy.transferId)).toContainEqual(
        expect.objectContaining({ action: "transfer.acknowledged", event_id: legacyReaction.event_id }),
      );
      const { recipients } = await transferStatus(f.db.knex, c.transferId);
      const aliceRow = recipients.find((r) => r.matrixId === alice.userId);
      expect(aliceRow?.acknowledgedAt).toBeDefined();
      await waitFor(
        "the read receipt recorded",
        async () =>
          (await transferStatus(f.db.knex, c.transferId)).recipients.find((r) => r.matrixId === alice.userId)
            ?.readAt,
        30_000,
        100,
      );
      await second.stop("SIGTERM");

      // A third start replays the room (Bob's acknowledgement is still awaited): nothing new.
      const third = await serve();
      await new Promise((r) => setTimeout(r, 4000));
      await third.stop("SIGTERM");

      const audit = await auditOf(f.db, c.transferId);
      const acks = audit.filter((r) => r.action === "transfer.acknowledged");
      expect(acks).toEqual([
        expect.objectContaining({
          outcome: "success",
          event_id: reaction.event_id,
          member_id: `rpps:${to[0]!}`,
          device_id: aliceClient.getDeviceId(),
        }),
      ]);
      expect(audit.filter((r) => r.action === "transfer.ack_unproven")).toEqual([
        expect.objectContaining({ event_id: clearReaction.event_id, reason: "unencrypted" }),
      ]);
      expect(audit.filter((r) => r.action === "transfer.read")).toHaveLength(1);
      expect(audit.filter((r) => r.action === "transfer.delivered")).toHaveLength(1);
      expect(audit.filter((r) => r.outcome === "failure")).toEqual([]);
      const evidence = await f.db
        .knex("matrix_evidence")
        .where({ kind: "acknowledged", event_id: reaction.event_id });
      expect(evidence).toHaveLength(1);
      expect((await f.trail.verify()).ok).toBe(true);
      for (const p of [first, second, third])
        expect(
          p.logs.filter((l) => l.includes("evidence")),
          p.logs.join("\n"),
        ).toEqual([]);
    },
  );
});
