/**
 * The outbox worker's concurrency on sqlite with a recording transport: transfers in flight at
 * once up to the bound, never one claimed twice (two workers on two connections), events posted in
 * queue order within a room while rooms proceed independently, and an immediate wake-up on queue.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../../src/core/index.ts";
import type { Database } from "../../../../src/storage/index.ts";
import { openDatabase } from "../../../../src/storage/index.ts";
import type { OutboxWorkerOptions } from "../../../../src/transfers/outbox/worker.ts";
import { createTransfer, OutboxWorker } from "../../../../src/transfers/index.ts";
import { exampleSheet } from "../../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../../helpers/tmp.ts";
import { addRecipients, openFixture, type TransferFixture } from "../../../helpers/transfers-fixture.ts";
import { RecordingTransport } from "../../../helpers/recording-transport.ts";
import { MIGRATIONS } from "../../../../src/migrations.ts";

const clock = fixedClock("2026-03-02T08:00:00Z");
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let other: Database;
let rpps: string[];
const sheet = exampleSheet("discharge");

beforeAll(async () => {
  tmp = await tempDir("passerelle-transfers-concurrency-");
  f = await openFixture(tmp.dir, { clock });
  other = await openDatabase(
    { engine: "sqlite", filename: path.join(tmp.dir, "passerelle.sqlite") },
    MIGRATIONS,
    { migrate: false },
  );
  rpps = await addRecipients(f, ["@alice:test", "@bob:test"]);
}, 60_000);
afterAll(async () => {
  await other.close();
  await f.close();
  await tmp.cleanup();
});

/** Queues a transfer of context `unit`, one clock millisecond after the previous one. */
async function queue(unit: string, onQueued?: () => void): Promise<string> {
  clock.advance(1);
  const c = await createTransfer(
    { ...f.deps, ...(onQueued === undefined ? {} : { onQueued }) },
    { sheet, to: [rpps[0]!], actor: "cli:test", senderUnit: unit },
  );
  return c.transferId;
}

const states = async (ids: readonly string[]): Promise<string[]> =>
  (await f.db.knex<{ state: string }>("transfers").whereIn("id", ids).select("state")).map((r) => r.state);

const allSent = (ids: readonly string[]) => async () =>
  (await states(ids)).every((s) => s === "sent") ? true : undefined;

const options: OutboxWorkerOptions = { pollMs: 20, maxAttempts: 5, backoffBaseMs: 1 };

describe("outbox worker concurrency", () => {
  it("two workers on two connections: 40 transfers, each sent exactly once, up to the bound in flight", async () => {
    const t = new RecordingTransport();
    t.prepareMs = () => 5 + Math.floor(Math.random() * 20);
    const ids: string[] = [];
    for (let i = 0; i < 40; i++) ids.push(await queue(`unit-race-${String(i % 8)}`));
    const a = new OutboxWorker(f.deps, t, { ...options, concurrency: 4, owner: "a" });
    const b = new OutboxWorker({ ...f.deps, db: other }, t, { ...options, concurrency: 4, owner: "b" });
    a.start();
    b.start();
    try {
      await waitFor("all 40 sent", allSent(ids), 20_000);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
    }
    const sendsPer = new Map<string, number>();
    for (const s of t.sends) sendsPer.set(s.sheet.transferId, (sendsPer.get(s.sheet.transferId) ?? 0) + 1);
    expect(ids.map((id) => sendsPer.get(id))).toEqual(Array(40).fill(1));
    expect(t.maxActive).toBeGreaterThan(1);
    expect(t.maxActive).toBeLessThanOrEqual(8);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it("within a room, events are posted in queue order even when earlier sheets prepare slower", async () => {
    const t = new RecordingTransport();
    const ordered: string[] = [];
    for (let i = 0; i < 10; i++) ordered.push(await queue("unit-order"));
    const quick = await queue("unit-elsewhere");
    // The first queued is the slowest to prepare: without the lane, it would be posted last.
    t.prepareMs = (id) => (id === quick ? 0 : 10 * (10 - ordered.indexOf(id)));
    const w = new OutboxWorker(f.deps, t, { ...options, concurrency: 16 });
    w.start();
    try {
      await waitFor("all sent", allSent([...ordered, quick]), 20_000);
    } finally {
      await w.stop();
    }
    const room = t.sends.find((s) => s.sheet.transferId === ordered[0])!.roomId;
    expect(t.postOrder.get(room)).toEqual(ordered);
    expect(t.maxActive).toBeGreaterThanOrEqual(10); // the room's sheets prepared at once
    // The other room did not wait behind the slow one.
    const otherRoom = t.sends.find((s) => s.sheet.transferId === quick)!.roomId;
    expect(otherRoom).not.toBe(room);
    expect(t.postOrder.get(otherRoom)).toEqual([quick]);
  });

  it("a failed send leaves the lane: the room's later sheets are still posted, in order", async () => {
    const t = new RecordingTransport();
    // The room exists already (a failure in a room just made is waited out within the attempt).
    await queue("unit-fail");
    await new OutboxWorker(f.deps, t, options).runOnce();
    const ids = [await queue("unit-fail"), await queue("unit-fail"), await queue("unit-fail")];
    t.failOnce.add(ids[0]!); // the first queued fails (and is retried after its backoff)
    const w = new OutboxWorker(f.deps, t, { ...options, concurrency: 4 });
    w.start();
    try {
      await waitFor(
        "all sent",
        () => {
          clock.advance(10); // the retry's backoff passes
          return allSent(ids)();
        },
        20_000,
      );
    } finally {
      await w.stop();
    }
    const room = t.sends.find((s) => s.sheet.transferId === ids[1])!.roomId;
    expect(t.postOrder.get(room)?.slice(1)).toEqual([ids[1], ids[2], ids[0]]);
    expect(t.sends.filter((s) => s.sheet.transferId === ids[0])).toHaveLength(2);
  });

  it("onQueued → wake: a transfer is claimed at once, not after the polling delay", async () => {
    const t = new RecordingTransport();
    const w = new OutboxWorker(f.deps, t, { ...options, pollMs: 60_000 });
    w.start();
    try {
      await new Promise((r) => setTimeout(r, 50)); // the worker is in its idle pause
      const t0 = Date.now();
      const id = await queue("unit-wake", () => {
        w.wake();
      });
      await waitFor("sent", allSent([id]), 10_000, 10);
      expect(Date.now() - t0).toBeLessThan(5_000);
    } finally {
      await w.stop();
    }
  });
});
