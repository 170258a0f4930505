import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { auditEvent, openAuditTrail } from "../../../src/audit/index.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { engines, envFor } from "../postgres.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

const CHILD = join(import.meta.dirname, "child.ts");

interface Run {
  acks: Map<number, string>;
  signal: NodeJS.Signals | null;
  code: number | null;
}

/** Runs the child; with `killAfter`, SIGKILLs it once that many appends were acknowledged. */
function runChild(env: Record<string, string>, killAfter?: number): Promise<Run> {
  const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", CHILD], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const acks = new Map<number, string>();
  createInterface({ input: child.stdout }).on("line", (line) => {
    const [kind, seq, transfer] = line.split(" ");
    if (kind !== "ack") return;
    acks.set(Number(seq), transfer ?? "");
    if (killAfter !== undefined && acks.size === killAfter) child.kill("SIGKILL");
  });
  return new Promise((resolve) => {
    child.once("close", (code, signal) => {
      resolve({ acks, signal, code });
    });
  });
}

describe.each(engines())("crash safety and concurrency on $name", (engine) => {
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });
  const setup = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), "passerelle-crash-"));
    dirs.push(dataDir);
    const env = { ...envFor(await engine.fresh(), dataDir), PASSERELLE_AUDIT_CHECKPOINT_EVERY: "500" };
    return { env, config: loadConfig(env) };
  };

  it("SIGKILL while appending 10 000 entries: on restart the chain verifies and no acknowledged entry is lost", async () => {
    const { env, config } = await setup();
    const run = await runChild({ ...env, COUNT: "10000", INFLIGHT: "8", TAG: "k" }, 2000);
    expect(run.signal).toBe("SIGKILL");
    expect(run.acks.size).toBeGreaterThanOrEqual(2000);
    expect(run.acks.size).toBeLessThan(10_000);

    const db = await openDatabase(config.database, MIGRATIONS);
    const trail = await openAuditTrail(config, db);
    const report = await trail.verify();
    expect(report.ok).toBe(true);
    const stored = new Map(
      (await db.knex("audit_entries").select("seq", "transfer_id")).map(
        (r: { seq: number | string; transfer_id: string }) => [Number(r.seq), r.transfer_id],
      ),
    );
    for (const [seq, transfer] of run.acks) expect(stored.get(seq)).toBe(transfer);
    expect(report.lastSeq).toBeGreaterThanOrEqual(Math.max(...run.acks.keys()));
    // Restart works: appends continue the same chain.
    const next = await trail.append(
      auditEvent("transfer.retried", { actor: "system:outbox", transfer: "k-restart-1" }),
    );
    expect(next.seq).toBe(report.lastSeq + 1);
    await trail.close();
    expect(await trail.verify()).toMatchObject({ ok: true, unsignedTail: 0 });
    await db.close();
  });

  it("two processes appending concurrently: one chain, no duplicate seq, nothing lost", async () => {
    const { env, config } = await setup();
    const [a, b] = await Promise.all([
      runChild({ ...env, COUNT: "3000", INFLIGHT: "16", TAG: "a" }),
      runChild({ ...env, COUNT: "3000", INFLIGHT: "16", TAG: "b" }),
    ]);
    expect([a.code, b.code]).toEqual([0, 0]);
    const seqs = [...a.acks.keys(), ...b.acks.keys()].sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 6000 }, (_, i) => i + 1));
    const db = await openDatabase(config.database, MIGRATIONS);
    const trail = await openAuditTrail(config, db);
    expect(await trail.verify()).toMatchObject({ ok: true, entries: 6000, unsignedTail: 0 });
    // Both really interleaved (one did not simply run after the other).
    const order = (await db.knex("audit_entries").select("transfer_id").orderBy("seq")).map(
      (r: { transfer_id: string }) => r.transfer_id.charAt(0),
    );
    let switches = 0;
    for (let i = 1; i < order.length; i++) if (order[i] !== order[i - 1]) switches++;
    expect(switches).toBeGreaterThan(2);
    await db.close();
  });
});
