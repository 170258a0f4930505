/**
 * Sheet benchmark: sheets rendered + signed per second for the example discharge
 * sheet — Passerelle's pipeline against the stock pdfkit + @signpdf pipeline, rendering alone, and
 * `openssl speed rsa2048` — single-threaded and with a worker pool over all cores.
 *
 * Method: every variant's output is checked once (a valid signed PDF, or a valid unsigned one for
 * rendering alone). Each variant then gets its own worker isolates: one for the single-thread run,
 * BENCH_WORKERS for the pool (the same code in the same kind of isolate, no variant shaping
 * another's optimised code). Each is warmed up (≥ BENCH_WARMUP_SECONDS, default 3, and ≥
 * BENCH_WARMUP_CALLS, default 300, within 10 × the seconds, so that V8's optimising compilers have settled: they run on helper threads that compete with a full pool), then measured
 * for BENCH_SECONDS (default 3) in each of BENCH_ROUNDS (default 3) rounds; within a round the
 * variants follow each other (a, then a in the pool, b, b in the pool, …), so slow drifts of the
 * machine's other load hit them all alike. The median round is reported with the spread, next to
 * the CPU time per call and the cores a run actually got, which tell a slow variant from a starved
 * one, and for (a) the CPU of V8's helper threads beside the JavaScript threads. No GC is forced
 * (see lib/timing.ts). Targets print PASS/MISS and never fail the run.
 *
 *   node bench/sheets.ts        (or `npm run bench`, which runs every bench)
 *   BENCH_SECONDS=1 BENCH_ROUNDS=1 node bench/sheets.ts     (quick look, ~40 s)
 *   BENCH_WORKERS=N                                          (pool size; default: all cores)
 */
import { X509Certificate, createHash, randomBytes, verify as cryptoVerify } from "node:crypto";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pdfkitAddPlaceholder } from "@signpdf/placeholder-pdfkit";
import forge from "node-forge";
import { SignPdf } from "@signpdf/signpdf";
import { P12Signer as StockP12Signer } from "@signpdf/signer-p12";
import { systemClock } from "../src/core/index.ts";
import type { ValidatedSheet } from "../src/forms/index.ts";
import {
  EMBEDDED_DATA_NAME,
  createDevPki,
  extractEmbeddedFiles,
  renderSheet,
  verifyPdf,
} from "../src/pdf/index.ts";
import { extractSignature } from "../src/pdf/verify/verify-locate.ts";
import { OID } from "../src/pdf/verify/oids.ts";
import { loadCertificate, readSignedData } from "../src/pdf/verify/verify-read.ts";
import { busyness, describeBusyness } from "./lib/machine.ts";
import { opensslRsa2048 } from "./lib/openssl.ts";
import { pairedRatio, type PairedRatio, type Slice } from "./lib/paired.ts";
import { BenchPool, poolRate } from "./lib/pool.ts";
import { threadCpu, threadCpuSince, type ThreadCpu } from "./lib/threads.ts";
import { fmt, fmtRatio, msPerOp, printTable, target, writeResults } from "./lib/report.ts";
import { envNumber, median, runFor, warmUp, type Sample } from "./lib/timing.ts";
import {
  VARIANT_IDS,
  createSheetVariants,
  type SheetBenchSetup,
  type Variant,
  type VariantId,
} from "./sheets-worker.ts";

const SECONDS = envNumber("BENCH_SECONDS", 3);
const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 3));
const WARMUP_SECONDS = envNumber("BENCH_WARMUP_SECONDS", 3);
/**
 * Warm-up also lasts at least this many calls per worker (within 10 × BENCH_WARMUP_SECONDS): V8 was
 * seen still compiling pdfkit's and fontkit's hot functions for the first ~300 sheets.
 */
const WARMUP_CALLS = Math.round(envNumber("BENCH_WARMUP_CALLS", 300));
const POOL_SIZE = Math.round(envNumber("BENCH_WORKERS", os.availableParallelism()));
/** Paired runs behind the targets (lib/paired.ts): this many pairs of BENCH_PAIR_SECONDS each. */
const PAIRS = Math.round(envNumber("BENCH_PAIRS", 18));
/** Pause before each phase of paired runs, after its isolates ran again (see there). */
const SETTLE_SECONDS = envNumber("BENCH_SETTLE_SECONDS", 2);
/** Sets of isolates (a, c, a's pool) the pairs are spread over, round robin. */
const ISOLATE_SETS = Math.round(envNumber("BENCH_ISOLATE_SETS", 3));
const PAIR_SECONDS = envNumber("BENCH_PAIR_SECONDS", 1);
/** Measured single-threaded (all) and in the pool (the four the targets are about). */
const SINGLE: readonly VariantId[] = VARIANT_IDS;
const POOLED: readonly VariantId[] = ["a", "b", "b'", "c"];

const TARGETS = { abSingle: 6, ac: 0.87, scaling: 1.8, scalingCores: 2 } as const;

interface Measured {
  readonly rounds: number[];
  readonly median: number;
  readonly min: number;
  readonly max: number;
}

const summarize = (rounds: number[]): Measured => ({
  rounds,
  median: median(rounds),
  min: Math.min(...rounds),
  max: Math.max(...rounds),
});

// ---------------------------------------------------------------------------------------------
// Output checks: the bench must not measure something broken.

function assertCheck(ok: boolean, what: string): asserts ok {
  if (!ok) throw new Error(`bench output check failed: ${what}`);
}

