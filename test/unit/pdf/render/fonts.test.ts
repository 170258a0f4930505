import PDFDocument from "pdfkit";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../../../../src/core/index.ts";
import { FONTS, registerSheetFonts } from "../../../../src/pdf/render/fonts.ts";
import { renderSheet } from "../../../../src/pdf/index.ts";
import { EXAMPLE_KINDS, validatedExample } from "../../../helpers/sheets.ts";

/** The pdfkit internals fonts.ts reads and writes (pdfkit 0.20). */
interface Embedded {
  font: object;
  layoutCache: Record<string, unknown>;
  layout(text: string): { advanceWidth: number };
}
interface DocInternals {
  _font: Embedded;
  _fontCount: number;
  _fontFamilies: Record<string, Embedded & { id: string }>;
}

describe("registerSheetFonts", () => {
  it("leaves a sheet's bytes unchanged by the sheets rendered before it (process-wide caches)", async () => {
    const opts = { clock: fixedClock("2026-01-16T09:30:00Z"), sheetId: "cache" };
    const first = await validatedExample("discharge");
    const cold = await renderSheet(first.form, first.data, opts); // first render of this file: cold caches
    for (const kind of EXAMPLE_KINDS) {
      const sheet = await validatedExample(kind);
      await renderSheet(sheet.form, sheet.data, opts);
    }
    expect((await renderSheet(first.form, first.data, opts)).equals(cold)).toBe(true);
  });

  it("builds one pdfkit font per style when the document's default font is the regular one", () => {
    const doc = new PDFDocument({ autoFirstPage: false, font: FONTS.regular as unknown as string });
    registerSheetFonts(doc);
    const internals = doc as unknown as DocInternals;
    expect(internals._fontCount).toBe(3);
    expect(internals._fontFamilies.regular?.id).toBe("F1");
    for (const name of ["regular", "bold", "italic"]) {
      expect(Object.hasOwn(doc.font(name) as unknown as { _font: object }, "_font")).toBe(true);
    }
    expect(internals._fontCount).toBe(3);
  });

  it("shares pdfkit's word-layout cache (EmbeddedFont.layoutCache) across documents, and pdfkit fills it", () => {
    const fontOf = (): Embedded => {
      const doc = new PDFDocument({ autoFirstPage: false, font: FONTS.regular as unknown as string });
      registerSheetFonts(doc);
      return (doc as unknown as DocInternals)._fontFamilies.regular!;
    };
    const a = fontOf();
    const b = fontOf();
    expect(a.font).toBe(FONTS.regular);
    expect(typeof a.layoutCache).toBe("object");
    expect(b.layoutCache).toBe(a.layoutCache);
    const word = `canari${String(Date.now())} `;
    expect(a.layoutCache[word]).toBeUndefined();
    a.layout(word);
    // pdfkit caches each word under the word itself; the next document finds it there.
    expect(b.layoutCache[word]).toBeDefined();
  });
});
