/**
 * ADT feed benchmark:
 * - ADT messages accepted per second on ONE MLLP connection (each stored durably — sqlite WAL,
 *   synchronous=FULL — with its audit entry, then ACKed AA; the sender waits for each ACK, as MLLP
 *   senders do), against a baseline in the same run: the same connection and parsing answering AA
 *   without storing anything (the protocol's own cost);
 * - time from the ACK to the notice decrypted by a circle member on a real Synapse (p50/p95),
 *   through the processor, createTransfer (render + sign), the outbox worker and Matrix.
 *
 *   node bench/adt.ts      (or `npm run bench -- adt`)
 * Environment: BENCH_ADT_N (messages per round, 1000), BENCH_ROUNDS (3), BENCH_ADT_LATENCY_N (20),
 * BENCH_ADT_SKIP_MATRIX=1 (no homeserver part).
 */
import net from "node:net";
import path from "node:path";
import { Hl7Message } from "@medplum/core";
import { Hl7Client, Hl7Connection } from "@medplum/hl7";
import type { Hl7MessageEvent } from "@medplum/hl7";
import { AdtProcessor, ackCode, parseAdt, parseEr7, startMllpListener } from "../src/adt/index.ts";
import { CircleService } from "../src/circles/index.ts";
import { openHub, SHEET_KEY } from "../src/matrix/index.ts";
import type { SheetData } from "../src/matrix/index.ts";
import { OutboxWorker } from "../src/transfers/index.ts";
import { adtMessage, insOf } from "../test/helpers/adt.ts";
import { tempDir, waitFor } from "../test/helpers/tmp.ts";
import { startTestHomeserver, waitForEvent } from "../test/integration/synapse/harness.ts";
import { addRecipients, openFixture } from "../test/helpers/transfers-fixture.ts";
import { autoJoin } from "../test/helpers/matrix-recipient.ts";
import { fmt, fmtRatio, printTable, writeResults } from "./lib/report.ts";
import { envNumber, median } from "./lib/timing.ts";

const N = Math.round(envNumber("BENCH_ADT_N", 1000));
const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 3));
const LATENCY_N = Math.round(envNumber("BENCH_ADT_LATENCY_N", 20));
const SKIP_MATRIX = process.env.BENCH_ADT_SKIP_MATRIX === "1";

const messages = (round: number): Hl7Message[] =>
  Array.from({ length: N }, (_, i) =>
    Hl7Message.parse(
      adtMessage({
        trigger: "A01",
        controlId: `B${round}-${i}`,
        ins: insOf(i % 100),
        visit: `V${round}-${i}`,
      }),
    ),
  );

/** Sends `msgs` one after another on one connection, each awaited; returns messages per second. */
async function sendAll(port: number, msgs: readonly Hl7Message[]): Promise<number> {
  const client = new Hl7Client({ host: "127.0.0.1", port });
  const t0 = performance.now();
  for (const m of msgs) {
    const a = ackCode(await client.sendAndWait(m, { timeoutMs: 10_000 }));
    if (a.code !== "AA") throw new Error(`unexpected ${a.code}`);
  }
  const rate = msgs.length / ((performance.now() - t0) / 1000);
  await client.close();
  return rate;
}

