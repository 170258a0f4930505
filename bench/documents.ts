/**
 * Hospital documents benchmark, each figure as a ratio to the ADT feed's measured in the same run:
 * - documents accepted durably per second on ONE MLLP connection: MDM^T02 (CI-SIS « Transmission
 *   de document(s) CDA en HL7v2 ») with a ~100 KB CDA R2 (an N1 document whose nonXMLBody is a PDF),
 *   each parsed, stored byte for byte, audited, routed, rendered to a signed PDF and queued in the
 *   outbox in one transaction before its AA; the sender waits for each ACK. Rounds alternate with
 *   ADT A01 rounds on the same listener (bench/lib/adt-run.ts, as bench/adt.ts measures them);
 * - time from the ACK to the document decrypted by its recipient on a real Synapse (p50/p95),
 *   alternating with ADT A01 → notice decrypted by a circle member, on the same hub and connection.
 *
 *   node bench/documents.ts      (or `npm run bench -- documents`)
 * Environment: BENCH_DOC_N (documents per round, 100), BENCH_ADT_N (ADT messages per round, 300),
 * BENCH_ROUNDS (3), BENCH_DOC_LATENCY_N (20 of each), BENCH_DOC_KB (CDA size, 100),
 * BENCH_DOC_SKIP_MATRIX=1 (no homeserver part).
 */
import { startMllpListener } from "../src/adt/index.ts";
import { documentPdf, receiveDocument, type DocumentDeps } from "../src/documents/index.ts";
import { insOf } from "../test/helpers/adt.ts";
import { tinyPdf } from "../test/helpers/documents.ts";
import { bulkDocumentId, bulkMdm } from "../test/helpers/mdm-bulk.ts";
import { MllpSender } from "../test/helpers/mllp-sender.ts";
import { tempDir } from "../test/helpers/tmp.ts";
import { addRecipients, openFixture } from "../test/helpers/transfers-fixture.ts";
import { adtMessages, adtNoticeLatency, nearestRank, sendAll } from "./lib/adt-run.ts";
import { openLatencyRig } from "./lib/latency-rig.ts";
import { busyness, describeBusyness } from "./lib/machine.ts";
import { fmt, fmtRatio, printTable, writeResults } from "./lib/report.ts";
import { envNumber, median } from "./lib/timing.ts";

const DOC_N = Math.round(envNumber("BENCH_DOC_N", 100));
const ADT_N = Math.round(envNumber("BENCH_ADT_N", 300));
const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 3));
const LATENCY_N = Math.round(envNumber("BENCH_DOC_LATENCY_N", 20));
const CDA_KB = envNumber("BENCH_DOC_KB", 100);
const SKIP_MATRIX = process.env.BENCH_DOC_SKIP_MATRIX === "1";

// the N1 CDA carries its PDF in Base64 (4/3): a PDF of ~3/4 of the target makes a ~CDA_KB document
const PDF = tinyPdf("Compte rendu fictif", Math.max(0, Math.round((CDA_KB * 1024 * 3) / 4) - 3500));

const documents = (prefix: string, n: number, rpps: string): string[] =>
  Array.from({ length: n }, (_, i) =>
    bulkMdm({ n: i, prefix, controlId: `${prefix}-${i}`, ins: insOf(i % 20), rpps, pdf: PDF }),
  );

async function sendDocuments(port: number, msgs: readonly string[]): Promise<number> {
  const sender = await MllpSender.connect(port);
  const t0 = performance.now();
  for (const m of msgs) {
    const ack = await sender.send(m);
    if (!ack.includes("MSA|AA|"))
      throw new Error(`document not acknowledged AA: ${ack.replace(/\r/g, " / ")}`);
  }
  const rate = msgs.length / ((performance.now() - t0) / 1000);
  sender.close();
  return rate;
}

