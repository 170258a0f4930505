/**
 * Two instances on one database never double-process a transfer: two connections (two pools, as
 * two processes have) race to claim the same queued transfers. On PostgreSQL the claim is
 * `FOR UPDATE SKIP LOCKED`; on sqlite a conditional update under the single writer lock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/storage/index.ts";
import type { Database } from "../../../src/storage/index.ts";
import { claimDue, claimToken } from "../../../src/transfers/outbox/claim.ts";
import { createTransfer, OutboxWorker } from "../../../src/transfers/index.ts";
import { RecordingTransport } from "../../helpers/recording-transport.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { engines } from "../postgres.ts";
import { addRecipients, openFixture } from "../../helpers/transfers-fixture.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

const N = 30;

describe.each(engines())("outbox claims on $name", (engine) => {
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());

  it(`two instances racing over ${N} queued transfers claim each exactly once`, async () => {
    const tmp = await tempDir("passerelle-claim-");
    const database = await engine.fresh();
    const f = await openFixture(tmp.dir, { database });
    const other: Database = await openDatabase(database, MIGRATIONS, { migrate: false });
    try {
      const to = await addRecipients(f, ["@gp:test"]);
      for (let i = 0; i < N; i++) {
        await createTransfer(f.deps, { sheet: exampleSheet("admission"), to, actor: "cli:test" });
      }
      const now = new Date();
      const claimAll = async (db: Database, owner: string): Promise<string[]> => {
        const got: string[] = [];
        for (;;) {
          // A fresh lease token per claim, as the worker does (claimDue returns what the token holds).
          const rows = await claimDue(db, claimToken(owner), now, 60_000, 3);
          if (rows.length === 0) return got;
          got.push(...rows.map((r) => r.id));
          // Let the other instance in between claims, as a worker does between batches.
          await new Promise((r) => setTimeout(r, 10));
        }
      };
      const [a, b] = await Promise.all([claimAll(f.deps.db, "instance-a"), claimAll(other, "instance-b")]);
      expect(a.length + b.length).toBe(N);
      expect(new Set([...a, ...b]).size).toBe(N);
      expect(a.filter((id) => b.includes(id))).toEqual([]);
      // Both instances took part (the race is real, not one after the other).
      expect(a.length).toBeGreaterThan(0);
      expect(b.length).toBeGreaterThan(0);
    } finally {
      await other.close();
      await f.close();
      await tmp.cleanup();
    }
  });

  it(`two running workers (concurrency 4 each) over ${N} queued transfers send each exactly once`, async () => {
    const tmp = await tempDir("passerelle-claim-workers-");
    const database = await engine.fresh();
    const f = await openFixture(tmp.dir, { database });
    const other: Database = await openDatabase(database, MIGRATIONS, { migrate: false });
    const t = new RecordingTransport();
    t.prepareMs = () => 5 + Math.floor(Math.random() * 15);
    const opts = { concurrency: 4, pollMs: 20 };
    const a = new OutboxWorker(f.deps, t, { ...opts, owner: "instance-a" });
    const b = new OutboxWorker({ ...f.deps, db: other }, t, { ...opts, owner: "instance-b" });
    try {
      const to = await addRecipients(f, ["@gp:test"]);
      const ids: string[] = [];
      for (let i = 0; i < N; i++) {
        const c = await createTransfer(f.deps, {
          sheet: exampleSheet("admission"),
          to,
          actor: "cli:test",
          senderUnit: `unit-${String(i % 5)}`,
        });
        ids.push(c.transferId);
      }
      a.start();
      b.start();
      await waitFor(
        `all ${N} sent`,
        async () => {
          const rows = await f.db.knex<{ state: string }>("transfers").whereIn("id", ids).select("state");
          return rows.every((r) => r.state === "sent") ? true : undefined;
        },
        60_000,
      );
      const per = new Map<string, number>();
      for (const s of t.sends) per.set(s.sheet.transferId, (per.get(s.sheet.transferId) ?? 0) + 1);
      expect(ids.map((id) => per.get(id))).toEqual(Array(N).fill(1));
      expect(t.maxActive).toBeGreaterThan(1);
      expect((await f.trail.verify()).ok).toBe(true);
    } finally {
      await Promise.all([a.stop(), b.stop()]);
      await other.close();
      await f.close();
      await tmp.cleanup();
    }
  });
});
