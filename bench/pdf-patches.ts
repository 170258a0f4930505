/**
 * A/B of the speed patches in src/pdf that reach into pdfkit/fontkit internals: what each one saves
 * **alone**, in CPU time per signed sheet (`produceSignedSheet` of the example discharge sheet:
 * render, CDA, placeholder, PAdES signature). The rule they are held to: a patch stays only if,
 * alone, it saves ≥ 10 % of a sheet's CPU (docs/performance.md, "Speed patches").
 *
 * Method, all in one process and one isolate, so every variant runs the same optimised code:
 * - "base" is the sheet pipeline with every patch off (the shared fonts of fonts.ts stay: public
 *   API); "+P" is base with patch P alone switched on; "all" has every patch on.
 * - Each patch module exports a switch (`{ enabled }`) that the bench flips between blocks of
 *   BENCH_BLOCK (10) sheets; nothing else changes.
 * - Warm-up: every variant, interleaved, until each has made BENCH_WARMUP_CALLS (150) sheets.
 * - BENCH_ROUNDS (30) rounds; in each, every variant is paired with a base block run right before
 *   or after it, the order alternating from round to round (and the variants' order reversed), so
 *   warm-up and slow drifts of a shared machine cancel. CPU time is the process's (all threads:
 *   JS, GC and compiler helpers) from `process.cpuUsage()`.
 * - Per pair: saved = 1 − CPU(+P) / CPU(base). Reported: the median pair, the middle half and the
 *   extremes, the pairs and sheets per variant.
 * - Before timing, each variant's output is checked once: verifyPdf valid with the dev CA, and the
 *   bytes equal to base's (the zlib level changes the compressed bytes; then the size is printed).
 *
 *   npm run bench -- pdf-patches
 *   BENCH_PATCHES_REF=<commit> npm run bench -- pdf-patches   (measure the src/ of a commit, e.g.
 *     the patches since removed; its src/ and liaison-forms/ are extracted in the temporary directory)
 *   BENCH_PATCHES=font-subset,deflate npm run bench -- pdf-patches   (only those patches)
 *   BENCH_ROUNDS=10 BENCH_BLOCK=5 BENCH_WARMUP_CALLS=50 ...    (quick look)
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync, rmSync, symlinkSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as Core from "../src/core/index.ts";
import type * as Forms from "../src/forms/index.ts";
import type * as Pdf from "../src/pdf/index.ts";
import { busyness, describeBusyness } from "./lib/machine.ts";
import { fmt, printTable, target, writeResults } from "./lib/report.ts";
import { envNumber, median, quantile } from "./lib/timing.ts";

const ROUNDS = Math.round(envNumber("BENCH_ROUNDS", 30));
const BLOCK = Math.round(envNumber("BENCH_BLOCK", 10));
const WARMUP_CALLS = Math.round(envNumber("BENCH_WARMUP_CALLS", 150));
const REF = process.env.BENCH_PATCHES_REF?.trim() ?? "";
/** Only these patches (comma-separated ids), e.g. BENCH_PATCHES=font-subset; default: every one. */
const ONLY = (process.env.BENCH_PATCHES ?? "")
  .split(",")
  .map((s) => s.trim())
  .filter((s) => s !== "");
/** The last commit with all five patches (and their switches): what the 2026-12-04 figures measured. */
const LAST_WITH_PATCHES = "fd27b87";
/** A patch stays only if, alone, it saves at least this share of a sheet's CPU. */
const KEEP_THRESHOLD = 0.1;

/** The patches: their module in src/pdf and the switch it exports. */
const PATCHES = [
  {
    id: "font-subset",
    file: "src/pdf/font-subset.ts",
    flag: "subsetGlyphCache",
    what: "per-glyph cache of fontkit's TrueType subsetter",
  },
  {
    id: "font-layout",
    file: "src/pdf/font-layout.ts",
    flag: "leanLayout",
    what: "lean EmbeddedFont layout / widthOfString / encode",
  },
  {
    id: "content-stream",
    file: "src/pdf/content-stream.ts",
    flag: "pageContentBatching",
    what: "one buffer per page content stream",
  },
  {
    id: "deflate",
    file: "src/pdf/deflate.ts",
    flag: "sheetDeflateLevel",
    what: "zlib level 4 instead of pdfkit's 6",
  },
  {
    id: "placeholder-hex",
    file: "src/pdf/sign/placeholder.ts",
    flag: "zeroHexContents",
    what: "/Contents zero hex string built once",
  },
] as const;

interface Switch {
  enabled: boolean;
}
interface Variant {
  readonly id: string;
  readonly what: string;
  readonly on: readonly Switch[];
}

const ROOT = path.resolve(import.meta.dirname, "..");

