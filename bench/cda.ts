/**
 * CDA benchmark: the cost of a sheet's CI-SIS CDA R2 document, as ratios to rendering + signing
 * the same sheet (PAdES B-B) measured in the same process and run:
 * - generation (`sheetToCda`) per volet — LDL-SES, LDL-EES, TLM-DA, and TLM-CR (which carries the
 *   signed answer PDF in base64);
 * - the whole pipeline with the CDA embedded (`produceSignedSheet`, the CDA as a second associated
 *   file) against rendering + signing without it;
 * - validation against the ANS kit (xmllint XSD + the volet's and CI-SIS schematrons on Saxon-HE,
 *   a Java child process), per document, in a batch of BENCH_CDA_BATCH documents of one volet.
 *
 * Method: everything is warmed up first (≥ 1 s and ≥ 30 calls each, at most 3 s; the schematrons compiled once
 * and cached); then BENCH_ROUNDS rounds in which, volet after volet, the three measured functions
 * follow each other for BENCH_SECONDS each (interleaved: slow drifts of the machine's load hit them
 * alike). Per call: wall time / calls of the median round. Validation: BENCH_CDA_CHECK_ROUNDS
 * batches per volet, median. Target: generation ≤ 10 % of render + sign, per volet (PASS/MISS).
 *
 *   node bench/cda.ts      (or `npm run bench -- cda`; about a minute)
 * Environment: BENCH_SECONDS (0.5), BENCH_ROUNDS (5), BENCH_CDA_BATCH (10), BENCH_CDA_CHECK_ROUNDS (2).
 */
import { randomUUID } from "node:crypto";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { checkCdaFiles, conforms, findKit, sheetToCda } from "../src/cda/index.ts";
import { systemClock } from "../src/core/index.ts";
import type { FormKind, ValidatedSheet } from "../src/forms/index.ts";
import { addSignaturePlaceholder, signPdf } from "../src/pdf/sign/index.ts";
import { createDevPki, P12Signer, produceSignedSheet, renderSheet } from "../src/pdf/index.ts";
import { validatedExample } from "../test/helpers/sheets.ts";
import { tempDir } from "../test/helpers/tmp.ts";
import { fmt, printTable, target, writeResults } from "./lib/report.ts";
import { envNumber, median, runFor, warmUp } from "./lib/timing.ts";

const SECONDS = envNumber("BENCH_SECONDS", 0.5);
const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 5));
const BATCH = Math.round(envNumber("BENCH_CDA_BATCH", 10));
const CHECK_ROUNDS = Math.round(envNumber("BENCH_CDA_CHECK_ROUNDS", 2));
const TARGET_GENERATION = 0.1;
const KINDS: readonly FormKind[] = [
  "discharge",
  "admission",
  "teleexpertise-request",
  "teleexpertise-answer",
];

const tmp = await tempDir("passerelle-bench-cda-");
const pki = await createDevPki({
  outDir: path.join(tmp.dir, "pki"),
  passphrase: "bench-cda-passphrase",
  organisation: "CH Bench",
  finess: "699990016",
});
const signer = await P12Signer.fromFile(pki.signerP12Path, "bench-cda-passphrase");
const clock = systemClock;

/** Render + sign without the CDA: the pipeline as it was before the CDA was embedded. */
async function renderAndSign(sheet: ValidatedSheet): Promise<Buffer> {
  const unsigned = await renderSheet(sheet.form, sheet.data, {
    clock,
    sheetId: randomUUID(),
    beforeEnd: (doc) => {
      addSignaturePlaceholder(doc, { signingTime: clock.now(), reason: "bench" });
    },
  });
  return signPdf(unsigned, signer);
}

interface Case {
  readonly kind: FormKind;
  readonly fns: {
    readonly renderSign: () => Promise<unknown>;
    cda: () => Promise<unknown>;
    full: () => Promise<unknown>;
  };
  readonly pdf: Buffer;
  readonly sheet: ValidatedSheet;
}

const cases: Case[] = [];
for (const kind of KINDS) {
  const sheet = await validatedExample(kind);
  const pdf = (await produceSignedSheet(sheet, { signer, clock })).pdf;
  const answer = kind === "teleexpertise-answer";
  cases.push({
    kind,
    sheet,
    pdf,
    fns: {
      renderSign: () => renderAndSign(sheet),
      cda: () => Promise.resolve(sheetToCda(sheet, { sheetId: randomUUID(), ...(answer ? { pdf } : {}) })),
      full: () => produceSignedSheet(sheet, { signer, clock }),
    },
  });
}

