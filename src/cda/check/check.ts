/**
 * Conformance of CDA R2 documents to the ANS CI-SIS, as the ANS checks it: the XML schema with the
 * French extensions (`infrastructure/cda/CDA_extended.xsd`, by xmllint), then the volet's
 * schematron and the CI-SIS profiles (`CI-SIS_ModelesDeContenusCDA.sch`, `CI-SIS_Modeles_ANS.sch`)
 * through the ISO Schematron pipeline on Saxon-HE. A document conforms when the schema validates
 * and no `svrl:failed-assert` has a role other than `warning`/`info` (no role counts as error).
 */
import { execFile } from "node:child_process";
import { readFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { PasserelleError } from "../../core/index.ts";
import { CDA_XSD, schematronsFor, voletOf, type Volet } from "./kit.ts";
import { compiledSchematrons, runDriver } from "./saxon.ts";

const run = promisify(execFile);

export interface SchematronAssert {
  /** `failed-assert` or `successful-report` (SVRL). */
  readonly kind: string;
  readonly id: string;
  readonly role: string;
  /** XPath of the node the rule fired on. */
  readonly location: string;
  readonly text: string;
  /** The kit-relative schematron that raised it. */
  readonly schematron: string;
}

export interface CdaCheckReport {
  readonly file: string;
  readonly volet: Volet | undefined;
  /** xmllint's schema errors (quoted values elided), empty when the document validates. */
  readonly xsdErrors: readonly string[];
  /** Failed asserts that count: no role, or role `error`/`fatal`. */
  readonly errors: readonly SchematronAssert[];
  /** Failed asserts with role `warning`/`info`, and successful reports: reported, not counted. */
  readonly notes: readonly SchematronAssert[];
  /** Rules that fired, per schematron: a sanity check that the schematron looked at the document. */
  readonly firedRules: Readonly<Record<string, number>>;
}

export const conforms = (r: CdaCheckReport): boolean =>
  r.xsdErrors.length === 0 && r.errors.length === 0 && r.volet !== undefined;

/** xmllint --schema over all files at once; its messages per file. */
async function xsdErrors(kitDir: string, files: readonly string[]): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>(files.map((f) => [f, []]));
  let stderr: string;
  try {
    ({ stderr } = await run(
      "xmllint",
      ["--noout", "--nonet", "--schema", path.join(kitDir, CDA_XSD), ...files],
      {
        maxBuffer: 64 << 20,
      },
    ));
  } catch (e) {
    const err = e as { code?: unknown; stderr?: string };
    if (err.code === "ENOENT")
      throw new PasserelleError("UNAVAILABLE", "xmllint not found (Debian package libxml2-utils)");
    stderr = err.stderr ?? "";
  }
  for (const line of stderr.split("\n")) {
    const f = files.find((x) => line.startsWith(`${x}:`));
    if (f === undefined || line.includes("Schemas parser warning")) continue;
    out.get(f)?.push(line.slice(f.length + 1).replace(/\b(value|of the value) '[^']*'/gi, "$1 '…'"));
  }
  return out;
}

const COUNTED = new Set(["", "error", "fatal"]);

/**
 * Checks every file against the schema and the schematrons of the volet it declares (or `volet`);
 * one Saxon run for all files of a volet.
 */
export async function checkCdaFiles(
  kitDir: string,
  files: readonly string[],
  volet?: Volet,
): Promise<CdaCheckReport[]> {
  const abs = files.map((f) => path.resolve(f));
  const volets = abs.map((f) => volet ?? voletOf(readFileSync(f, "utf8")));
  const xsd = await xsdErrors(kitDir, abs);
  const reports = new Map<string, CdaCheckReport>();
  for (const v of new Set(volets)) {
    const mine = abs.filter((_, i) => volets[i] === v);
    if (v === undefined) {
      for (const f of mine)
        reports.set(f, {
          file: f,
          volet: v,
          xsdErrors: xsd.get(f) ?? [],
          errors: [],
          notes: [],
          firedRules: {},
        });
      continue;
    }
    const schs = schematronsFor(v);
    const xsls = await compiledSchematrons(kitDir, schs);
    const byXsl = new Map(xsls.map((x, i) => [pathToFileURL(x).href, schs[i] as string]));
    const result = (await runDriver({
      mode: "run",
      stylesheets: xsls.map((x) => pathToFileURL(x).href).join(" "),
      documents: mine.map((f) => pathToFileURL(f).href).join(" "),
    })) as DriverDoc[];
    mine.forEach((f, i) => reports.set(f, toReport(f, v, xsd.get(f) ?? [], result[i], byXsl)));
  }
  return abs.map((f) => reports.get(f) as CdaCheckReport);
}

interface DriverDoc {
  readonly results: readonly {
    schematron: string;
    firedRules: number;
    asserts: readonly Omit<SchematronAssert, "schematron">[];
  }[];
}

function toReport(
  file: string,
  volet: Volet,
  xsd: string[],
  doc: DriverDoc | undefined,
  byXsl: Map<string, string>,
): CdaCheckReport {
  const errors: SchematronAssert[] = [];
  const notes: SchematronAssert[] = [];
  const firedRules: Record<string, number> = {};
  for (const r of doc?.results ?? []) {
    const schematron = byXsl.get(r.schematron) ?? r.schematron;
    firedRules[schematron] = r.firedRules;
    for (const a of r.asserts) {
      const counted = a.kind === "failed-assert" && COUNTED.has(a.role.toLowerCase());
      (counted ? errors : notes).push({ ...a, schematron });
    }
  }
  return { file, volet, xsdErrors: xsd, errors, notes, firedRules };
}
