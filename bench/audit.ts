/**
 * Audit and directory benchmark:
 * - audit appends per second on sqlite and PostgreSQL: one at a time (each awaited: one commit,
 *   one fsync each), single appends from concurrent callers (group commit), and `appendBatch`;
 * - full-chain verification of 1 000 000 entries against the raw SHA-256 rate of the same bytes
 *   (the canonical serialisations), measured in the same run, interleaved, median of rounds;
 *   plus the same chain read back from sqlite and verified (`audit verify`'s path);
 * - import of a 100 000-row Annuaire Santé extraction (with its audit entries).
 * Durable settings throughout: sqlite WAL + synchronous=FULL, PostgreSQL with fsync on.
 *
 *   node bench/audit.ts          (or `npm run bench`)
 * Environment: BENCH_SKIP_PG=1 (no PostgreSQL), BENCH_AUDIT_VERIFY_N (1000000),
 * BENCH_AUDIT_IMPORT_N (100000), BENCH_ROUNDS (3), BENCH_AUDIT_DB_VERIFY=0 (skip the sqlite read-back).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import { join } from "node:path";
import type { AuditEntry, AuditEvent } from "../src/audit/index.ts";
import {
  AuditTrail,
  auditEvent,
  canonicalEntry,
  entryHash,
  GENESIS_ANCHOR,
  GENESIS_HASH,
  generateSigningKey,
  sha256Hex,
  signCheckpoint,
  trustedKeys,
  verifyChain,
} from "../src/audit/index.ts";
import type { DatabaseConfig } from "../src/config/index.ts";
import { importExtraction } from "../src/directory/index.ts";
import { openDatabase } from "../src/storage/index.ts";
import { findPostgresBin, startPostgres } from "../test/integration/postgres.ts";
import type { PostgresServer } from "../test/integration/postgres.ts";
import { syntheticExtraction } from "../test/helpers/directory-synthetic.ts";
import { fmt, fmtRatio, printTable, target, writeResults } from "./lib/report.ts";
import { MIGRATIONS } from "../src/migrations.ts";

const env = (k: string, d: number): number => {
  const v = Number(process.env[k]);
  return Number.isFinite(v) && v > 0 ? v : d;
};
const VERIFY_N = env("BENCH_AUDIT_VERIFY_N", 1_000_000);
const IMPORT_N = env("BENCH_AUDIT_IMPORT_N", 100_000);
const ROUNDS = env("BENCH_ROUNDS", 3);
const SKIP_PG = process.env.BENCH_SKIP_PG === "1" || findPostgresBin() === undefined;
const DB_VERIFY = process.env.BENCH_AUDIT_DB_VERIFY !== "0";

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? NaN;
const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "passerelle-bench-"));
  dirs.push(d);
  return d;
};
const event = (i: number): AuditEvent =>
  auditEvent("transfer.sent", {
    actor: "@passerelle:hub.example",
    transfer: `tr-${String(i)}`,
    sheet: `sheet-${String(i >> 2)}`,
    room: "!Gk3sT0pqRoom:hub.example",
    pdfSha256: "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08",
  });

async function timed<T>(f: () => Promise<T>): Promise<{ ms: number; cpuMs: number; value: T }> {
  const cpu = process.cpuUsage();
  const t = performance.now();
  const value = await f();
  const u = process.cpuUsage(cpu);
  return { ms: performance.now() - t, cpuMs: (u.user + u.system) / 1000, value };
}

/** Appends per second for one engine. */
async function appends(name: string, config: DatabaseConfig) {
  const db = await openDatabase(config, MIGRATIONS);
  const trail = await AuditTrail.open(db, { key: await generateSigningKey() });
  const one = await timed(async () => {
    for (let i = 0; i < 1000; i++) await trail.append(event(i));
  });
  const group = await timed(() =>
    Promise.all(Array.from({ length: 20_000 }, (_, i) => trail.append(event(i)))),
  );
  const batch = await timed(async () => {
    for (let k = 0; k < 50; k++) await trail.appendBatch(Array.from({ length: 1000 }, (_, i) => event(i)));
  });
  await trail.close();
  const ok = (await trail.verify()).ok;
  await db.close();
  return [
    { engine: name, mode: "single, one at a time (awaited)", n: 1000, rate: 1000 / (one.ms / 1000), ok },
    {
      engine: name,
      mode: "single, 20 000 concurrent callers",
      n: 20_000,
      rate: 20_000 / (group.ms / 1000),
      ok,
    },
    { engine: name, mode: "batched (appendBatch × 1000)", n: 50_000, rate: 50_000 / (batch.ms / 1000), ok },
  ];
}

