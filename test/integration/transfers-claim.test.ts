/**
 * Two instances on one database never double-process a transfer: two connections (two pools, as
 * two processes have) race to claim the same queued transfers. On PostgreSQL the claim is
 * `FOR UPDATE SKIP LOCKED`; on sqlite a conditional update under the single writer lock.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../../src/storage/index.ts";
import type { Database } from "../../src/storage/index.ts";
import { claimDue, claimToken, createTransfer } from "../../src/transfers/index.ts";
import { exampleSheet } from "../helpers/sheets.ts";
import { tempDir } from "../helpers/tmp.ts";
import { engines } from "./postgres.ts";
import { addRecipients, openFixture } from "./transfers/fixture.ts";

const N = 30;

describe.each(engines())("outbox claims on $name", (engine) => {
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());

  it(`two instances racing over ${N} queued transfers claim each exactly once`, async () => {
    const tmp = await tempDir("passerelle-claim-");
    const database = await engine.fresh();
    const f = await openFixture(tmp.dir, { database });
    const other: Database = await openDatabase(database, { migrate: false });
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
});
