/**
 * renderCdaPdf checked by independent tools: pdfsig (signature valid, whole document), pdfdetach
 * (the embedded CDA extracted by poppler is byte-identical to the one received), pdftotext (every
 * section title and every piece of narrative text — paragraphs, list items, table cells — and the
 * patient's identity are on the pages; an N1 text body too), qpdf --check (structure).
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCda, type CdaSection } from "../../../src/cda/read/index.ts";
import { fixedClock } from "../../../src/core/index.ts";
import { renderCdaPdf } from "../../../src/pdf/cda-render/index.ts";
import { EMBEDDED_CDA_NAME } from "../../../src/pdf/index.ts";
import { P12Signer } from "../../../src/pdf/sign/signer.ts";
import { cdaDocuments, N1_TEXT } from "../../unit/pdf/cda-render/documents.ts";
import { makePki, PASSPHRASE, type TestPki } from "../../unit/pdf/sign-fixtures.ts";

const run = promisify(execFile);
const clock = fixedClock("2025-03-10T14:30:00Z");
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");
/**
 * Text compared without whitespace and hyphens: pdftotext breaks lines and spaces table cells its
 * own way, and joins a word hyphenated at the end of a line ("NT-" + "proBNP" → "NTproBNP").
 */
const squash = (s: string): string => s.replace(/[\s\-‐]+/g, "");

/** Every title and every narrative piece (line, list item without its marker, table cell) of a section tree. */
function expectedTexts(sections: readonly CdaSection[]): string[] {
  return sections.flatMap((s) => [
    ...(s.title === undefined ? [] : [s.title]),
    ...s.text
      .split("\n")
      // Table rows are flattened as cells joined by " | " (an empty last cell leaves a trailing " |").
      .flatMap((line) => line.replace(/^(- |\d+\. )/, "").split(/ \|(?: |$)/))
      .filter((t) => t.trim() !== ""),
    ...expectedTexts(s.sections),
  ]);
}

let dir: string;
let pki: TestPki;
let signer: P12Signer;
let docs: Awaited<ReturnType<typeof cdaDocuments>>;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "passerelle-cda-pdf-"));
  pki = await makePki();
  signer = await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE);
  docs = await cdaDocuments();
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await pki.cleanup();
});

describe("renderCdaPdf checked by pdfsig, pdfdetach, pdftotext and qpdf", () => {
  it("every document: valid signature, CDA extracted byte-identical, its text on the pages", async () => {
    for (const [i, { name, bytes }] of docs.entries()) {
      const reading = readCda(bytes);
      const { pdf } = await renderCdaPdf(reading, bytes, signer, { clock });
      const path = join(dir, `doc-${String(i)}.pdf`);
      await writeFile(path, pdf);

      const sig = (await run("pdfsig", [path])).stdout;
      expect(sig, name).toContain("Signature is Valid");
      expect(sig).toContain("Total document signed");

      const listed = (await run("pdfdetach", ["-list", path])).stdout;
      expect(listed).toContain(EMBEDDED_CDA_NAME);
      const extracted = join(dir, `doc-${String(i)}.cda.xml`);
      await run("pdfdetach", ["-save", "1", "-o", extracted, path]);
      expect(sha256(await readFile(extracted)), name).toBe(sha256(bytes));

      // The page body only (A4 at 72 dpi, between the header band and the footer, see layout.ts),
      // so that text flowing over a page break reads on; -raw keeps the drawing order, so a table
      // cell whose text wraps reads as one piece.
      const crop = ["-r", "72", "-x", "0", "-y", "85", "-W", "600", "-H", "705"];
      const text = squash((await run("pdftotext", ["-raw", "-enc", "UTF-8", ...crop, path, "-"])).stdout);
      const expected =
        reading.body.kind === "structured"
          ? expectedTexts(reading.body.sections)
          : reading.body.embedded.bytes.toString("utf8").split("\n");
      expect(expected.length, name).toBeGreaterThan(0);
      for (const piece of expected) expect(text, `${name}: ${piece}`).toContain(squash(piece));
      if (reading.patient.family !== undefined) expect(text).toContain(squash(reading.patient.family));
      if (reading.custodian?.name !== undefined) expect(text).toContain(squash(reading.custodian.name));
      expect(text).toContain(squash(reading.author.name ?? ""));

      const check = await run("qpdf", ["--check", path]).catch((e: unknown) => e as { stdout: string });
      expect(check.stdout).toContain("No syntax or stream encoding errors");
    }
  });

  it("the N1 text body is on the page line by line", async () => {
    const n1 = docs.find((d) => d.name.startsWith("N1"));
    if (!n1) throw new Error("no N1 document");
    const { pdf } = await renderCdaPdf(readCda(n1.bytes), n1.bytes, signer, { clock });
    const path = join(dir, "n1.pdf");
    await writeFile(path, pdf);
    const text = (await run("pdftotext", ["-enc", "UTF-8", path, "-"])).stdout;
    for (const line of N1_TEXT.split("\n")) expect(text).toContain(line);
  });
});