/** A valid chain of n entries with a checkpoint every 1000, built without the store. */
async function buildChain(n: number) {
  const key = await generateSigningKey();
  const entries: AuditEntry[] = new Array<AuditEntry>(n);
  const proto = event(0);
  let prevHash = GENESIS_HASH;
  const time = "2026-03-01T08:00:00.000Z";
  for (let i = 0; i < n; i++) {
    const u = {
      ...proto,
      transfer: `tr-${String(i)}`,
      sheet: `sheet-${String(i >> 2)}`,
      seq: i + 1,
      time,
      prevHash,
    };
    const e = { ...u, hash: entryHash(u) };
    entries[i] = e;
    prevHash = e.hash;
  }
  const checkpoints: { seq: number; jws: string }[] = [];
  for (let s = 1000; s <= n; s += 1000) {
    const e = entries[s - 1]!;
    checkpoints.push({ seq: s, jws: (await signCheckpoint(key, { seq: s, headHash: e.hash, time })).jws });
  }
  return { key, entries, checkpoints };
}

async function verification() {
  const { key, entries, checkpoints } = await buildChain(VERIFY_N);
  const bytes = entries.map(canonicalEntry);
  const raw: number[] = [];
  const ver: number[] = [];
  const rawCpu: number[] = [];
  const verCpu: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const a = await timed(() => {
      let x = 0;
      for (const b of bytes) x += sha256Hex(b).length;
      return Promise.resolve(x);
    });
    const v = await timed(() =>
      verifyChain({
        anchor: GENESIS_ANCHOR,
        pages: [entries],
        checkpoints,
        keys: trustedKeys([key.publicJwk]),
        loadAll: () => Promise.resolve(entries),
      }),
    );
    if (!v.value.ok) throw new Error("bench chain does not verify");
    raw.push(a.ms);
    ver.push(v.ms);
    rawCpu.push(a.cpuMs);
    verCpu.push(v.cpuMs);
  }
  let fromDb: { ms: number; insertMs: number } | undefined;
  if (DB_VERIFY) {
    const db = await openDatabase({ engine: "sqlite", filename: join(tmp(), "verify.sqlite") }, MIGRATIONS);
    const trail = await AuditTrail.open(db, { key, checkpointEvery: 1000 });
    const ins = await timed(async () => {
      for (let i = 0; i < VERIFY_N; i += 10_000) {
        await trail.appendBatch(
          Array.from({ length: Math.min(10_000, VERIFY_N - i) }, (_, k) => event(i + k)),
        );
      }
    });
    const v = await timed(() => trail.verify());
    if (!v.value.ok) throw new Error("stored chain does not verify");
    fromDb = { ms: v.ms, insertMs: ins.ms };
    await db.close();
  }
  return {
    n: VERIFY_N,
    checkpoints: checkpoints.length,
    rawMs: median(raw),
    verifyMs: median(ver),
    rawCpuMs: median(rawCpu),
    verifyCpuMs: median(verCpu),
    fromDb,
  };
}

async function imports(name: string, config: DatabaseConfig, csv: Buffer) {
  const db = await openDatabase(config, MIGRATIONS);
  const trail = await AuditTrail.open(db, { key: await generateSigningKey() });
  const first = await timed(() => importExtraction(db, trail, csv, { actor: "cli:bench" }));
  const again = await timed(() => importExtraction(db, trail, csv, { actor: "cli:bench" }));
  await db.close();
  return { engine: name, rows: first.value.imported, firstMs: first.ms, againMs: again.ms };
}

