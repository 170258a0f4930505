/**
 * API benchmark: throughput and latency of `POST /api/v1/transfers` (validate,
 * resolve recipients, render, sign, store and queue, in one transaction with its audit entries)
 * with 50 concurrent clients (autocannon), against the same `createTransfer` service function
 * called in-process by 50 concurrent callers, in the same run. Target: HTTP overhead ratio
 * (in-process rate / HTTP rate) ≤ 1.3, printed PASS/MISS (never fails the run).
 *
 * Method: one API process on the api's test fixture (sqlite WAL + synchronous=FULL, audit trail,
 * demo CPTS, dev signer; no Matrix: transfers stay queued). autocannon runs in a child process so
 * that the load generator does not share the server's event loop (the in-process callers are
 * ordinary promises in the server's own loop). Each side makes the same number of transfers
 * (BENCH_TRANSFERS, default 150, per round) with the same concurrency — a fixed amount rather than
 * a fixed time, since under load one creation can take longer than a short round. Warm-up, then
 * BENCH_ROUNDS (default 5) rounds alternating in-process and HTTP so that drifts in the machine's
 * load hit both; the median round is reported with the spread, the target is on the median of the
 * paired rounds' ratios, and the server process's CPU time per transfer is printed beside it (it
 * does not grow when other processes take the CPU). Checks: every HTTP answer is 201,
 * and the transfers table grew by exactly the number of transfers made.
 *
 *   node bench/api.ts          (or `npm run bench -- api`)
 *   BENCH_CONNECTIONS=50 BENCH_TRANSFERS=150 BENCH_ROUNDS=5
 */
import { execFile } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { promisify } from "node:util";
import { openApiFixture, demo } from "../test/integration/api/fixture.ts";
import { exampleSheet } from "../test/helpers/sheets.ts";
import { busyness, describeBusyness } from "./lib/machine.ts";
import { fmt, fmtRatio, printTable, target, writeResults } from "./lib/report.ts";
import { envNumber, median } from "./lib/timing.ts";

const CONNECTIONS = Math.round(envNumber("BENCH_CONNECTIONS", 50));
const TRANSFERS = Math.round(envNumber("BENCH_TRANSFERS", 150));
const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 5));
const TARGET_RATIO = 1.3;
const AUTOCANNON = path.resolve(import.meta.dirname, "../node_modules/autocannon/autocannon.js");
const run = promisify(execFile);

interface Round {
  readonly rate: number;
  readonly p50: number;
  readonly p99: number;
  readonly count: number;
  /** CPU time of this (the server's) process per transfer, ms: insensitive to other processes' load. */
  readonly cpuMs?: number;
}

/** Runs a round and adds the process's CPU time per transfer. */
async function withCpu(f: () => Promise<Round>): Promise<Round> {
  const cpu = process.cpuUsage();
  const r = await f();
  const { user, system } = process.cpuUsage(cpu);
  return { ...r, cpuMs: (user + system) / 1000 / r.count };
}

const quantile = (sorted: readonly number[], q: number): number =>
  sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? Number.NaN;

/** `concurrency` callers, each awaiting `fn` back to back, until `amount` calls have been made. */
async function inProcess(fn: () => Promise<unknown>, concurrency: number, amount: number): Promise<Round> {
  const latencies: number[] = [];
  let started = 0;
  const start = performance.now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (started < amount) {
        started++;
        const t = performance.now();
        await fn();
        latencies.push(performance.now() - t);
      }
    }),
  );
  const elapsed = performance.now() - start;
  latencies.sort((a, b) => a - b);
  return {
    rate: (latencies.length * 1000) / elapsed,
    p50: quantile(latencies, 0.5),
    p99: quantile(latencies, 0.99),
    count: latencies.length,
  };
}

interface AutocannonResult {
  readonly start: string;
  readonly finish: string;
  readonly "2xx": number;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly latency: { readonly p50: number; readonly p99: number };
}

