import PDFDocument from "pdfkit";
import { describe, expect, it } from "vitest";
import { fixedClock } from "../../../src/core/index.ts";
import { installLeanLayout } from "../../../src/pdf/font-layout.ts";
import { FONTS, registerSheetFonts } from "../../../src/pdf/fonts.ts";
import { renderSheet } from "../../../src/pdf/index.ts";
import { EXAMPLE_KINDS, validatedExample } from "../../helpers/sheets.ts";

interface Run {
  glyphs: { id: number }[] | null;
  positions: object[] | null;
  advanceWidth: number;
}
interface Embedded {
  layout(text: string, features?: unknown, onlyWidth?: boolean): Run;
  encode(text: string, features?: unknown): [string[], object[]];
  widthOfString(text: string, size: number, features?: unknown): number;
  widths: unknown[];
  unicode: unknown[];
  subset: { glyphs: number[] };
}

/** The document's current font after `doc.font(name)`: a pdfkit EmbeddedFont. */
function embeddedFont(name: string, lean: boolean): Embedded {
  const doc = new PDFDocument({ autoFirstPage: false });
  registerSheetFonts(doc);
  doc.font(name);
  const font = (doc as unknown as { _font: Embedded & object })._font;
  if (!lean) {
    // Back to pdfkit's own methods (on the prototype).
    delete (font as Partial<Embedded>).layout;
    delete (font as Partial<Embedded>).encode;
    delete (font as Partial<Embedded>).widthOfString;
  }
  return font;
}

const TEXTS = [
  "",
  " ",
  "\t",
  "mot",
  "deux mots",
  "  espaces  doubles  ",
  "tab\tulé\t",
  "fin avec espace ",
  "Œdème, cœur, « reprise » ; 38,5 °C ≥ seuil — élève, où, çà",
  "𝔸 surrogate 😀 pairs",
  "Patient hospitalisé du 12/01 au 16/01/2026 pour décompensation cardiaque ; ".repeat(6),
];

describe("lean EmbeddedFont layout and encode", () => {
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

  it.each(["regular", "bold", "italic"])("gives pdfkit's own layout results (%s)", (name) => {
    const lean = embeddedFont(name, true);
    const stock = embeddedFont(name, false);
    expect(Object.hasOwn(lean, "layout") && !Object.hasOwn(stock, "layout")).toBe(true);
    for (const text of TEXTS) {
      const a = lean.layout(text);
      const b = stock.layout(text);
      expect(a.glyphs?.map((g) => g.id)).toEqual(b.glyphs?.map((g) => g.id));
      expect(a.positions).toEqual(b.positions);
      // The same cached per-word objects: the text was split into the same words.
      a.positions?.forEach((p, i) => {
        expect(p).toBe(b.positions?.[i]);
      });
      expect(a.advanceWidth).toBe(b.advanceWidth);
      expect(lean.layout(text, undefined, true).advanceWidth).toBe(b.advanceWidth);
      expect(lean.layout(text, undefined, true).glyphs).toBeNull();
      for (const size of [7.5, 8.5, 9.5, 11.5, 16]) {
        expect(lean.widthOfString(text, size)).toBe(stock.widthOfString(text, size));
        expect(lean.widthOfString(text, size, ["kern"])).toBe(stock.widthOfString(text, size, ["kern"]));
      }
      const features = ["liga"];
      expect(lean.layout(text, features).advanceWidth).toBe(stock.layout(text, features).advanceWidth);
    }
  });

  it("encodes like pdfkit: same hex codes, positions, subset order, widths and ToUnicode entries", () => {
    const lean = embeddedFont("regular", true);
    const stock = embeddedFont("regular", false);
    for (const text of [...TEXTS, ...TEXTS.map((t) => t.toUpperCase())]) {
      expect(lean.encode(text)).toEqual(stock.encode(text));
    }
    expect(lean.subset.glyphs).toEqual(stock.subset.glyphs);
    expect(lean.widths).toEqual(stock.widths);
    expect(lean.unicode).toEqual(stock.unicode);
  });

  it("leaves objects that are not pdfkit embedded fonts alone", () => {
    expect(installLeanLayout({})).toBe(false);
    expect(installLeanLayout({ layoutCached: () => null })).toBe(false);
  });
});

describe("registerSheetFonts", () => {
  it("builds one pdfkit font per style when the document's default font is the regular one", () => {
    const doc = new PDFDocument({ autoFirstPage: false, font: FONTS.regular as unknown as string });
    registerSheetFonts(doc);
    const internals = doc as unknown as { _fontCount: number; _fontFamilies: Record<string, { id: string }> };
    expect(internals._fontCount).toBe(3);
    expect(internals._fontFamilies.regular?.id).toBe("F1");
    for (const name of ["regular", "bold", "italic"]) {
      expect(Object.hasOwn(doc.font(name) as unknown as { _font: object }, "_font")).toBe(true);
    }
    expect(internals._fontCount).toBe(3);
  });
});
