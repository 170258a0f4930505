/**
 * veraPDF (the PDF Association's PDF/A validator) finds the signed PDF that renderCdaPdf makes of
 * each CDA document compliant with PDF/A-3b (ISO 19005-3, level B), and still compliant after
 * sealPdf added a signature as an incremental update; a plain pdfkit PDF is not,
 * which shows the check can fail. Skipped when the veraPDF jars are absent:
 * `scripts/validators-fetch.sh` brings them (java and mvn needed).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCda } from "../../../src/cda/read/index.ts";
import { fixedClock } from "../../../src/core/index.ts";
import { renderCdaPdf } from "../../../src/pdf/cda-render/index.ts";
import { sealPdf } from "../../../src/pdf/seal/index.ts";
import { P12Signer } from "../../../src/pdf/sign/signer.ts";
import { cdaDocuments } from "../../unit/pdf/cda-render/documents.ts";
import { makePki, PASSPHRASE, renderSample, type TestPki } from "../../unit/pdf/sign-fixtures.ts";

const run = promisify(execFile);
const LIB = resolve(".cache/verapdf/lib");
const available = existsSync(join(LIB, "validation-model-1.28.2.jar"));

/** veraPDF's verdict per file: compliant, and the failed rules (clause-test and message). */
async function veraPdf(
  paths: readonly string[],
): Promise<Map<string, { compliant: boolean; failed: string[] }>> {
  const { stdout } = await run(
    "java",
    ["-cp", `${LIB}/*`, resolve("test/verapdf/VeraPdfValidate.java"), ...paths],
    {
      maxBuffer: 16 * 1024 * 1024,
      timeout: 240_000,
    },
  );
  const out = new Map<string, { compliant: boolean; failed: string[] }>();
  let current: { compliant: boolean; failed: string[] } | undefined;
  for (const line of stdout.split("\n")) {
    const file = /^file=(.*) compliant=(true|false)$/.exec(line);
    if (file?.[1] !== undefined) {
      current = { compliant: file[2] === "true", failed: [] };
      out.set(file[1], current);
    } else if (line.startsWith("failed ")) current?.failed.push(line.slice(7));
  }
  return out;
}

let dir: string;
let pki: TestPki;
const rendered: string[] = [];
let plainPath: string;
let sealedPath: string;

beforeAll(async () => {
  if (!available) return;
  dir = await mkdtemp(join(tmpdir(), "passerelle-verapdf-"));
  pki = await makePki();
  const signer = await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE);
  for (const [i, { bytes }] of (await cdaDocuments()).entries()) {
    const { pdf } = await renderCdaPdf(readCda(bytes), bytes, signer, {
      clock: fixedClock("2025-03-10T14:30:00Z"),
    });
    const path = join(dir, `cda-${String(i)}.pdf`);
    await writeFile(path, pdf);
    rendered.push(path);
  }
  // A PDF/A-3b document sealed again (incremental update, ISO 32000-1 §7.5.6) stays PDF/A-3b.
  const first = rendered[0];
  if (first === undefined) throw new Error("no rendered document");
  sealedPath = join(dir, "sealed.pdf");
  await writeFile(sealedPath, await sealPdf(await readFile(first), signer, { signingTime: new Date() }));
  plainPath = join(dir, "plain.pdf");
  await writeFile(plainPath, await renderSample({ placeholder: false }));
}, 120_000);
afterAll(async () => {
  if (!available) return;
  await rm(dir, { recursive: true, force: true });
  await pki.cleanup();
});

describe.skipIf(!available)("veraPDF on renderCdaPdf's output", () => {
  it("every rendered CDA document is PDF/A-3b compliant, and still is once sealed; a plain pdfkit PDF is not", async () => {
    const verdicts = await veraPdf([...rendered, sealedPath, plainPath]);
    for (const path of [...rendered, sealedPath])
      expect(verdicts.get(path), path).toEqual({ compliant: true, failed: [] });
    expect(verdicts.get(plainPath)?.compliant).toBe(false);
    expect(verdicts.get(plainPath)?.failed.length).toBeGreaterThan(0);
  }, 300_000);
});
