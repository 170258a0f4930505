/**
 * Evidence through the outbox worker on a real Synapse, on sqlite and PostgreSQL:
 * - `delivered`: the hub's own sheet event echoed back by its sync moves each transfer from `sent`
 *   to `delivered`, audited once with the sheet event id — also when the echo overtakes the
 *   worker's `sent` (five transfers at once), and when a new listener replays the room;
 * - room refusals fail at once: a mapped room that is not encrypted, or that holds a stranger,
 *   ends the transfer `failed` after one attempt with a `room.*` reason, audited, nothing sent.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hub, InboundListener, RegisteredUser } from "../../../src/matrix/index.ts";
import { openHub } from "../../../src/matrix/index.ts";
import {
  createTransfer,
  inboundEvidence,
  OutboxWorker,
  transferStatus,
} from "../../../src/transfers/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { engines } from "../postgres.ts";
import { startTestHomeserver, waitForJoin, type TestHomeserver } from "../synapse/harness.ts";
import { auditOf, countAudit, messagesIn } from "../../helpers/audit-rows.ts";
import { addRecipients, openFixture, type TransferFixture } from "../../helpers/transfers-fixture.ts";

let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let hub: Hub;
let alice: RegisteredUser;
let bob: RegisteredUser;
let carol: RegisteredUser;
let mallory: RegisteredUser;
const sheet = exampleSheet("discharge");
const workerOptions = { pollMs: 100, maxAttempts: 10, backoffBaseMs: 500, backoffMaxMs: 3000 };

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-transfers-evidence-");
  const hubUser = await server.user("passerelle");
  [alice, bob, carol, mallory] = await Promise.all([
    server.user("alice"),
    server.user("bob"),
    server.user("carol"),
    server.user("mallory"),
  ]);
  hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    userId: hubUser.userId,
    password: hubUser.password,
    dataDir: path.join(tmp.dir, "hub"),
  });
});

afterAll(async () => {
  await hub.close();
  await server.close();
  await tmp.cleanup();
});

describe.each(engines())("evidence through the worker on $name", (engine) => {
  let f: TransferFixture;
  let rpps: { alice: string; bob: string; carol: string };
  let listener: InboundListener;
  const errors: string[] = [];

  beforeAll(async () => {
    await engine.setup();
    const dir = path.join(tmp.dir, engine.name);
    f = await openFixture(dir, { database: await engine.fresh() });
    const [a, b, c] = await addRecipients(f, [alice.userId, bob.userId, carol.userId]);
    rpps = { alice: a!, bob: b!, carol: c! };
    listener = hub.listen(inboundEvidence(f.deps, hub.userId, (code) => errors.push(code)));
  });

  afterAll(async () => {
    await listener.stop();
    await f.close();
    await engine.teardown();
  });

  /** Queues a transfer to `to` whose context is mapped to `roomId`, then runs one worker batch. */
  async function sendInto(to: string, roomId: string): Promise<string> {
    const c = await createTransfer(f.deps, { sheet, to: [to], actor: "cli:test" });
    const row = await f.db
      .knex<{ id: string; context_key: string }>("transfers")
      .where("id", c.transferId)
      .first("context_key");
    await f.db.knex("transfer_rooms").insert({
      context_key: row!.context_key,
      room_id: roomId,
      reference: "OUTSIDE1",
      created_at: new Date().toISOString(),
    });
    const worker = new OutboxWorker(f.deps, hub.transport, workerOptions);
    expect(await worker.runOnce()).toBe(1);
    return c.transferId;
  }

  async function expectRefused(transferId: string, roomId: string, reason: string): Promise<void> {
    const { transfer, events } = await transferStatus(f.db.knex, transferId);
    expect(transfer).toMatchObject({ state: "failed", attempts: 1, lastReason: reason });
    expect(transfer.sheetEventId).toBeUndefined();
    expect(events.map((e) => e.step)).toEqual(["created", "queued", "failed"]);
    expect(events.at(-1)).toMatchObject({ reason });
    const audit = await auditOf(f.db, transferId);
    expect(audit.filter((r) => r.action === "transfer.failed")).toEqual([
      expect.objectContaining({ outcome: "failure", reason }),
    ]);
    expect(audit.map((r) => r.action)).not.toContain("transfer.retried");
    expect(audit.map((r) => r.action)).not.toContain("transfer.sent");
    // Nothing due any more, and nothing ever posted in the room.
    expect(await new OutboxWorker(f.deps, hub.transport, workerOptions).runOnce()).toBe(0);
    await new Promise((r) => setTimeout(r, 1000));
    expect(await messagesIn(hub.client, roomId)).toEqual([]);
    expect((await f.trail.verify()).ok).toBe(true);
  }

  it("a mapped room that is not encrypted: failed at once (room.unencrypted), audited, nothing sent", async () => {
    // A room made outside the hub's flow: private, but without m.room.encryption.
    const { room_id: roomId } = await hub.client.createRoom({
      name: "Passerelle · T-PLAIN",
      invite: [bob.userId],
    });
    await waitForJoin(hub.client, roomId, hub.userId);
    const id = await sendInto(rpps.bob, roomId);
    await expectRefused(id, roomId, "room.unencrypted");
  });

  it("a mapped room with a stranger invited: failed at once (room.stranger), audited, nothing sent", async () => {
    const roomId = await hub.transport.createRoom("STRANGER1", [carol.userId, mallory.userId]);
    await waitForJoin(hub.client, roomId, hub.userId);
    const id = await sendInto(rpps.carol, roomId);
    await expectRefused(id, roomId, "room.stranger");
  });

  it("the hub's own sheet echo moves each of 5 concurrent transfers sent → delivered, audited once; a replay adds nothing", async () => {
    const worker = new OutboxWorker(f.deps, hub.transport, workerOptions);
    worker.start();
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++)
        ids.push((await createTransfer(f.deps, { sheet, to: [rpps.alice], actor: "cli:test" })).transferId);
      for (const id of ids) {
        await waitFor(
          `${id} delivered`,
          async () =>
            (await transferStatus(f.db.knex, id)).transfer.state === "delivered" ? true : undefined,
          30_000,
          100,
        );
      }
      for (const id of ids) {
        const { transfer, events } = await transferStatus(f.db.knex, id);
        expect(events.map((e) => e.step).slice(-2)).toEqual(["sent", "delivered"]);
        expect(events.at(-1)?.matrixEventId).toBe(transfer.sheetEventId);
        const delivered = (await auditOf(f.db, id)).filter((r) => r.action === "transfer.delivered");
        expect(delivered).toEqual([
          expect.objectContaining({
            outcome: "success",
            event_id: transfer.sheetEventId,
            room_id: transfer.roomId,
          }),
        ]);
      }
      // A second listener (as after a restart) hears every echo again: durably deduplicated.
      const roomId = (await transferStatus(f.db.knex, ids[0]!)).transfer.roomId!;
      const again = hub.listen(inboundEvidence(f.deps, hub.userId, (code) => errors.push(code)));
      await again.catchUp(roomId, 0);
      await new Promise((r) => setTimeout(r, 1500));
      await again.stop();
      for (const id of ids) expect(await countAudit(f.db, id, "transfer.delivered")).toBe(1);
      const echoes = await f.db
        .knex("matrix_evidence")
        .where("kind", "echo")
        .whereIn(
          "event_id",
          (await f.db.knex("transfers").whereIn("id", ids).select("sheet_event_id")).map(
            (r: { sheet_event_id: string }) => r.sheet_event_id,
          ),
        );
      expect(echoes).toHaveLength(5);
      expect(errors).toEqual([]);
      expect((await f.trail.verify()).ok).toBe(true);
    } finally {
      await worker.stop();
    }
  });
});