/** Unsigned sheet: a complete PDF with its data attachment and no signature. */
function checkUnsigned(id: VariantId, pdf: Uint8Array): string {
  const buf = Buffer.from(pdf);
  assertCheck(buf.subarray(0, 5).toString("latin1") === "%PDF-", `${id}: no %PDF- header`);
  assertCheck(buf.subarray(-32).toString("latin1").includes("%%EOF"), `${id}: no %%EOF at the end`);
  assertCheck(!buf.includes("/ByteRange"), `${id}: unexpected signature dictionary`);
  assertCheck(
    extractEmbeddedFiles(buf).some((f) => f.name === EMBEDDED_DATA_NAME),
    `${id}: embedded sheet data missing`,
  );
  return `unsigned PDF, ${String(buf.length)} bytes, embedded ${EMBEDDED_DATA_NAME} present`;
}

/** Passerelle's output: our verifier must call it valid (signature, whole-file ByteRange, trusted chain). */
async function checkOurs(id: VariantId, pdf: Uint8Array, caPem: string): Promise<string> {
  const report = await verifyPdf(pdf, { trustedCas: [caPem] });
  assertCheck(
    report.valid,
    `${id}: verifyPdf says invalid: ${report.issues.map((i) => `${i.code} (${i.message})`).join("; ")}`,
  );
  return `verifyPdf: valid (${report.subFilter ?? "?"}, whole file signed, chain trusted), ${String(pdf.length)} bytes`;
}

/**
 * The stock pipeline's output, checked by hand: /ByteRange over the whole file but the /Contents
 * gap, a non-zero /Contents holding a CMS whose messageDigest is the SHA-256 of the signed ranges
 * and whose RSA signature over the signed attributes verifies with the signer's key.
 */
function checkStock(id: VariantId, pdf: Uint8Array, signerCertDer: Buffer, notes: Set<string>): string {
  const buf = Buffer.from(pdf);
  assertCheck(buf.includes("/ByteRange"), `${id}: no /ByteRange`);
  const { byteRange, cmsDer } = extractSignature(buf);
  const [s0, l0, s1, l1] = byteRange;
  assertCheck(
    byteRange.length === 4 && s0 === 0 && s1 !== undefined && l1 !== undefined && s1 + l1 === buf.length,
    `${id}: /ByteRange ${JSON.stringify(byteRange)} does not cover the file`,
  );
  assertCheck(cmsDer.length > 0 && cmsDer.some((b) => b !== 0), `${id}: /Contents is empty or all zeros`);
  const cms = readSignedData(cmsDer);
  const [info] = cms.signedData.signerInfos;
  const signedAttributes = info?.signedAttrs?.encodedValue;
  assertCheck(info !== undefined && signedAttributes !== undefined, `${id}: CMS has no signed attributes`);
  const digest = createHash("sha256")
    .update(buf.subarray(0, l0))
    .update(buf.subarray(s1, s1 + l1))
    .digest();
  const md = info.signedAttrs?.attributes.find((a) => a.type === OID.messageDigest)?.values[0];
  assertCheck(
    md !== undefined && Buffer.from(md.valueBeforeDecodeView).subarray(-32).equals(digest),
    `${id}: messageDigest is not the SHA-256 of the ByteRange`,
  );
  const cert = new X509Certificate(signerCertDer);
  assertCheck(
    cryptoVerify(
      "sha256",
      new Uint8Array(signedAttributes),
      cert.publicKey,
      info.signature.valueBlock.valueHexView,
    ),
    `${id}: the RSA signature does not verify with the signer's certificate`,
  );
  const leaf = loadCertificate(signerCertDer);
  const sidIssuer = (info.sid as { issuer?: { valueBeforeDecode: ArrayBuffer } }).issuer?.valueBeforeDecode;
  if (sidIssuer && !Buffer.from(sidIssuer).equals(Buffer.from(leaf.cert.issuer.valueBeforeDecode))) {
    notes.add(
      "the stock CMS (forge PKCS#7) names the signer by an issuer DN that is not byte-identical to the " +
        "certificate's: forge re-encodes the UTF8String CA name and double-encodes its non-ASCII '–'. " +
        "`openssl cms -verify` and our verifyPdf then report the signer certificate as not found; the " +
        "messageDigest and RSA signature themselves are correct (checked here). Speed is unaffected.",
    );
  }
  return `signed PDF, ${String(buf.length)} bytes: /ByteRange covers the file, /Contents non-zero, messageDigest and RSA signature verify (${String(cms.certificates.length)} certs)`;
}