/** The tree whose src/ is measured: this checkout, or `ref`'s src/ and liaison-forms/ extracted. */
function treeFor(ref: string): { root: string; label: string } {
  if (ref === "") return { root: ROOT, label: "this checkout" };
  const commit = execFileSync("git", ["rev-parse", "--verify", `${ref}^{commit}`], {
    cwd: ROOT,
    encoding: "utf8",
  }).trim();
  // In the temporary directory, with a link to this checkout's node_modules for its imports.
  const root = path.join(os.tmpdir(), `passerelle-tree-${commit.slice(0, 12)}`);
  if (!existsSync(path.join(root, "src"))) {
    rmSync(root, { recursive: true, force: true });
    mkdirSync(root, { recursive: true });
    const tar = execFileSync("git", ["archive", "--format=tar", commit, "src", "liaison-forms"], {
      cwd: ROOT,
      maxBuffer: 1 << 30,
    });
    execFileSync("tar", ["-x", "-C", root], { input: tar });
    symlinkSync(path.join(ROOT, "node_modules"), path.join(root, "node_modules"));
  }
  return { root, label: `src/ of ${commit.slice(0, 12)}` };
}

const load = async <T>(root: string, file: string): Promise<T> =>
  (await import(pathToFileURL(path.join(root, file)).href)) as T;