/** autocannon in a child process: POST the body file with the token, `connections` at once. */
async function overHttp(url: string, token: string, bodyFile: string, amount: number): Promise<Round> {
  const { stdout } = await run(
    process.execPath,
    [
      AUTOCANNON,
      "--json",
      "-c",
      String(CONNECTIONS),
      "-a",
      String(amount),
      "-t",
      "60",
      "-m",
      "POST",
      "-H",
      `authorization=Bearer ${token}`,
      "-H",
      "content-type=application/json",
      "-i",
      bodyFile,
      url,
    ],
    { maxBuffer: 64 * 1024 * 1024 },
  );
  const r = JSON.parse(stdout) as AutocannonResult;
  if (r.non2xx > 0 || r.errors > 0 || r.timeouts > 0) {
    throw new Error(
      `bench output check failed: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
    );
  }
  const seconds = (Date.parse(r.finish) - Date.parse(r.start)) / 1000;
  return { rate: r["2xx"] / seconds, p50: r.latency.p50, p99: r.latency.p99, count: r["2xx"] };
}

const summary = (rounds: readonly Round[]) => ({
  rate: median(rounds.map((r) => r.rate)),
  min: Math.min(...rounds.map((r) => r.rate)),
  max: Math.max(...rounds.map((r) => r.rate)),
  p50: median(rounds.map((r) => r.p50)),
  p99: median(rounds.map((r) => r.p99)),
  cpuMs: median(rounds.map((r) => r.cpuMs ?? Number.NaN)),
});

async function main(): Promise<void> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "passerelle-bench-api-"));
  const fx = await openApiFixture(dir, { env: { PASSERELLE_HTTP_RATE_LIMIT: "1000000" } });
  try {
    const sender = demo("dr.berard");
    const body = { sheet: exampleSheet("discharge"), to: [demo("dr.martin").rpps] };
    const bodyFile = path.join(dir, "body.json");
    await writeFile(bodyFile, JSON.stringify(body));
    const token = await fx.token(sender.localpart, "sender", 3600);
    const url = `${fx.api}/transfers`;
    const create = () =>
      fx.services.createTransfer({ sheet: body.sheet, to: body.to, actor: `rpps:${sender.rpps}` });
    const count = async (): Promise<number> =>
      Number(
        ((await fx.services.db.knex("transfers").count({ n: "*" }).first()) as { n: number | string }).n,
      );

    const before = busyness();
    console.log(
      `POST /api/v1/transfers vs createTransfer: ${CONNECTIONS} concurrent, ${ROUNDS} rounds of ${TRANSFERS}`,
    );
    console.log(`machine: ${os.availableParallelism()} cores; ${describeBusyness(before)}`);
    /** Requests still in flight when autocannon stops complete on the server: wait for them. */
    const settle = async (): Promise<void> => {
      let last = await count();
      for (;;) {
        await new Promise((r) => setTimeout(r, 500));
        const now = await count();
        if (now === last) return;
        last = now;
      }
    };
    await inProcess(create, CONNECTIONS, CONNECTIONS);
    await overHttp(url, token, bodyFile, CONNECTIONS);
    await settle();
    const rows0 = await count();
    const direct: Round[] = [];
    const http: Round[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      direct.push(await withCpu(() => inProcess(create, CONNECTIONS, TRANSFERS)));
      http.push(
        await withCpu(async () => {
          const r = await overHttp(url, token, bodyFile, TRANSFERS);
          await settle();
          return r;
        }),
      );
    }
    const made = [...direct, ...http].reduce((n, r) => n + r.count, 0);
    const stored = (await count()) - rows0;
    if (stored !== made || made !== 2 * ROUNDS * TRANSFERS) {
      throw new Error(`bench output check failed: ${made} transfers reported, ${stored} stored`);
    }
    const d = summary(direct);
    const h = summary(http);
    // Rounds are paired (in-process then HTTP, back to back): the median of the pairs' ratios
    // resists a load swing better than the ratio of the medians.
    const ratio = median(direct.map((r, i) => r.rate / (http[i]?.rate ?? Number.NaN)));
    const cpuRatio = median(direct.map((r, i) => (http[i]?.cpuMs ?? Number.NaN) / (r.cpuMs ?? Number.NaN)));
    printTable(
      [
        { header: "variant" },
        { header: "transfers/s", align: "right" },
        { header: "spread", align: "right" },
        { header: "p50", align: "right" },
        { header: "p99", align: "right" },
        { header: "CPU/transfer", align: "right" },
      ],
      [
        [
          "createTransfer in-process",
          fmt(d.rate),
          `${fmt(d.min)}–${fmt(d.max)}`,
          `${fmt(d.p50)} ms`,
          `${fmt(d.p99)} ms`,
          `${fmt(d.cpuMs)} ms`,
        ],
        [
          "POST /api/v1/transfers",
          fmt(h.rate),
          `${fmt(h.min)}–${fmt(h.max)}`,
          `${fmt(h.p50)} ms`,
          `${fmt(h.p99)} ms`,
          `${fmt(h.cpuMs)} ms`,
        ],
      ],
    );
    console.log(`checked: every HTTP answer 201; ${stored} transfers stored for ${made} reported`);
    console.log(
      `per round (in-process/HTTP rate): ${direct.map((r, i) => fmtRatio(r.rate / (http[i]?.rate ?? Number.NaN))).join(" ")}; ` +
        `server CPU per transfer, HTTP/in-process: ${fmtRatio(cpuRatio)} (insensitive to other processes' load)`,
    );
    console.log(
      target(ratio <= TARGET_RATIO, `HTTP overhead ratio ${fmtRatio(ratio)} (target ≤ ${TARGET_RATIO}×)`),
    );
    const file = await writeResults("api", {
      connections: CONNECTIONS,
      transfers: TRANSFERS,
      rounds: { direct, http },
      direct: d,
      http: h,
      ratio,
      cpuRatio,
      machine: { before, after: busyness() },
    });
    console.log(`results: ${file}`);
  } finally {
    await fx.close();
    await rm(dir, { recursive: true, force: true });
  }
}

await main();
