/**
 * Leaner versions of pdfkit 0.20's `EmbeddedFont.layout`, `widthOfString` and `encode`, installed on
 * the sheet fonts of each document (see fonts.ts). Same results, less work per call:
 *
 * - `layout` splits the text into words after each space or tab and looks each word up in the
 *   layout cache, as pdfkit does, but scans character codes instead of building a one-character
 *   string and a two-element array per character, and appends each word's glyphs in place instead
 *   of copying the whole line's arrays again for every word (`concat`, quadratic in the words).
 * - `widthOfString` sums the words' cached advances without building glyph arrays or a result.
 * - `encode` takes each glyph's 4-digit hex code from a table instead of formatting a new string
 *   per glyph.
 *
 * They return the same glyph and position objects (the cached ones) in the same order:
 * test/unit/pdf/font-layout.test.ts compares them with pdfkit's own methods. Relies on pdfkit
 * internals (`layoutCached`, `layoutRun`, `subset`, `widths`, `unicode`, `scale`); when one is
 * missing the font keeps pdfkit's methods.
 */

interface Glyph {
  readonly id: number;
  readonly advanceWidth: number;
  readonly codePoints: number[];
}
interface GlyphRun {
  readonly glyphs: Glyph[];
  readonly positions: object[];
  readonly advanceWidth: number;
}
interface LayoutResult {
  glyphs: Glyph[] | null;
  positions: object[] | null;
  advanceWidth: number;
}

/** The pdfkit EmbeddedFont internals these methods use. */
interface EmbeddedFontInternals {
  layoutCached(text: string): GlyphRun;
  layoutRun(text: string, features?: unknown): GlyphRun;
  layout(text: string, features?: unknown, onlyWidth?: boolean): LayoutResult | GlyphRun;
  encode(text: string, features?: unknown): [string[], object[]];
  widthOfString(text: string, size: number, features?: unknown): number;
  subset: { includeGlyph(gid: number): number };
  widths: (number | undefined)[];
  unicode: (number[] | undefined)[];
  scale: number;
}

/** `0000`…`ffff`, filled on first use (a font has at most 65 536 glyphs). */
const hexCodes: string[] = [];
function hex(gid: number): string {
  let code = hexCodes[gid];
  if (code === undefined) {
    code = `0000${gid.toString(16)}`.slice(-4);
    hexCodes[gid] = code;
  }
  return code;
}

function layout(
  this: EmbeddedFontInternals,
  text: string,
  features?: unknown,
  onlyWidth?: boolean,
): LayoutResult | GlyphRun {
  if (features) return this.layoutRun(text, features);
  const glyphs: Glyph[] | null = onlyWidth ? null : [];
  const positions: object[] | null = onlyWidth ? null : [];
  let advanceWidth = 0;
  forEachWord(text, (word) => {
    const run = this.layoutCached(word);
    if (glyphs !== null && positions !== null) {
      for (const g of run.glyphs) glyphs.push(g);
      for (const p of run.positions) positions.push(p);
    }
    advanceWidth += run.advanceWidth;
  });
  return { glyphs, positions, advanceWidth };
}

/** Calls `fn` on each word of `text`: up to and including the next space or tab (pdfkit's split). */
function forEachWord(text: string, fn: (word: string) => void): void {
  let last = 0;
  while (last < text.length) {
    let end = last;
    while (end < text.length) {
      const c = text.charCodeAt(end++);
      if (c === 32 || c === 9) break;
    }
    fn(last === 0 && end === text.length ? text : text.slice(last, end));
    last = end;
  }
}

/** `layout(text).advanceWidth` scaled to `size`, without building a result (one call per word wrapped). */
function widthOfString(this: EmbeddedFontInternals, text: string, size: number, features?: unknown): number {
  if (features) return this.layoutRun(text, features).advanceWidth * (size / 1000);
  let width = 0;
  forEachWord(text, (word) => {
    width += this.layoutCached(word).advanceWidth;
  });
  return width * (size / 1000); // pdfkit's rounding: width * scale
}

function encode(this: EmbeddedFontInternals, text: string, features?: unknown): [string[], object[]] {
  const { glyphs, positions } = this.layout(text, features) as GlyphRun;
  const res: string[] = [];
  for (const glyph of glyphs) {
    const gid = this.subset.includeGlyph(glyph.id);
    res.push(hex(gid));
    if (this.widths[gid] == null) this.widths[gid] = glyph.advanceWidth * this.scale;
    if (this.unicode[gid] == null) this.unicode[gid] = glyph.codePoints;
  }
  return [res, positions];
}

/** Off: the fonts keep pdfkit's methods (bench/pdf-patches.ts measures the patch against that). */
export const leanLayout = { enabled: true };

/** Installs the lean `layout`, `encode` and `widthOfString` on one pdfkit EmbeddedFont; false when it is not one. */
export function installLeanLayout(embedded: object): boolean {
  const f = embedded as Partial<EmbeddedFontInternals>;
  if (
    !leanLayout.enabled ||
    typeof f.layoutCached !== "function" ||
    typeof f.layoutRun !== "function" ||
    typeof f.subset?.includeGlyph !== "function" ||
    !Array.isArray(f.widths) ||
    !Array.isArray(f.unicode) ||
    typeof f.scale !== "number"
  ) {
    return false;
  }
  f.layout = layout;
  f.encode = encode;
  f.widthOfString = widthOfString;
  return true;
}
