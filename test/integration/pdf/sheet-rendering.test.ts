/** Rendered sheets read back by poppler: text copies out exactly, pages are drawn, furniture on every page. */
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../src/core/index.ts";
import { renderSheet } from "../../../src/pdf/index.ts";
import { EXAMPLE_KINDS, validatedExample } from "../../helpers/sheets.ts";
import { flat, pages, pdftotext } from "../../helpers/poppler.ts";
import { tempDir } from "../../helpers/tmp.ts";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(async () => cleanup());

const opts = { clock: fixedClock("2026-01-16T09:30:00Z"), sheetId: "sheet-42" } as const;

async function renderTo(
  name: string,
  kind: (typeof EXAMPLE_KINDS)[number],
  fonts?: "per-document",
): Promise<string> {
  const sheet = await validatedExample(kind);
  const file = path.join(dir, name);
  writeFileSync(file, await renderSheet(sheet.form, sheet.data, { ...opts, ...(fonts ? { fonts } : {}) }));
  return file;
}

describe("rendered sheets, read back with poppler", () => {
  it("copies out every French character exactly (embedded Unicode font with ToUnicode)", async () => {
    const file = await renderTo("discharge.pdf", "discharge");
    const text = flat(pdftotext(file));
    for (const s of [
      "é",
      "è",
      "à",
      "ç",
      "œ",
      "«",
      "»",
      "’",
      "°",
      "≥",
      "Lettre de liaison à la sortie d’hospitalisation",
    ]) {
      expect(text).toContain(s);
    }
    const sheet = await validatedExample("discharge");
    const synthesis = JSON.stringify(sheet.data).match(/"[^"]{80,}"/)![0];
    const sample = (JSON.parse(synthesis) as string).split("\n")[0]!.slice(0, 60);
    expect(text).toContain(flat(sample));
  });

  it("puts the establishment, the patient and 'page N / M' on every page", async () => {
    const file = await renderTo("discharge-pages.pdf", "discharge");
    const n = pages(file);
    expect(n).toBeGreaterThanOrEqual(2);
    for (let p = 1; p <= n; p++) {
      const text = flat(pdftotext(file, p));
      expect(text).toContain(`page ${p} / ${n}`);
      expect(text).toContain("Centre hospitalier de Valmont");
      expect(text).toContain("MARCHAL Odette Marie Louise");
      expect(text).toContain("INS 2 48 03 75 112 047 21");
    }
  });

  it.each(EXAMPLE_KINDS)("draws %s pages that are not blank", async (kind) => {
    const file = await renderTo(`${kind}.pdf`, kind);
    execFileSync("pdftoppm", [
      "-r",
      "40",
      "-gray",
      "-f",
      "1",
      "-l",
      "1",
      file,
      path.join(dir, `${kind}-img`),
    ]);
    const pgm = readdirSync(dir).find((f) => f.startsWith(`${kind}-img`))!;
    const bytes = readFileSync(path.join(dir, pgm));
    // PGM: header "P5 W H 255" then one byte per pixel; count dark pixels (text and rules).
    const [, w, h] = /^P5\s+(\d+)\s+(\d+)\s+255\s/.exec(bytes.subarray(0, 32).toString("latin1")) ?? [];
    const pixels = bytes.subarray(bytes.length - Number(w) * Number(h));
    const dark = pixels.filter((v) => v < 128).length;
    expect(dark / pixels.length).toBeGreaterThan(0.003);
    expect(dark / pixels.length).toBeLessThan(0.5);
  });

  it("renders identical pixels and text with the shared font cache and with plain per-document fonts", async () => {
    for (const kind of EXAMPLE_KINDS) {
      const shared = await renderTo(`${kind}-shared.pdf`, kind);
      const plain = await renderTo(`${kind}-plain.pdf`, kind, "per-document");
      expect(pdftotext(shared)).toBe(pdftotext(plain));
      const img = (f: string): Buffer =>
        execFileSync("pdftoppm", ["-r", "30", "-gray", "-f", "1", "-l", "2", f], { maxBuffer: 64 << 20 });
      expect(img(shared).equals(img(plain)), kind).toBe(true);
    }
  });

  it("passes qpdf's structural check", async () => {
    const file = await renderTo("admission-qpdf.pdf", "admission");
    expect(execFileSync("qpdf", ["--check", file], { encoding: "utf8" })).toContain(
      "No syntax or stream encoding errors",
    );
  });
});