console.log(`CDA bench: ${String(ROUNDS)} rounds × ${String(SECONDS)} s per function and volet, interleaved`);
for (const c of cases) for (const fn of Object.values(c.fns)) await warmUp(fn, 1, 30, 3);

type Fn = keyof Case["fns"];
const perCall = new Map<string, number[]>();
for (let round = 0; round < ROUNDS; round++) {
  for (const c of cases) {
    for (const fn of ["renderSign", "cda", "full"] as const) {
      const s = await runFor(c.fns[fn], SECONDS);
      const key = `${c.kind}/${fn}`;
      perCall.set(key, [...(perCall.get(key) ?? []), s.elapsedMs / s.iterations]);
    }
  }
}
const ms = (kind: FormKind, fn: Fn): number => median(perCall.get(`${kind}/${fn}`) ?? []);

// Validation: BATCH documents of each volet (distinct sheet ids), checked in one call per batch.
const kit = findKit();
const checkMs = new Map<FormKind, number>();
if ("dir" in kit) {
  for (const c of cases) {
    const files: string[] = [];
    for (let i = 0; i < BATCH; i++) {
      const file = path.join(tmp.dir, `${c.kind}-${String(i)}.xml`);
      const doc = sheetToCda(c.sheet, {
        sheetId: randomUUID(),
        ...(c.kind === "teleexpertise-answer" ? { pdf: c.pdf } : {}),
      });
      await writeFile(file, doc.xml);
      files.push(file);
    }
    await checkCdaFiles(kit.dir, files.slice(0, 1)); // compiles (or finds cached) schematrons
    const times: number[] = [];
    for (let r = 0; r < CHECK_ROUNDS; r++) {
      const t0 = performance.now();
      const reports = await checkCdaFiles(kit.dir, files);
      times.push((performance.now() - t0) / files.length);
      if (!reports.every(conforms)) throw new Error(`${c.kind}: a generated CDA does not conform`);
    }
    checkMs.set(c.kind, median(times));
  }
} else {
  console.log(`validation skipped: ${kit.missing}`);
}

const pct = (x: number): string => `${fmt(x * 100)} %`;
printTable(
  [
    { header: "volet (form)" },
    { header: "render+sign", align: "right" },
    { header: "CDA generation", align: "right" },
    { header: "gen / r+s", align: "right" },
    { header: "with CDA embedded", align: "right" },
    { header: "overhead", align: "right" },
    { header: `validation (batch ${String(BATCH)})`, align: "right" },
    { header: "valid / r+s", align: "right" },
  ],
  cases.map(({ kind }) => {
    const base = ms(kind, "renderSign");
    const check = checkMs.get(kind);
    const embedded = kind !== "teleexpertise-answer";
    return [
      kind,
      `${fmt(base)} ms`,
      `${fmt(ms(kind, "cda"))} ms`,
      pct(ms(kind, "cda") / base),
      embedded ? `${fmt(ms(kind, "full"))} ms` : "(beside the PDF)",
      embedded ? pct(ms(kind, "full") / base - 1) : "",
      check === undefined ? "n/a" : `${fmt(check)} ms/doc`,
      check === undefined ? "n/a" : `${fmt(check / base)}×`,
    ];
  }),
);
for (const { kind } of cases) {
  const ratio = ms(kind, "cda") / ms(kind, "renderSign");
  console.log(
    target(
      ratio <= TARGET_GENERATION,
      `CDA generation ${kind}: ${pct(ratio)} of render + sign (target ≤ ${pct(TARGET_GENERATION)})`,
    ),
  );
}
const file = await writeResults("cda", {
  rounds: ROUNDS,
  seconds: SECONDS,
  batch: BATCH,
  msPerCall: Object.fromEntries([...perCall.keys()].map((k) => [k, median(perCall.get(k) ?? [])])),
  validationMsPerDocument: Object.fromEntries(checkMs),
});
console.log(`results: ${path.relative(process.cwd(), file)}`);
await tmp.cleanup();