/** Baseline: MLLP framing + parsing + AA, nothing stored. */
async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
  const server = net.createServer((socket) => {
    const conn = new Hl7Connection(socket);
    conn.addEventListener("message", (ev: Hl7MessageEvent) => {
      const m = parseEr7(ev.message.toString());
      if (m !== undefined) parseAdt(m);
      conn.send(ev.message.buildAck({ ackCode: "AA" }));
    });
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    port: (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise<void>((r) =>
        server.close(() => {
          r();
        }),
      ),
  };
}

async function throughput(): Promise<Record<string, number>> {
  const tmp = await tempDir("passerelle-bench-adt-");
  const f = await openFixture(tmp.dir);
  const listener = await startMllpListener(f.deps, { port: 0 });
  const echo = await echoServer();
  const stored: number[] = [];
  const bare: number[] = [];
  try {
    await sendAll(listener.port, messages(-1).slice(0, 100)); // warm-up
    for (let r = 0; r < ROUNDS; r++) {
      bare.push(await sendAll(echo.port, messages(r)));
      stored.push(await sendAll(listener.port, messages(r)));
    }
  } finally {
    await listener.close();
    await echo.close();
    await f.close();
    await tmp.cleanup();
  }
  const s = median(stored);
  const b = median(bare);
  printTable(
    [
      { header: "one MLLP connection" },
      { header: "msg/s", align: "right" },
      { header: "ms/msg", align: "right" },
    ],
    [
      ["stored + audited, then AA (Passerelle)", fmt(s), fmt(1000 / s)],
      ["parsed, AA, nothing stored (baseline)", fmt(b), fmt(1000 / b)],
    ],
  );
  console.log(
    `durable intake at ${fmtRatio(s / b)} of the bare protocol rate (median of ${ROUNDS} rounds of ${N})`,
  );
  return { storedPerSecond: s, barePerSecond: b, ratio: s / b };
}

async function latency(): Promise<Record<string, number>> {
  const server = await startTestHomeserver();
  const tmp = await tempDir("passerelle-bench-adt-matrix-");
  const f = await openFixture(tmp.dir);
  const [hubUser, alice] = await Promise.all([server.user("passerelle"), server.user("alice")]);
  const hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    ...hubUser,
    dataDir: path.join(tmp.dir, "hub"),
  });
  const client = await server.client(alice);
  autoJoin(client);
  const [rpps] = await addRecipients(f, [alice.userId]);
  const ins = insOf(7);
  await new CircleService(f.deps).join({ ins, rpps: rpps!, source: "cli" }, "cli:bench");
  const worker = new OutboxWorker(f.deps, hub.transport, { pollMs: 50 });
  const processor = new AdtProcessor(f.deps, { pollMs: 50, letterCheckMs: 3_600_000 });
  worker.start();
  processor.start();
  const listener = await startMllpListener(f.deps, {
    port: 0,
    onAccepted: () => {
      processor.poke();
    },
  });
  const mllp = new Hl7Client({ host: "127.0.0.1", port: listener.port });
  const times: number[] = [];
  try {
    for (let i = 0; i <= LATENCY_N; i++) {
      const controlId = `LAT${i}`;
      await mllp.sendAndWait(
        Hl7Message.parse(adtMessage({ trigger: "A01", controlId, ins, visit: `L${i}` })),
      );
      const acked = performance.now();
      const id = (
        await f.db
          .knex<{ id: number; control_id: string }>("adt_messages")
          .where({ control_id: controlId })
          .first("id")
      )?.id;
      const t = await waitFor(
        "notice sent",
        async () =>
          (await f.db
            .knex<{ id: string; room_id: string | null; sheet_id: string }>("transfers")
            .where({ id: `adt-${String(id)}-notice` })
            .whereNotNull("room_id")
            .first()) ?? undefined,
        60_000,
        10,
      );
      await waitForEvent(
        client,
        t.room_id!,
        "m.room.message",
        60_000,
        (e) => (e.getContent()[SHEET_KEY] as SheetData | undefined)?.sheet_id === t.sheet_id,
      );
      if (i > 0) times.push(performance.now() - acked); // the first one creates the room
    }
  } finally {
    await mllp.close();
    await listener.close();
    await processor.stop();
    await worker.stop();
    await hub.close();
    await f.close();
    await server.close();
    await tmp.cleanup();
  }
  const sorted = [...times].sort((a, b) => a - b);
  const p = (q: number): number => sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
  console.log(
    `ACK → notice decrypted by a circle member (${times.length} notices, room existing): p50 ${fmt(p(0.5))} ms, p95 ${fmt(p(0.95))} ms`,
  );
  return { p50Ms: p(0.5), p95Ms: p(0.95), n: times.length };
}

const results: Record<string, unknown> = { throughput: await throughput() };
if (!SKIP_MATRIX) results.latency = await latency();
console.log(`results: ${await writeResults("adt", results)}`);