/** Whether one @signpdf P12Signer instance can sign twice (the issue says it cannot). */
async function stockSignerReuse(sheet: ValidatedSheet, p12: Buffer, passphrase: string): Promise<string> {
  const pdf = await renderSheet(sheet.form, sheet.data, {
    clock: systemClock,
    sheetId: "reuse-check",
    beforeEnd: (doc) => {
      pdfkitAddPlaceholder({
        pdf: doc,
        pdfBuffer: Buffer.alloc(0),
        reason: "reuse check",
        contactInfo: "",
        name: "",
        location: "",
      });
    },
  });
  const signpdf = new SignPdf();
  const instance = new StockP12Signer(p12, { passphrase });
  await signpdf.sign(pdf, instance);
  try {
    await signpdf.sign(pdf, instance);
    return "a second sign() on one instance works; the bench still creates one per sheet, as its docs do";
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    return (
      `a second sign() on one instance fails ("${message}"): sign() parses the P12 from a forge ` +
      "buffer that the first parse consumed — so a new instance per sheet, as its docs show"
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Stock signing, profiled: where its time goes (one-off timings, not interleaved).

async function profileStockSigning(p12: Buffer, passphrase: string): Promise<Record<string, number>> {
  const parse = (): forge.pkcs12.Pkcs12Pfx =>
    forge.pkcs12.pkcs12FromAsn1(
      forge.asn1.fromDer(forge.util.createBuffer(p12.toString("binary"))),
      false,
      passphrase,
    );
  const key = parse()
    .safeContents.flatMap((sc) => sc.safeBags)
    .find((b) => b.type === forge.pki.oids.pkcs8ShroudedKeyBag)?.key;
  if (key === undefined) throw new Error("profile: no key in the P12");
  const attrs = randomBytes(200).toString("binary");
  const timed = async (fn: () => unknown): Promise<number> => {
    const run = (): Promise<void> => {
      fn();
      return Promise.resolve();
    };
    await warmUp(run, 0.5);
    return (await runFor(run, 1)).rate;
  };
  return {
    "forge P12 parse (PKCS#12 MAC + PBES2 key decryption, pure JS)": await timed(parse),
    "forge RSA-2048 sign (pure JS)": await timed(() => {
      const md = forge.md.sha256.create();
      md.update(attrs);
      return key.sign(md);
    }),
  };
}

// ---------------------------------------------------------------------------------------------

function variant(variants: ReadonlyMap<VariantId, Variant>, id: VariantId): Variant {
  const v = variants.get(id);
  if (v === undefined) throw new Error(`no variant ${id}`);
  return v;
}

async function main(): Promise<void> {
  const t0 = performance.now();
  const startedAt = new Date().toISOString();
  const cores = os.availableParallelism();
  const cpu = os.cpus()[0]?.model ?? "unknown CPU";
  const before = busyness();
  console.log("# Sheets benchmark: example discharge sheet (liaison-forms/examples/discharge.json)");
  console.log(`node ${process.version}, ${cpu}, ${String(cores)} cores; before: ${describeBusyness(before)}`);
  console.log(
    `method: output checked once per variant; warm-up ≥ ${String(WARMUP_SECONDS)} s and ≥ ${String(WARMUP_CALLS)} calls ` +
      `(at most ${String(WARMUP_SECONDS * 10)} s) each; then ${String(ROUNDS)} ` +
      `rounds of ${String(SECONDS)} s per variant, variants interleaved, single thread and pool alternating ` +
      "(BENCH_SECONDS, BENCH_ROUNDS, BENCH_WORKERS); median round reported; each variant in its own worker " +
      `isolates; V8 flags: ${process.execArgv.filter((a) => a.startsWith("--")).join(" ") || "none"}`,
  );

  const tmp = await mkdtemp(path.join(os.tmpdir(), "passerelle-bench-"));
  try {
    const passphrase = randomBytes(12).toString("hex");
    const pki = await createDevPki({
      outDir: tmp,
      passphrase,
      organisation: "CH Bench (fictif)",
      finess: "699990016",
    });
    const p12 = await readFile(pki.signerP12Path);
    const setup: SheetBenchSetup = { p12, passphrase };
    const { sheet, rsaInput, variants } = await createSheetVariants(setup);
    const signerCert = new X509Certificate(pki.signerCertPem);

    // -- checks ---------------------------------------------------------------------------------
    console.log("\n## Output checks (each variant once, before timing)");
    const notes = new Set<string>();
    const checks: Record<string, string> = {};
    for (const id of SINGLE) {
      const out = await variant(variants, id).run();
      let summary: string;
      switch (id) {
        case "a":
        case "our-sign":
          summary = await checkOurs(id, out, pki.caCertPem);
          break;
        case "b":
        case "b'":
        case "stock-sign":
          summary = checkStock(id, out, signerCert.raw, notes);
          break;
        case "c":
        case "stock-render":
          summary = checkUnsigned(id, out);
          break;
        case "rsa-sign":
          assertCheck(
            cryptoVerify("sha256", rsaInput, signerCert.publicKey, out),
            "rsa-sign: signature does not verify",
          );
          summary = `${String(out.length)}-byte RSA signature, verifies with the signer's certificate`;
          break;
      }
      checks[id] = summary;
      console.log(`${id.padEnd(12)} ok: ${summary}`);
    }
    const reuse = await stockSignerReuse(sheet, p12, passphrase);
    console.log(`@signpdf P12Signer: ${reuse}`);
    for (const note of notes) console.log(`note: ${note}`);

    // -- measurement: single thread and pool, interleaved ------------------------------------------
    console.log(
      `\n## Timing: ${String(ROUNDS)} rounds; in each, every variant runs ${String(SECONDS)} s in one worker thread ` +
        `("1t"), and a, b, b', c then run ${String(SECONDS)} s in ${String(POOL_SIZE)} worker threads at once ("pool", ` +
        "rates summed). Every variant has its own isolates, one for 1t and one per pool worker, each with its " +
        "own signer and caches: a variant's run never meets another's garbage or deoptimises code another " +
        "variant's types shaped, and 1t and pool run the same code in the same kind of isolate. Rates in calls/s.",
    );
    const workerUrl = new URL("./sheets-worker.ts", import.meta.url);
    const singlePools = new Map<VariantId, BenchPool>();
    const pools = new Map<VariantId, BenchPool>();
    const extraPools: BenchPool[] = [];
    /** Per-thread CPU of (a): JS threads vs V8 helper threads, ms per sheet, per round. */
    const threadRounds: { single: ThreadCpu[]; pool: ThreadCpu[] } = { single: [], pool: [] };
    const singleRounds = new Map<VariantId, number[]>(SINGLE.map((id) => [id, []]));
    const cpuRounds = new Map<VariantId, number[]>(SINGLE.map((id) => [id, []]));
    const poolRounds = new Map<VariantId, number[]>(POOLED.map((id) => [id, []]));
    const poolCpuRounds = new Map<VariantId, number[]>(POOLED.map((id) => [id, []]));
    /** CPU time / wall time of each run: ~1 for one thread on an idle machine, ~N for the pool. */
    const coreUseRounds = new Map<VariantId, number[]>(SINGLE.map((id) => [id, []]));
    const poolCoreUseRounds = new Map<VariantId, number[]>(POOLED.map((id) => [id, []]));
    const poolSamples: Record<string, Sample[][]> = {};
    let paired: { ab: PairedRatio; ac: PairedRatio; scaling: PairedRatio } | undefined;
    /** Runs `id` in `pool` for SECONDS; CPU is the whole process's, taken here around the run. */
    const measure = async (pool: BenchPool, id: VariantId, seconds = SECONDS) => {
      const cpu = process.cpuUsage();
      const threads = threadCpu();
      const wallStart = performance.now();
      const samples = await pool.measure(id, seconds);
      const wallMs = performance.now() - wallStart;
      const { user, system } = process.cpuUsage(cpu);
      const calls = samples.reduce((n, s) => n + s.iterations, 0);
      const perCall = (t: ThreadCpu): ThreadCpu => ({
        jsMs: t.jsMs / calls,
        v8HelpersMs: t.v8HelpersMs / calls,
        otherMs: t.otherMs / calls,
      });
      const byThread = threadCpuSince(threads);
      return {
        samples,
        rate: poolRate(samples),
        cpuPerCall: (user + system) / 1000 / calls,
        coreUse: (user + system) / 1000 / wallMs,
        threads: byThread && perCall(byThread),
      };
    };
    try {
      for (const id of SINGLE) singlePools.set(id, await BenchPool.start(workerUrl, 1, setup));
      for (const id of POOLED) pools.set(id, await BenchPool.start(workerUrl, POOL_SIZE, setup));
      const singlePool = (id: VariantId): BenchPool => {
        const p = singlePools.get(id);
        if (p === undefined) throw new Error(`no 1t worker for ${id}`);
        return p;
      };
      const poolOf = (id: VariantId): BenchPool | undefined => pools.get(id);
      const warm = async (pool: BenchPool | undefined, id: VariantId): Promise<void> => {
        await pool?.warmUp(id, WARMUP_SECONDS, WARMUP_CALLS, WARMUP_SECONDS * 10);
      };
      for (const id of SINGLE) {
        await warm(singlePool(id), id);
        await warm(poolOf(id), id);
      }
      for (let round = 1; round <= ROUNDS; round++) {
        const singleParts: string[] = [];
        const poolParts: string[] = [];
        for (const id of SINGLE) {
          const one = await measure(singlePool(id), id);
          singleRounds.get(id)?.push(one.rate);
          cpuRounds.get(id)?.push(one.cpuPerCall);
          coreUseRounds.get(id)?.push(one.coreUse);
          if (id === "a" && one.threads) threadRounds.single.push(one.threads);
          singleParts.push(`${id} ${fmt(one.rate)}`);
          const pool = poolOf(id);
          if (pool === undefined) continue;
          const many = await measure(pool, id);
          poolCoreUseRounds.get(id)?.push(many.coreUse);
          (poolSamples[id] ??= []).push(many.samples);
          poolRounds.get(id)?.push(many.rate);
          poolCpuRounds.get(id)?.push(many.cpuPerCall);
          if (id === "a" && many.threads) threadRounds.pool.push(many.threads);
          poolParts.push(`${id} ${fmt(many.rate)} (${many.samples.map((s) => fmt(s.rate)).join("+")})`);
        }
        console.log(`round ${String(round)}/${String(ROUNDS)} 1t:   ${singleParts.join(" · ")}`);
        console.log(`round ${String(round)}/${String(ROUNDS)} pool: ${poolParts.join(" · ")}`);
      }
      // Extra isolates of the sides the ratios compare (lib/paired.ts: isolates differ by up to ~10 %).
      const sets: { a: BenchPool; c: BenchPool; aPool: BenchPool | undefined }[] = [
        { a: singlePool("a"), c: singlePool("c"), aPool: poolOf("a") },
      ];
      for (let k = 1; k < ISOLATE_SETS; k++) {
        const set = {
          a: await BenchPool.start(workerUrl, 1, setup),
          c: await BenchPool.start(workerUrl, 1, setup),
          aPool: await BenchPool.start(workerUrl, POOL_SIZE, setup),
        };
        extraPools.push(set.a, set.c, set.aPool);
        await warm(set.a, "a");
        await warm(set.c, "c");
        await warm(set.aPool, "a");
        sets.push(set);
      }
      console.log(
        `\n## Paired runs behind the targets: ${String(PAIRS)} pairs of ${String(PAIR_SECONDS)} s runs per ratio, ` +
          `back to back, order alternating, spread over ${String(sets.length)} sets of isolates (a, c, a's pool); ` +
          "the median pair is the verdict (BENCH_PAIRS, BENCH_PAIR_SECONDS, BENCH_ISOLATE_SETS)",
      );
      const setOf = (pair: number) => {
        const set = sets[pair % sets.length];
        if (set === undefined) throw new Error("no isolate set");
        return set;
      };
      const slice =
        (id: VariantId, pick: (pair: number) => BenchPool | undefined) =>
        async (pair: number): Promise<Slice> => {
          const pool = pick(pair);
          if (pool === undefined) throw new Error(`no pool for ${id}`);
          const m = await measure(pool, id, PAIR_SECONDS);
          return { rate: m.rate, cpuPerCall: m.cpuPerCall };
        };
      const oneA = slice("a", (i) => setOf(i).a);
      // Before each phase every isolate it uses is warmed up again as at the start (≥ BENCH_WARMUP_SECONDS
      // and ≥ BENCH_WARMUP_CALLS calls, discarded), each once, in reverse order of first use (set 0's
      // last, so none idles long before its first pair), then a pause. Isolates left idle for minutes
      // while the other variants ran (V8's idle-time GC can flush unused bytecode and shrink the young
      // generation), or that had just stopped (helper threads still compiling, collecting), made the
      // first pairs of a phase 30–60 % low; a 1 s re-run did not cure it: in the first pair of each set
      // the pool spent up to 2.2 × the single thread's CPU per sheet (0.81× scaling), re-optimising on
      // helper threads that a lone thread gets for free on the idle core.
      type IsolateSet = (typeof sets)[number];
      type Part = readonly [BenchPool | undefined, VariantId];
      const each = (...picks: [(set: IsolateSet) => BenchPool | undefined, VariantId][]): Part[] =>
        sets.flatMap((set) => picks.map(([pick, id]): Part => [pick(set), id]));
      const phase = async (
        parts: readonly Part[],
        x: (pair: number) => Promise<Slice>,
        y: (pair: number) => Promise<Slice>,
        cpuScale = 1,
      ): Promise<PairedRatio> => {
        const warmed = new Set<BenchPool>();
        for (const [pool, id] of [...parts].reverse()) {
          if (pool === undefined || warmed.has(pool)) continue;
          warmed.add(pool);
          await warm(pool, id);
        }
        await new Promise((resolve) => setTimeout(resolve, SETTLE_SECONDS * 1000));
        return pairedRatio(x, y, PAIRS, cpuScale);
      };
      const oneB = slice("b", () => singlePool("b"));
      const ac = await phase(
        each([(t) => t.a, "a"], [(t) => t.c, "c"]),
        oneA,
        slice("c", (i) => setOf(i).c),
      );
      const ab = await phase([...each([(t) => t.a, "a"]), [singlePool("b"), "b"]], oneA, oneB);
      const aPool = slice("a", (i) => setOf(i).aPool);
      const scaling = await phase(each([(t) => t.aPool, "a"], [(t) => t.a, "a"]), aPool, oneA, POOL_SIZE);
      paired = { ac, ab, scaling };
      for (const [name, r] of Object.entries(paired)) {
        console.log(`${name.padEnd(8)} wall ${r.wall.map((x) => x.toFixed(2)).join(" ")}`);
        console.log(`${"".padEnd(8)} CPU  ${r.cpu.map((x) => x.toFixed(2)).join(" ")}`);
      }
    } finally {
      await Promise.all([...singlePools.values(), ...pools.values(), ...extraPools].map((p) => p.close()));
    }
    const single = new Map([...singleRounds].map(([id, r]) => [id, summarize(r)]));
    /** Process CPU ms per call (single thread), median round: robust to other load on the machine. */
    const cpuPerOp = new Map([...cpuRounds].map(([id, r]) => [id, summarize(r)]));
    const pooled = new Map([...poolRounds].map(([id, r]) => [id, summarize(r)]));
    const poolCpuPerOp = new Map([...poolCpuRounds].map(([id, r]) => [id, summarize(r)]));
    const coreUse = new Map([...coreUseRounds].map(([id, r]) => [id, summarize(r)]));
    const poolCoreUse = new Map([...poolCoreUseRounds].map(([id, r]) => [id, summarize(r)]));

    // -- openssl + stock profile ------------------------------------------------------------------
    console.log(
      `\n## openssl speed rsa2048 (${String(SECONDS)} s per test, 1 process, then ${String(POOL_SIZE)})`,
    );
    const osslSingle = await opensslRsa2048(SECONDS);
    const osslMulti = POOL_SIZE > 1 ? await opensslRsa2048(SECONDS, POOL_SIZE) : osslSingle;
    const d = "result" in osslSingle ? osslSingle.result : undefined;
    const dMulti = "result" in osslMulti ? osslMulti.result : undefined;
    if ("missing" in osslSingle) console.log(`(d) not measured: ${osslSingle.missing}`);
    else console.log(`${osslSingle.result.version}: ${osslSingle.result.command}`);
    if ("missing" in osslMulti) console.log(`(d) pool not measured: ${osslMulti.missing}`);
    const profile = await profileStockSigning(p12, passphrase);

    // -- report ---------------------------------------------------------------------------------
    const after = busyness();
    const med = (m: ReadonlyMap<VariantId, Measured>, id: VariantId): number =>
      m.get(id)?.median ?? Number.NaN;
    console.log(
      `\n## Results: median of ${String(ROUNDS)} rounds × ${String(SECONDS)} s; 1 thread = one worker thread, ` +
        `pool = ${String(POOL_SIZE)} workers on ${String(cores)} cores`,
    );
    const rows: string[][] = SINGLE.map((id) => {
      const s = single.get(id);
      const p = pooled.get(id);
      const cpu = cpuPerOp.get(id);
      const poolCpu = poolCpuPerOp.get(id);
      const use = coreUse.get(id);
      const poolUse = poolCoreUse.get(id);
      return [
        id,
        variant(variants, id).label,
        fmt(s?.median ?? Number.NaN),
        s ? `${fmt(s.min)}–${fmt(s.max)}` : "",
        msPerOp(s?.median ?? 0),
        cpu ? `${fmt(cpu.median)} ms` : "",
        use ? use.median.toFixed(2) : "",
        p ? fmt(p.median) : "—",
        p ? `${fmt(p.min)}–${fmt(p.max)}` : "",
        poolCpu ? `${fmt(poolCpu.median)} ms` : "",
        poolUse ? poolUse.median.toFixed(2) : "",
        p && s ? fmtRatio(p.median / s.median) : "",
      ];
    });
    rows.push([
      "d",
      "openssl speed rsa2048 (signatures/s)",
      d ? fmt(d.signPerSecond) : "n/a",
      "1 run",
      d ? msPerOp(d.signPerSecond) : "",
      "",
      "",
      dMulti ? fmt(dMulti.signPerSecond) : "n/a",
      "1 run",
      "",
      "",
      d && dMulti ? fmtRatio(dMulti.signPerSecond / d.signPerSecond) : "",
    ]);
    printTable(
      [
        { header: "id" },
        { header: "variant" },
        { header: "1 thread/s", align: "right" },
        { header: "rounds", align: "right" },
        { header: "wall/op", align: "right" },
        { header: "CPU/op", align: "right" },
        { header: "cores", align: "right" },
        { header: `pool ×${String(POOL_SIZE)}/s`, align: "right" },
        { header: "rounds", align: "right" },
        { header: "CPU/op", align: "right" },
        { header: "cores", align: "right" },
        { header: "pool÷1t", align: "right" },
      ],
      rows,
    );
    console.log("\nColumns: rates are calls per second (median round; 'rounds' = slowest–fastest round).");
    console.log(
      "wall/op = 1 / rate. CPU/op = process CPU time (user + system, all threads incl. GC) per call in the " +
        "rounds (for the pool: the process's CPU time over the sheets all workers made): unlike the rates it " +
        "is not inflated when other processes take the CPU. cores = CPU time / wall time (median round): about " +
        `1 for one thread and ${String(POOL_SIZE)} for the pool on an idle machine — lower means other processes took ` +
        "the CPU and the rate beside it is understated. pool÷1t = pool rate / 1-thread rate.",
    );
    console.log("What each row measures (one call = one sheet, except rsa-sign and d = one signature):");
    for (const id of SINGLE) console.log(`  ${id.padEnd(12)} ${variant(variants, id).description}`);
    console.log(
      `  ${"d".padEnd(12)} OpenSSL's own RSA-2048 signatures per second (C, no PDF, no CMS); ` +
        "pool = `-multi` processes",
    );

    const ratio = (x: VariantId, y: VariantId, m: ReadonlyMap<VariantId, Measured>): number =>
      med(m, x) / med(m, y);
    /** x/y as a speed ratio from CPU time per call: cpu(y) / cpu(x). */
    const cpuRatio = (x: VariantId, y: VariantId): number => med(cpuPerOp, y) / med(cpuPerOp, x);
    const ratioRows: [string, string, VariantId, VariantId][] = [
      ["a/b", "Passerelle vs the stock pipeline (rendering + signing)", "a", "b"],
      ["a/b'", "Passerelle vs stock signing on our renderer (isolates signing)", "a", "b'"],
      ["b'/b", "stock signing: our renderer vs plain-pdfkit fonts (isolates rendering)", "b'", "b"],
      ["a/c", "Passerelle vs our rendering alone (1.00 = signing is free)", "a", "c"],
    ];
    console.log("");
    printTable(
      [
        { header: "ratio" },
        { header: "meaning" },
        { header: "1 thread", align: "right" },
        { header: "by CPU/op", align: "right" },
        { header: "pool", align: "right" },
      ],
      ratioRows.map(([name, meaning, x, y]) => [
        name,
        meaning,
        fmtRatio(ratio(x, y, single)),
        fmtRatio(cpuRatio(x, y)),
        fmtRatio(ratio(x, y, pooled)),
      ]),
    );
    const ab = ratio("a", "b", single);
    const ac = ratio("a", "c", single);
    const scaling = med(pooled, "a") / med(single, "a");

    const cpuMs = (id: VariantId): number => med(cpuPerOp, id);
    const msText = (x: number): string => `${fmt(x)} ms`;
    console.log("\n## Where the time goes (1 thread, CPU ms per call, medians above)");
    console.log(
      `a  ${msText(cpuMs("a"))} ≈ our rendering (c) ${msText(cpuMs("c"))} + our signing alone ${msText(cpuMs("our-sign"))} ` +
        `+ rest ${msText(cpuMs("a") - cpuMs("c") - cpuMs("our-sign"))} (placeholder objects, SHA-256 of the output, noise)`,
    );
    console.log(
      `   our signing alone ${msText(cpuMs("our-sign"))} = one node:crypto RSA-2048 signature ${msText(cpuMs("rsa-sign"))}` +
        (d ? ` (openssl speed: ${msText(1000 / d.signPerSecond)} wall)` : "") +
        ` + ByteRange, SHA-256 of the PDF, CMS encoding, hex ${msText(cpuMs("our-sign") - cpuMs("rsa-sign"))}`,
    );
    console.log(
      `b  ${msText(cpuMs("b"))} ≈ plain-pdfkit rendering ${msText(cpuMs("stock-render"))} + stock signing alone ` +
        `${msText(cpuMs("stock-sign"))} + rest ${msText(cpuMs("b") - cpuMs("stock-render") - cpuMs("stock-sign"))}`,
    );
    const profiled = Object.entries(profile).map(([what, rate]) => `${what} ${msText(1000 / rate)}`);
    console.log(
      `   stock signing alone ${msText(cpuMs("stock-sign"))}; one-off 1 s wall timings of its parts: ${profiled.join("; ")}; ` +
        "the remainder is forge's PKCS#7 (SHA-256 of the whole PDF in JS, ASN.1) and signpdf's buffer work",
    );
    console.log(
      `b' ${msText(cpuMs("b'"))} ≈ our rendering ${msText(cpuMs("c"))} + stock signing alone ${msText(cpuMs("stock-sign"))}`,
    );

    console.log("\n## Targets: verdict on the wall-clock medians; CPU-time view and disturbance below each");
    /** Below this share of the expected cores (1 per thread), other processes took a run's CPU away. */
    const DISTURBED = 0.85;
    const disturbed = (ids: readonly VariantId[], inPool: boolean): string[] =>
      ids.flatMap((id) => {
        const use = med(inPool ? poolCoreUse : coreUse, id);
        const expected = inPool ? POOL_SIZE : 1;
        return use < DISTURBED * expected
          ? [`${id}${inPool ? " (pool)" : ""} ran on ${use.toFixed(2)} of ${String(expected)}`]
          : [];
      });
    const context = (lines: readonly string[]): void => {
      for (const line of lines) console.log(`      ${line}`);
    };
    const verdict = (ok: boolean): string => (ok ? "PASS" : "MISS");
    const disturbance = (list: readonly string[]): string[] =>
      list.length === 0
        ? ["wall clock: the runs had their cores (no sign of disturbance)"]
        : [
            `wall clock DISTURBED by other load: ${list.join(", ")} cores — the CPU-time figure is the better estimate`,
          ];

    const cpuAb = cpuRatio("a", "b");
    const cpuAc = cpuRatio("a", "c");
    const signingShare = med(single, "c") / med(single, "a") - 1;
    const cpuSingleA = med(cpuPerOp, "a");
    const cpuPoolA = med(poolCpuPerOp, "a");
    /** Upper bound of the scaling on idle cores: N threads each costing cpuPoolA per sheet vs one costing cpuSingleA. */
    const cpuScalingBound = (POOL_SIZE * cpuSingleA) / cpuPoolA;
    const singleA = single.get("a");
    const pooledA = pooled.get("a");
    const bestScaling = (pooledA?.max ?? Number.NaN) / (singleA?.max ?? Number.NaN);
    const scalingNote =
      cores === TARGETS.scalingCores
        ? `${String(POOL_SIZE)} workers on ${String(cores)} cores`
        : `${String(POOL_SIZE)} workers on ${String(cores)} cores (the target is stated for ${String(TARGETS.scalingCores)})`;

    const threadMedian = (list: readonly ThreadCpu[]): { js: number; helpers: number } => ({
      js: median(list.map((t) => t.jsMs)),
      helpers: median(list.map((t) => t.v8HelpersMs)),
    });
    const threadsA = { single: threadMedian(threadRounds.single), pool: threadMedian(threadRounds.pool) };
    const threadLine =
      threadRounds.single.length === 0
        ? "CPU per thread: not available on this platform"
        : `CPU per sheet by thread: 1 thread JS ${msText(threadsA.single.js)} + V8 helpers (GC, optimising compilers) ` +
          `${msText(threadsA.single.helpers)}; pool JS ${msText(threadsA.pool.js)} + V8 helpers ${msText(threadsA.pool.helpers)} ` +
          `(helpers run on a free core beside one thread, but take it from the other workers in a full pool)`;
    const iqrText = (r: PairedRatio, key: "wallIqr" | "cpuIqr", digits = 2): string =>
      `middle half of the pairs ${r[key][0].toFixed(digits)}–${r[key][1].toFixed(digits)}`;
    const targets = [
      {
        name: "a/b single-threaded",
        min: TARGETS.abSingle,
        r: paired.ab,
        disturbed: disturbed(["a", "b"], false),
      },
      {
        name: "a/c (signing adds ≤ 15 % to rendering alone)",
        min: TARGETS.ac,
        r: paired.ac,
        disturbed: disturbed(["a", "c"], false),
      },
      {
        name: "pool scaling of (a)",
        min: TARGETS.scaling,
        r: paired.scaling,
        disturbed: [...disturbed(["a"], false), ...disturbed(["a"], true)],
      },
    ].map((t) => ({
      name: t.name,
      min: t.min,
      value: t.r.wallMedian,
      cpuValue: t.r.cpuMedian,
      disturbed: t.disturbed,
      pass: t.r.wallMedian >= t.min,
      cpuPass: t.r.cpuMedian >= t.min,
    }));
    const [tAb, tAc, tScaling] = targets;
    if (tAb) {
      console.log(
        target(
          tAb.pass,
          `a/b = ${fmtRatio(tAb.value)} single-threaded, median of ${String(PAIRS)} pairs (target ≥ ${String(TARGETS.abSingle)}; ${iqrText(paired.ab, "wallIqr")})`,
        ),
      );
      context([
        `by CPU time per sheet, same pairs: ${fmtRatio(tAb.cpuValue)} → ${verdict(tAb.cpuPass)}`,
        `from the rounds above: ${fmtRatio(ab)} wall, ${fmtRatio(cpuAb)} by CPU time`,
        ...disturbance(tAb.disturbed),
      ]);
    }
    if (tAc) {
      console.log(
        target(
          tAc.pass,
          `a/c = ${tAc.value.toFixed(3)}, median of ${String(PAIRS)} pairs (target ≥ ${String(TARGETS.ac)}): signing adds ` +
            `${((1 / tAc.value - 1) * 100).toFixed(1)} % to rendering alone (${iqrText(paired.ac, "wallIqr", 3)})`,
        ),
      );
      context([
        `by CPU time per sheet, same pairs: a/c = ${tAc.cpuValue.toFixed(3)}, signing adds ${((1 / tAc.cpuValue - 1) * 100).toFixed(1)} % → ${verdict(tAc.cpuPass)} (${iqrText(paired.ac, "cpuIqr", 3)})`,
        `from the rounds above (runs tens of seconds apart): a/c = ${ac.toFixed(3)} wall, ${cpuAc.toFixed(3)} by CPU time, signing adds ${(signingShare * 100).toFixed(1)} %`,
        ...disturbance(tAc.disturbed),
      ]);
    }
    if (tScaling) {
      console.log(
        target(
          tScaling.pass,
          `pool scaling of (a) = ${fmtRatio(tScaling.value)} with ${scalingNote}, median of ${String(PAIRS)} pairs ` +
            `(target ≥ ${String(TARGETS.scaling)}×; ${iqrText(paired.scaling, "wallIqr")})`,
        ),
      );
      context([
        `CPU bound, same pairs: ${String(POOL_SIZE)} × CPU per sheet of 1 thread / of the pool = ${fmtRatio(tScaling.cpuValue)} ` +
          `→ ${verdict(tScaling.cpuPass)} (the speed-up on ${String(POOL_SIZE)} idle cores if one thread used exactly one core)`,
        `from the rounds above: ${fmtRatio(scaling)}; CPU time per sheet: pool ${msText(cpuPoolA)}, 1 thread ${msText(cpuSingleA)} ` +
          `(×${(cpuPoolA / cpuSingleA).toFixed(2)}; above 1 = the threads slow each other) → at most ${fmtRatio(cpuScalingBound)}; ` +
          `best rounds: pool ${fmt(pooledA?.max ?? Number.NaN)} / 1 thread ${fmt(singleA?.max ?? Number.NaN)} = ${fmtRatio(bestScaling)}`,
        threadLine,
        ...disturbance(tScaling.disturbed),
      ]);
    }
    console.log(`machine after: ${describeBusyness(after)}`);
    const pressure = Math.max(before.cpuPressure?.avg60 ?? 0, after.cpuPressure?.avg60 ?? 0);
    const load = Math.max(before.loadavg[0] ?? 0, after.loadavg[0] ?? 0);
    if (pressure > 10 || load > cores * 0.75) {
      console.log(
        "note: other processes competed for the CPU during this run (see load and pressure above; the bench " +
          "itself adds ~1 to the load, ~2 during the pool runs): rates are noisy, the pool — which needs every " +
          "core — suffers most, and even CPU time per call rises under contention (shared caches and cores)",
      );
    }

    const file = await writeResults("sheets", {
      bench: "sheets",
      startedAt,
      durationSeconds: (performance.now() - t0) / 1000,
      environment: { node: process.version, cpu, cores, poolSize: POOL_SIZE, before, after },
      config: { seconds: SECONDS, rounds: ROUNDS, warmupSeconds: WARMUP_SECONDS, sheet: "discharge example" },
      variants: Object.fromEntries(SINGLE.map((id) => [id, variant(variants, id).description])),
      checks,
      stockSignerReuse: reuse,
      notes: [...notes],
      single: Object.fromEntries(single),
      singleCpuMsPerCall: Object.fromEntries(cpuPerOp),
      poolCpuMsPerCall: Object.fromEntries(poolCpuPerOp),
      pool: Object.fromEntries(pooled),
      poolSamples,
      openssl: { single: d ?? osslSingle, multi: dMulti ?? osslMulti },
      stockSigningProfile: profile,
      ratios: {
        single: { ab, abPrime: ratio("a", "b'", single), ac, bPrimeB: ratio("b'", "b", single) },
        singleByCpu: {
          ab: cpuRatio("a", "b"),
          abPrime: cpuRatio("a", "b'"),
          ac: cpuRatio("a", "c"),
          bPrimeB: cpuRatio("b'", "b"),
        },
        pool: {
          ab: ratio("a", "b", pooled),
          abPrime: ratio("a", "b'", pooled),
          ac: ratio("a", "c", pooled),
          bPrimeB: ratio("b'", "b", pooled),
        },
        poolScalingA: scaling,
      },
      paired,
      targets,
      coreUse: { single: Object.fromEntries(coreUse), pool: Object.fromEntries(poolCoreUse) },
      threadCpuMsPerSheetA: { rounds: threadRounds, median: threadsA },
    });
    console.log(
      `\nresults: ${path.relative(process.cwd(), file)} (${((performance.now() - t0) / 1000).toFixed(0)} s)`,
    );
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