async function throughput(): Promise<Record<string, number>> {
  const tmp = await tempDir("passerelle-bench-documents-");
  const f = await openFixture(tmp.dir);
  const [rpps] = await addRecipients(f, ["@alice:bench.invalid"]);
  const deps: DocumentDeps = { ...f.deps, pdf: documentPdf(f.deps.signer, f.deps.clock) };
  const listener = await startMllpListener(f.deps, {
    port: 0,
    receiveDocument: (incoming) => receiveDocument(deps, incoming),
  });
  const cdaBytes = Buffer.from(
    Buffer.from(
      /OBX\|1\|ED\|[^|]*\|\|[^|]*/
        .exec(documents("SIZE", 1, rpps!)[0]!)![0]
        .split("^")
        .at(-1)!,
      "base64",
    ),
  ).length;
  const adt: number[] = [];
  const docs: number[] = [];
  try {
    await sendAll(listener.port, adtMessages("warm", 50));
    await sendDocuments(listener.port, documents("WARM", 10, rpps!));
    for (let r = 0; r < ROUNDS; r++) {
      adt.push(await sendAll(listener.port, adtMessages(r, ADT_N)));
      docs.push(await sendDocuments(listener.port, documents(`R${r}`, DOC_N, rpps!)));
    }
  } finally {
    await listener.close();
    await f.close();
    await tmp.cleanup();
  }
  const a = median(adt);
  const d = median(docs);
  printTable(
    [
      { header: `one MLLP connection, stored durably then AA (median of ${ROUNDS} rounds)` },
      { header: "per s", align: "right" },
      { header: "ms each", align: "right" },
    ],
    [
      [`ADT A01 (${ADT_N} a round)`, fmt(a), fmt(1000 / a)],
      [`MDM^T02, CDA of ${fmt(cdaBytes / 1024)} KB (${DOC_N} a round)`, fmt(d), fmt(1000 / d)],
    ],
  );
  console.log(`documents/s ÷ ADT messages/s: ${fmtRatio(d / a)}`);
  return { adtPerSecond: a, documentsPerSecond: d, ratio: d / a, cdaBytes };
}

async function latency(): Promise<Record<string, number>> {
  const rig = await openLatencyRig();
  const adt: number[] = [];
  const docs: number[] = [];
  try {
    for (let i = 0; i <= LATENCY_N; i++) {
      const a = await adtNoticeLatency(rig, i);
      const msg = bulkMdm({
        n: i,
        prefix: "LAT",
        controlId: `DLAT${i}`,
        ins: insOf(9),
        rpps: rig.rpps,
        pdf: PDF,
      });
      await rig.send(msg);
      const acked = performance.now();
      const row = await rig.f.db
        .knex("documents")
        .where("document_id", bulkDocumentId({ n: i, prefix: "LAT" }))
        .first<{ transfer_id: string | null } | undefined>("transfer_id");
      if (row?.transfer_id == null) throw new Error("document not queued for its recipient");
      await rig.delivered(row.transfer_id);
      const d = performance.now() - acked;
      if (i > 0) {
        // the first of each creates its room
        adt.push(a);
        docs.push(d);
      }
    }
  } finally {
    await rig.close();
  }
  const r = (xs: number[], q: number): number => nearestRank(xs, q);
  printTable(
    [
      { header: `ACK → decrypted by the recipient (${adt.length} each, rooms existing)` },
      { header: "p50 ms", align: "right" },
      { header: "p95 ms", align: "right" },
    ],
    [
      ["ADT A01 → notice (circle member)", fmt(r(adt, 0.5)), fmt(r(adt, 0.95))],
      ["MDM^T02 → document (PRT RCT recipient)", fmt(r(docs, 0.5)), fmt(r(docs, 0.95))],
    ],
  );
  console.log(
    `document latency ÷ ADT notice latency: p50 ${fmtRatio(r(docs, 0.5) / r(adt, 0.5))}, p95 ${fmtRatio(r(docs, 0.95) / r(adt, 0.95))}`,
  );
  return {
    adtP50Ms: r(adt, 0.5),
    adtP95Ms: r(adt, 0.95),
    documentP50Ms: r(docs, 0.5),
    documentP95Ms: r(docs, 0.95),
    p50Ratio: r(docs, 0.5) / r(adt, 0.5),
    p95Ratio: r(docs, 0.95) / r(adt, 0.95),
    n: adt.length,
  };
}

const before = busyness();
console.log(`machine before: ${describeBusyness(before)}`);
const results: Record<string, unknown> = { before, throughput: await throughput() };
if (!SKIP_MATRIX) results.latency = await latency();
results.after = busyness();
console.log(`machine after: ${describeBusyness(busyness())}`);
console.log(`results: ${await writeResults("documents", results)}`);
