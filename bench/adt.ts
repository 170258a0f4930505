/**
 * ADT feed benchmark:
 * - ADT messages accepted per second on ONE MLLP connection (each stored durably — sqlite WAL,
 *   synchronous=FULL — with its audit entry, then ACKed AA; the sender waits for each ACK, as MLLP
 *   senders do), against a baseline in the same run: the same connection and parsing answering AA
 *   without storing anything (the protocol's own cost);
 * - time from the ACK to the notice decrypted by a circle member on a real Synapse (p50/p95),
 *   through the processor, createTransfer (render + sign), the outbox worker and Matrix.
 * The measurements live in bench/lib/adt-run.ts, shared with bench/documents.ts.
 *
 *   node bench/adt.ts      (or `npm run bench -- adt`)
 * Environment: BENCH_ADT_N (messages per round, 1000), BENCH_ROUNDS (3), BENCH_ADT_LATENCY_N (20),
 * BENCH_ADT_SKIP_MATRIX=1 (no homeserver part).
 */
import { adtNoticeLatency, adtThroughput, nearestRank } from "./lib/adt-run.ts";
import { openLatencyRig } from "./lib/latency-rig.ts";
import { fmt, writeResults } from "./lib/report.ts";
import { envNumber } from "./lib/timing.ts";

const N = Math.round(envNumber("BENCH_ADT_N", 1000));
const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 3));
const LATENCY_N = Math.round(envNumber("BENCH_ADT_LATENCY_N", 20));
const SKIP_MATRIX = process.env.BENCH_ADT_SKIP_MATRIX === "1";

async function latency(): Promise<Record<string, number>> {
  const rig = await openLatencyRig();
  const times: number[] = [];
  try {
    for (let i = 0; i <= LATENCY_N; i++) {
      const ms = await adtNoticeLatency(rig, i);
      if (i > 0) times.push(ms); // the first one creates the room
    }
  } finally {
    await rig.close();
  }
  const p50 = nearestRank(times, 0.5);
  const p95 = nearestRank(times, 0.95);
  console.log(
    `ACK → notice decrypted by a circle member (${times.length} notices, room existing): p50 ${fmt(p50)} ms, p95 ${fmt(p95)} ms`,
  );
  return { p50Ms: p50, p95Ms: p95, n: times.length };
}

const results: Record<string, unknown> = { throughput: await adtThroughput(N, ROUNDS) };
if (!SKIP_MATRIX) results.latency = await latency();
console.log(`results: ${await writeResults("adt", results)}`);
