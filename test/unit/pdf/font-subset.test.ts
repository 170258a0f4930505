import { readFileSync } from "node:fs";
import * as fontkit from "fontkit";
import { describe, expect, it } from "vitest";
import { cacheSubsetGlyphs, cachedGlyphCount } from "../../../src/pdf/font-subset.ts";
import { FONT_FILES } from "../../../src/pdf/fonts.ts";

const open = (file: string): fontkit.Font => {
  const font = fontkit.create(readFileSync(file));
  if (!("layout" in font)) throw new Error("not a single font");
  return font;
};

/** Encodes the subset of `text`'s glyphs in first-use order, as pdfkit does. */
function subsetOf(font: fontkit.Font, text: string): Buffer {
  const subset = font.createSubset();
  for (const glyph of font.layout(text).glyphs) subset.includeGlyph(glyph);
  return Buffer.from(subset.encode());
}

const TEXTS = [
  "Compte rendu d’hospitalisation — sortie le 16/01/2026 à 09:30",
  "Œdème, cœur, Noël, « reprise » ; 38,5 °C ≥ seuil ; élève, où, çà, ÿ, Å, ǅ",
  "Paracétamol 1 g × 3/j — ÉVALUATION À J+7 : état général conservé",
];

describe("cacheSubsetGlyphs", () => {
  it("embeds the same font bytes as fontkit's own subsetter, for sheets rendered one after another", () => {
    for (const file of Object.values(FONT_FILES)) {
      const cached = open(file);
      cacheSubsetGlyphs(cached);
      for (const round of [1, 2]) {
        for (const text of TEXTS) {
          // A fresh, unpatched font each time: what pdfkit embeds without the cache.
          expect(
            subsetOf(cached, text).equals(subsetOf(open(file), text)),
            `${file} round ${String(round)}`,
          ).toBe(true);
        }
      }
    }
  });

  it("handles composite glyphs (accented capitals are built from components in DejaVu)", () => {
    const cached = open(FONT_FILES.regular);
    cacheSubsetGlyphs(cached);
    const glyph = cached.glyphForCodePoint("Ǻ".codePointAt(0)!) as unknown as {
      _decode(): { numberOfContours: number } | null;
    };
    expect(glyph._decode()?.numberOfContours).toBeLessThan(0);
    const text = "ǺÅǻ";
    expect(subsetOf(cached, text).equals(subsetOf(open(FONT_FILES.regular), text))).toBe(true);
  });

  it("holds one record per glyph used, bounded by the font's glyph count", () => {
    const cached = open(FONT_FILES.bold);
    cacheSubsetGlyphs(cached);
    cacheSubsetGlyphs(cached); // idempotent
    subsetOf(cached, TEXTS[0]!);
    const afterOne = cachedGlyphCount(cached);
    for (let i = 0; i < 5; i++) subsetOf(cached, TEXTS[0]!);
    expect(cachedGlyphCount(cached)).toBe(afterOne);
    const all = cached.createSubset();
    for (let gid = 0; gid < cached.numGlyphs; gid++) all.includeGlyph(cached.getGlyph(gid));
    all.encode();
    expect(cachedGlyphCount(cached)).toBe(cached.numGlyphs);
  });

  it("leaves the code points of a composite's components to the layout (pdfkit's ToUnicode needs them)", () => {
    const cached = open(FONT_FILES.regular);
    cacheSubsetGlyphs(cached);
    const ring = cached.glyphForCodePoint("Ǻ".codePointAt(0)!) as unknown as {
      _decode(): { components?: { glyphID: number }[] } | null;
    };
    const components = ring._decode()?.components?.map((c) => c.glyphID) ?? [];
    // The subset reads the components (e.g. A) before any text laid them out...
    subsetOf(cached, "Ǻ");
    // ...and a later document laying out "A" still gets a glyph that knows it is "A".
    const laidOut = cached.layout("AÅ´˚").glyphs.filter((g) => components.includes(g.id));
    expect(laidOut.length).toBeGreaterThan(0);
    for (const g of laidOut) expect(g.codePoints.length).toBeGreaterThan(0);
  });
});
