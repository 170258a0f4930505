/**
 * Delivery latency benchmark: from "create transfer" to "the recipient has
 * decrypted the attachment and verified it (signature + SHA-256)", p50/p95, with 1 and with
 * BENCH_DELIVERY_N (100) concurrent transfers, on a real local Synapse (DevHomeserver), against a
 * bare matrix-js-sdk client sending the same signed PDF (encrypted attachment + one event in an
 * encrypted room) measured in the same run, interleaved with Passerelle.
 *
 * Passerelle's latency is split into: createTransfer (validate, render, sign, store, audit; in the
 * worker-thread pool `serve` uses), queue wait (queued → the worker's send starts: claim, payload,
 * room), Matrix send (room guard, upload, the one sheet message) and receive (sent → the recipient has decrypted and verified the PDF).
 * Scenarios: the same context (one room, created during warm-up; the targets) and, with
 * BENCH_DELIVERY_CONTEXTS=1, a concurrent run with one new context per transfer (a new room each).
 *
 *   node bench/delivery.ts          (or `npm run bench -- delivery`)
 * Environment: BENCH_DELIVERY_N (100), BENCH_DELIVERY_SINGLE (20 sequential transfers),
 * BENCH_ROUNDS (2 concurrent rounds, after BENCH_DELIVERY_WARMUP unmeasured ones, default 1: a
 * service renders sheets all day, so its code is optimised and its layout caches are warm),
 * BENCH_DELIVERY_CONCURRENCY (the worker's, default its own),
 * BENCH_DELIVERY_POOL=0 (render and sign on the event loop instead of the service's thread pool),
 * BENCH_DELIVERY_THREADS (the pool's worker threads; default the pool's own: one core less than the
 * machine has).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { openHub } from "../src/matrix/index.ts";
import { SheetPool } from "../src/pdf/pool/index.ts";
import { OutboxWorker, TransferRepository } from "../src/transfers/index.ts";
import { tempDir } from "../test/helpers/tmp.ts";
import { startTestHomeserver } from "../test/integration/synapse/harness.ts";
import { addRecipients, openFixture } from "../test/helpers/transfers-fixture.ts";
import { autoJoin } from "../test/helpers/matrix-recipient.ts";
import { runScenarios, type Scenario } from "./lib/delivery-run.ts";
import { VerifyingRecipient } from "./lib/delivery-recipient.ts";
import { BareSender, TimingTransport } from "./lib/delivery-senders.ts";
import { busyness, describeBusyness } from "./lib/machine.ts";
import { envNumber } from "./lib/timing.ts";

const N = Math.round(envNumber("BENCH_DELIVERY_N", 100));
const SINGLE = Math.round(envNumber("BENCH_DELIVERY_SINGLE", 20));
const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 2));
const WARMUP = Math.round(envNumber("BENCH_DELIVERY_WARMUP", 1));
const CONCURRENCY = process.env.BENCH_DELIVERY_CONCURRENCY;
const CONTEXTS = process.env.BENCH_DELIVERY_CONTEXTS === "1";
/** Render and sign in the service's worker-thread pool, as `serve` does (0: on the event loop). */
const POOL = process.env.BENCH_DELIVERY_POOL !== "0";
/** The pool's worker threads (default: the pool's own, see `defaultPoolThreads`). */
const THREADS =
  process.env.BENCH_DELIVERY_THREADS === undefined ? undefined : Number(process.env.BENCH_DELIVERY_THREADS);

async function main(): Promise<void> {
  console.log(`delivery bench: ${describeBusyness(busyness())}`);
  const t = performance.now();
  const server = await startTestHomeserver();
  const tmp = await tempDir("passerelle-bench-delivery-");
  const f = await openFixture(tmp.dir);
  let stopWorker: (() => Promise<void>) | undefined;
  let closeHub: (() => Promise<void>) | undefined;
  const pool = POOL ? new SheetPool(THREADS) : undefined;
  try {
    const hubUser = await server.user("passerelle");
    const alice = await server.user("alice");
    const hub = await openHub({
      homeserverUrl: server.hs.baseUrl,
      userId: hubUser.userId,
      password: hubUser.password,
      dataDir: path.join(tmp.dir, "hub"),
    });
    closeHub = () => hub.close();
    const aliceClient = await server.client(alice);
    autoJoin(aliceClient);
    const recipient = new VerifyingRecipient(
      aliceClient,
      await readFile(path.join(tmp.dir, "pki", "ca.pem"), "utf8"),
    );
    const [rpps] = (await addRecipients(f, [alice.userId])) as [string];
    const transport = new TimingTransport(hub.transport);
    const worker = new OutboxWorker(f.deps, transport, {
      ...(CONCURRENCY === undefined ? {} : { concurrency: Number(CONCURRENCY) }),
      roomOrder: process.env.BENCH_DELIVERY_ROOM_ORDER !== "0",
      attemptTimeoutMs: 60_000,
    });
    worker.start();
    stopWorker = () => worker.stop();
    const bare = await BareSender.open(await server.client(await server.user("bare")), alice.userId);
    console.log(
      `set-up (Synapse, hub, recipient, bare room): ${((performance.now() - t) / 1000).toFixed(1)} s`,
    );

    const scenarios: Scenario[] = [
      { name: "1 at a time, same context", concurrent: 1, repeat: SINGLE, newContexts: false },
      {
        name: `${N} concurrent, same context`,
        concurrent: N,
        repeat: ROUNDS,
        warmup: WARMUP,
        newContexts: false,
      },
      ...(CONTEXTS
        ? [{ name: `${N} concurrent, a new context each`, concurrent: N, repeat: 1, newContexts: true }]
        : []),
    ];
    await runScenarios({
      deps: {
        ...f.deps,
        ...(pool === undefined ? {} : { sheets: pool }),
        onQueued: () => {
          worker.wake();
        },
      },
      rpps,
      recipient,
      bare,
      transport,
      repo: new TransferRepository(f.db.knex),
      scenarios,
      workerConcurrency: CONCURRENCY === undefined ? "default" : CONCURRENCY,
      homeserverPid: server.hs.pid,
      poolCpu: () => pool?.cpuSeconds() ?? Promise.resolve(0),
    });
    if (!(await f.trail.verify()).ok) throw new Error("audit chain does not verify after the bench");
  } finally {
    await stopWorker?.();
    await pool?.close();
    await closeHub?.();
    await f.close();
    await server.close();
    await tmp.cleanup();
  }
}

await main();