async function main(): Promise<void> {
  const started = new Date();
  const before = busyness();
  const tree = treeFor(REF);
  console.log("# Speed patches A/B: CPU per signed discharge sheet, each patch alone against none");
  console.log(
    `node ${process.version}, ${os.cpus()[0]?.model ?? "?"}, ${String(os.availableParallelism())} cores; ${tree.label}`,
  );
  console.log(`before: ${describeBusyness(before)}`);
  console.log(
    `method: one process; warm-up ${String(WARMUP_CALLS)} sheets per variant (interleaved); ${String(ROUNDS)} rounds of ` +
      `pairs (variant block, base block) of ${String(BLOCK)} sheets each, order alternating; process CPU time`,
  );

  const core = await load<typeof Core>(tree.root, "src/core/index.ts");
  const forms = await load<typeof Forms>(tree.root, "src/forms/index.ts");
  const pdf = await load<typeof Pdf>(tree.root, "src/pdf/index.ts");

  const present: { id: string; what: string; sw: Switch; measured: boolean }[] = [];
  const absent: string[] = [];
  for (const p of PATCHES) {
    const sw = existsSync(path.join(tree.root, p.file))
      ? (await load<Record<string, unknown>>(tree.root, p.file))[p.flag]
      : undefined;
    if (typeof sw === "object" && sw !== null && typeof (sw as Switch).enabled === "boolean") {
      present.push({
        id: p.id,
        what: p.what,
        sw: sw as Switch,
        measured: ONLY.length === 0 || ONLY.includes(p.id),
      });
    } else {
      absent.push(p.id);
    }
  }
  if (absent.length > 0) console.log(`not in this tree (removed): ${absent.join(", ")}`);
  if (present.length === 0) {
    console.log(
      `no speed patch to measure; the removed ones: BENCH_PATCHES_REF=${LAST_WITH_PATCHES} npm run bench -- pdf-patches`,
    );
    return;
  }

  const registry = await forms.loadFormRegistry(path.join(tree.root, "liaison-forms"));
  const example = await readFile(path.join(ROOT, "liaison-forms/examples/discharge.json"), "utf8");
  const sheet = forms.validateSheet(forms.parseSheetJson(example), registry);
  const tmp = await mkdtemp(path.join(os.tmpdir(), "passerelle-patches-"));
  try {
    const pki = await pdf.createDevPki({
      outDir: tmp,
      passphrase: "bench-patches",
      organisation: "CH Bench (fictif)",
      finess: "699990016",
    });
    const signer = pdf.P12Signer.fromBuffer(await readFile(pki.signerP12Path), "bench-patches");
    // Fixed within the run (same bytes from every variant), after the dev certificates were issued.
    const clock = core.fixedClock(new Date(Date.now() + 60_000));
    const sign = async (): Promise<Buffer> =>
      (await pdf.produceSignedSheet(sheet, { signer, clock, sheetId: "bench-patches" })).pdf;

    const variants: Variant[] = [
      { id: "base", what: "every patch off", on: [] },
      ...present.filter((p) => p.measured).map((p) => ({ id: `+${p.id}`, what: p.what, on: [p.sw] })),
      // With BENCH_PATCHES, only the patches named.
      ...(ONLY.length > 0
        ? []
        : [{ id: "all", what: "every patch on (the shipped pipeline)", on: present.map((p) => p.sw) }]),
    ];
    const select = (v: Variant): void => {
      for (const p of present) p.sw.enabled = v.on.includes(p.sw);
    };
    const runBlock = async (v: Variant, n: number): Promise<number> => {
      select(v);
      const cpu = process.cpuUsage();
      for (let i = 0; i < n; i++) await sign();
      const { user, system } = process.cpuUsage(cpu);
      return (user + system) / 1000 / n;
    };

    // -- output checks -------------------------------------------------------------------------
    console.log("\n## Output checks");
    const outputs = new Map<string, Buffer>();
    for (const v of variants) {
      select(v);
      const out = await sign();
      const report = await pdf.verifyPdf(out, { trustedCas: [pki.caCertPem] });
      if (!report.valid)
        throw new Error(`${v.id}: verifyPdf says invalid: ${report.issues.map((i) => i.code).join(", ")}`);
      outputs.set(v.id, out);
    }
    const base = outputs.get("base")!;
    const sameAsBase: Record<string, boolean> = {};
    for (const v of variants) {
      const out = outputs.get(v.id)!;
      sameAsBase[v.id] = out.equals(base);
      console.log(
        `${v.id.padEnd(16)} signature valid; ${String(out.length)} bytes, ${sameAsBase[v.id] ? "same bytes as base" : `differs from base (${String(base.length)} bytes)`}`,
      );
    }

    // -- warm-up -------------------------------------------------------------------------------
    const warm = Date.now();
    for (let done = 0; done < WARMUP_CALLS; done += BLOCK) for (const v of variants) await runBlock(v, BLOCK);
    console.log(
      `\nwarm-up: ${String(WARMUP_CALLS)} sheets per variant in ${fmt((Date.now() - warm) / 1000)} s`,
    );

    // -- paired rounds -------------------------------------------------------------------------
    const others = variants.slice(1);
    const saved = new Map<string, number[]>(others.map((v) => [v.id, []]));
    const cpu = new Map<string, number[]>(variants.map((v) => [v.id, []]));
    for (let r = 0; r < ROUNDS; r++) {
      const order = r % 2 === 0 ? others : [...others].reverse();
      for (const v of order) {
        const baseFirst = (r + others.indexOf(v)) % 2 === 0;
        const a = baseFirst ? await runBlock(variants[0]!, BLOCK) : await runBlock(v, BLOCK);
        const b = baseFirst ? await runBlock(v, BLOCK) : await runBlock(variants[0]!, BLOCK);
        const [baseMs, vMs] = baseFirst ? [a, b] : [b, a];
        saved.get(v.id)!.push(1 - vMs / baseMs);
        cpu.get("base")!.push(baseMs);
        cpu.get(v.id)!.push(vMs);
      }
    }
    const after = busyness();

    // -- report --------------------------------------------------------------------------------
    console.log(
      `\n## CPU per signed sheet, ${String(ROUNDS)} pairs per variant, ${String(ROUNDS * BLOCK)} sheets each`,
    );
    const pct = (x: number): string => `${(x * 100).toFixed(1)} %`;
    const rows = others.map((v) => {
      const s = saved.get(v.id)!;
      return [
        v.id,
        `${fmt(median(cpu.get(v.id)!))} ms`,
        pct(median(s)),
        `${pct(quantile(s, 0.25))} … ${pct(quantile(s, 0.75))}`,
        `${pct(Math.min(...s))} … ${pct(Math.max(...s))}`,
        v.what,
      ];
    });
    rows.unshift(["base", `${fmt(median(cpu.get("base")!))} ms`, "", "", "", "every patch off"]);
    printTable(
      [
        { header: "variant" },
        { header: "CPU/sheet", align: "right" },
        { header: "saved (median pair)", align: "right" },
        { header: "middle half", align: "right" },
        { header: "min … max", align: "right" },
        { header: "patch" },
      ],
      rows,
    );
    console.log(`after: ${describeBusyness(after)}`);
    for (const p of present.filter((q) => q.measured)) {
      const m = median(saved.get(`+${p.id}`)!);
      console.log(
        target(
          m >= KEEP_THRESHOLD,
          `${p.id} alone saves ${pct(m)} of a sheet's CPU (keep at ≥ ${pct(KEEP_THRESHOLD)})`,
        ),
      );
    }
    const file = await writeResults("pdf-patches", {
      startedAt: started.toISOString(),
      tree: tree.label,
      settings: { ROUNDS, BLOCK, WARMUP_CALLS },
      before,
      after,
      sameAsBase,
      bytes: Object.fromEntries([...outputs].map(([id, b]) => [id, b.length])),
      cpuMsPerSheet: Object.fromEntries(cpu),
      saved: Object.fromEntries(saved),
    });
    console.log(`results: ${path.relative(ROOT, file)}`);
  } finally {
    for (const p of present) p.sw.enabled = true;
    await rm(tmp, { recursive: true, force: true });
  }
}

await main();
