/**
 * The ADT feed's figures (bench/adt.ts), shared with bench/documents.ts so both are measured in the
 * same run: messages accepted per second on ONE MLLP connection (stored durably with the audit
 * entry, then AA; the sender waits for each ACK) against the same connection answering AA without
 * storing, and the time from the ACK to the notice decrypted by a circle member on a real Synapse.
 */
import net from "node:net";
import { Hl7Message } from "@medplum/core";
import { Hl7Client, Hl7Connection } from "@medplum/hl7";
import type { Hl7MessageEvent } from "@medplum/hl7";
import { ackCode, parseAdt, parseEr7, startMllpListener } from "../../src/adt/index.ts";
import { adtMessage, insOf } from "../../test/helpers/adt.ts";
import { tempDir } from "../../test/helpers/tmp.ts";
import { openFixture } from "../../test/helpers/transfers-fixture.ts";
import type { LatencyRig } from "./latency-rig.ts";
import { fmt, fmtRatio, printTable } from "./report.ts";
import { median } from "./timing.ts";

export const adtMessages = (round: number | string, n: number): Hl7Message[] =>
  Array.from({ length: n }, (_, i) =>
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
export async function sendAll(port: number, msgs: readonly Hl7Message[]): Promise<number> {
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
export async function echoServer(): Promise<{ port: number; close: () => Promise<void> }> {
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

export interface AdtThroughput {
  readonly storedPerSecond: number;
  readonly barePerSecond: number;
  readonly ratio: number;
}

/** ADT throughput on one connection, median of `rounds` rounds of `n`, with its bare baseline. */
export async function adtThroughput(n: number, rounds: number): Promise<AdtThroughput> {
  const tmp = await tempDir("passerelle-bench-adt-");
  const f = await openFixture(tmp.dir);
  const listener = await startMllpListener(f.deps, { port: 0 });
  const echo = await echoServer();
  const stored: number[] = [];
  const bare: number[] = [];
  try {
    await sendAll(listener.port, adtMessages(-1, 100)); // warm-up
    for (let r = 0; r < rounds; r++) {
      bare.push(await sendAll(echo.port, adtMessages(r, n)));
      stored.push(await sendAll(listener.port, adtMessages(r, n)));
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
    `durable intake at ${fmtRatio(s / b)} of the bare protocol rate (median of ${rounds} rounds of ${n})`,
  );
  return { storedPerSecond: s, barePerSecond: b, ratio: s / b };
}

/** One ADT A01 for the rig's circle patient: ms from its ACK to the notice decrypted by the member. */
export async function adtNoticeLatency(rig: LatencyRig, i: number): Promise<number> {
  const controlId = `LAT${i}`;
  await rig.send(adtMessage({ trigger: "A01", controlId, ins: rig.circleIns, visit: `L${i}` }));
  const acked = performance.now();
  const id = (
    await rig.f.db
      .knex<{ id: number; control_id: string }>("adt_messages")
      .where({ control_id: controlId })
      .first("id")
  )?.id;
  await rig.delivered(`adt-${String(id)}-notice`);
  return performance.now() - acked;
}

/** The p-quantile of `values` as the ADT bench has always reported it (nearest rank below). */
export function nearestRank(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor(q * sorted.length))] ?? NaN;
}