async function main(): Promise<void> {
  console.log(
    `audit bench: load average ${loadavg()
      .map((l) => l.toFixed(2))
      .join(" ")}, tmp ${tmpdir()}`,
  );
  let pg: PostgresServer | undefined;
  if (!SKIP_PG) pg = await startPostgres({ durable: true });
  const sqlite = (f: string): DatabaseConfig => ({ engine: "sqlite", filename: join(tmp(), f) });
  const pgdb = async (): Promise<DatabaseConfig> => ({ engine: "postgres", url: await pg!.createDatabase() });
  try {
    const appendRows = [...(await appends("sqlite", sqlite("a.sqlite")))];
    if (pg !== undefined) appendRows.push(...(await appends("postgres", await pgdb())));
    console.log("\naudit appends");
    printTable(
      [
        { header: "engine" },
        { header: "mode" },
        { header: "entries", align: "right" },
        { header: "appends/s", align: "right" },
      ],
      appendRows.map((r) => [r.engine, r.mode, String(r.n), fmt(r.rate)]),
    );

    const v = await verification();
    console.log(
      `\nfull-chain verification, ${String(v.n)} entries, ${String(v.checkpoints)} checkpoints (median of ${String(ROUNDS)})`,
    );
    printTable(
      [
        { header: "what" },
        { header: "wall", align: "right" },
        { header: "cpu", align: "right" },
        { header: "vs raw", align: "right" },
      ],
      [
        ["raw SHA-256 of the canonical bytes", `${fmt(v.rawMs)} ms`, `${fmt(v.rawCpuMs)} ms`, fmtRatio(1)],
        [
          "verifyChain (serialise, hash, link, JWS)",
          `${fmt(v.verifyMs)} ms`,
          `${fmt(v.verifyCpuMs)} ms`,
          fmtRatio(v.verifyMs / v.rawMs),
        ],
        ...(v.fromDb === undefined
          ? []
          : [
              [
                "sqlite: read back + verify (audit verify)",
                `${fmt(v.fromDb.ms)} ms`,
                "",
                fmtRatio(v.fromDb.ms / v.rawMs),
              ],
            ]),
      ],
    );
    if (v.fromDb !== undefined)
      console.log(`(stored with appendBatch × 10 000 in ${fmt(v.fromDb.insertMs / 1000)} s)`);

    const csv = Buffer.from(syntheticExtraction(IMPORT_N));
    const importRows = [await imports("sqlite", sqlite("i.sqlite"), csv)];
    if (pg !== undefined) importRows.push(await imports("postgres", await pgdb(), csv));
    console.log(
      `\ndirectory import, ${String(IMPORT_N)} rows (${fmt(csv.length / 1e6)} MB), with audit entries`,
    );
    printTable(
      [
        { header: "engine" },
        { header: "first import", align: "right" },
        { header: "re-import (no change)", align: "right" },
      ],
      importRows.map((r) => [r.engine, `${fmt(r.firstMs / 1000)} s`, `${fmt(r.againMs / 1000)} s`]),
    );

    const sqliteGroup = appendRows.find((r) => r.engine === "sqlite" && r.mode.startsWith("single, 20"))!;
    const sqliteBatch = appendRows.find((r) => r.engine === "sqlite" && r.mode.startsWith("batched"))!;
    console.log("");
    console.log(
      target(
        sqliteGroup.rate >= 5000,
        `sqlite single appends (concurrent callers) ≥ 5000/s: ${fmt(sqliteGroup.rate)}/s`,
      ),
    );
    console.log(
      target(sqliteBatch.rate >= 5000, `sqlite batched appends ≥ 5000/s: ${fmt(sqliteBatch.rate)}/s`),
    );
    console.log(
      target(v.verifyMs <= 3000, `verify ${String(v.n)} entries ≤ 3 s: ${fmt(v.verifyMs / 1000)} s`),
    );
    console.log(
      target(v.verifyMs <= 3 * v.rawMs, `verify ≤ 3× raw SHA-256: ${fmtRatio(v.verifyMs / v.rawMs)}`),
    );
    for (const r of importRows) {
      console.log(
        target(
          r.firstMs < 60_000,
          `${r.engine} import of ${String(r.rows)} rows < 60 s: ${fmt(r.firstMs / 1000)} s`,
        ),
      );
    }
    if (SKIP_PG) console.log("(PostgreSQL skipped: BENCH_SKIP_PG=1 or no server binaries)");
    const file = await writeResults("audit", {
      loadavg: loadavg(),
      appends: appendRows,
      verification: v,
      imports: importRows,
    });
    console.log(`results: ${file}`);
  } finally {
    await pg?.stop();
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  }
}

await main();
