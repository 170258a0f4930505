/** Tables drawn by `drawTable`, read back by poppler: every cell, page breaks between rows, a row taller than a page. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import PDFDocument from "pdfkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PAGE, collectPdf, drawTable, registerSheetFonts } from "../../../src/pdf/render/index.ts";
import { flat, pages, pdftotext } from "../../helpers/poppler.ts";
import { tempDir } from "../../helpers/tmp.ts";

let dir: string;
let cleanup: () => Promise<void>;
beforeAll(async () => ({ dir, cleanup } = await tempDir()));
afterAll(async () => cleanup());

/** A document with the sheet fonts, `draw` run on it from `startY`, written to `name`. */
async function drawn(
  name: string,
  startY: number | "top",
  draw: (doc: PDFKit.PDFDocument) => void,
): Promise<{ file: string; endY: number }> {
  const doc = new PDFDocument({ size: PAGE.size, margins: PAGE.margins });
  const done = collectPdf(doc);
  registerSheetFonts(doc);
  if (startY !== "top") doc.y = startY;
  draw(doc);
  const endY = doc.y;
  doc.end();
  const file = path.join(dir, name);
  writeFileSync(file, await done);
  return { file, endY };
}

describe("drawTable", () => {
  it("draws the header and every cell, ragged rows included, and leaves the cursor below the table", async () => {
    const header = [["Médicament", "Posologie", "Durée"]];
    const body = [
      ["Furosémide 40 mg", "1 comprimé le matin ; 2 si prise de poids ≥ 2 kg en 3 jours", "Au long cours"],
      ["Bisoprolol 5 mg", "1 comprimé le matin"],
      ["Paracétamol 1 g", "", "10 jours"],
    ];
    const { file, endY } = await drawn("table.pdf", "top", (doc) => {
      drawTable(doc, PAGE.margins.left, header, body);
    });
    const text = flat(pdftotext(file, 1));
    for (const cell of [...header, ...body].flat().filter((c) => c !== "")) {
      for (const word of cell.split(" ")) expect(text).toContain(word);
    }
    expect(pages(file)).toBe(1);
    // Four rows, the second laid out on two lines or more: well below where the table started.
    expect(endY).toBeGreaterThan(PAGE.margins.top + 4 * 14);
  });

  it("moves a row that does not fit to the next page whole", async () => {
    const tall = ["Ligne un de la cellule", "deux", "trois", "quatre", "cinq"].join("\n");
    const { file } = await drawn("break.pdf", "top", (doc) => {
      // Leave room for the header row and a line or two, not for the five-line row.
      doc.y = doc.page.maxY() - 40;
      drawTable(doc, PAGE.margins.left, [["Examen", "Résultat"]], [["Ionogramme", tall]]);
    });
    expect(pages(file)).toBe(2);
    expect(pdftotext(file, 1)).toContain("Examen");
    expect(pdftotext(file, 1)).not.toContain("Ionogramme");
    const second = flat(pdftotext(file, 2));
    for (const word of ["Ionogramme", "Ligne un de la cellule", "deux", "trois", "quatre", "cinq"]) {
      expect(second).toContain(word);
    }
  });

  it("starts a row taller than a page on a new page, cuts it at the foot with an ellipsis, and goes on", async () => {
    const endless = Array.from({ length: 200 }, (_, i) => `ligne ${String(i + 1)}`).join("\n");
    const { file, endY } = await drawn("tall.pdf", "top", (doc) => {
      drawTable(doc, PAGE.margins.left, [["Observation"]], [[endless], ["après"]]);
    });
    expect(pages(file)).toBe(3);
    expect(pdftotext(file, 1)).toContain("Observation");
    const cut = pdftotext(file, 2);
    expect(cut).toContain("ligne 1\n");
    expect(cut).not.toContain("ligne 200");
    expect(cut).toContain("…");
    expect(pdftotext(file, 3)).toContain("après");
    expect(endY).toBeLessThan(PAGE.margins.top + 40);
  });
});
