import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import * as fontkit from "fontkit";

const require = createRequire(import.meta.url);
const dir = path.join(path.dirname(require.resolve("dejavu-fonts-ttf/package.json")), "ttf");

/** Paths of the TrueType files (what plain pdfkit code passes to `registerFont`). */
export const FONT_FILES = {
  regular: path.join(dir, "DejaVuSans.ttf"),
  bold: path.join(dir, "DejaVuSans-Bold.ttf"),
  italic: path.join(dir, "DejaVuSans-Oblique.ttf"),
} as const;

/** Plain pdfkit font registration (files read and parsed for this document only). */
export function registerFontFiles(doc: PDFKit.PDFDocument): void {
  for (const [name, file] of Object.entries(FONT_FILES)) doc.registerFont(name, file);
}

type ParsedFont = fontkit.Font;
const cache = new Map<string, ParsedFont>();

/**
 * Parses a TrueType font once per process. pdfkit accepts a fontkit font object and would otherwise
 * re-read and re-parse DejaVu's large GSUB/GPOS tables for every document (~190 ms of a ~200 ms render).
 * Each document still builds its own subset, so output is unchanged.
 */
function load(file: string): ParsedFont {
  let font = cache.get(file);
  if (font === undefined) {
    const parsed = fontkit.create(readFileSync(path.join(dir, file)));
    if (!("layout" in parsed)) throw new Error(`${file} is a font collection, not a font`);
    withCodePoints(parsed);
    font = parsed;
    cache.set(file, font);
  }
  return font;
}

/**
 * fontkit keeps the first glyph object it makes for a glyph id, with the code points it was made
 * for. Shared across documents, a glyph first made while a subset reads a composite glyph's
 * components has none, and pdfkit — which writes a glyph's ToUnicode entry from its code points —
 * then drops that character from text extraction (e.g. « ² ») in every later document of the
 * process. So each glyph the font maps a character to is made first from that character (public
 * fontkit API), except the presentation forms (U+FB00–U+FB4F: the « ﬁ » ligature glyph must keep
 * the « f », « i » the layout gives it).
 */
function withCodePoints(font: ParsedFont): void {
  for (const cp of font.characterSet) if (cp < 0xfb00 || cp > 0xfb4f) font.glyphForCodePoint(cp);
}

/**
 * DejaVu (npm `dejavu-fonts-ttf`, Bitstream Vera licence): full Latin coverage — é è à ç œ « » ’ ° ≥ —
 * embedded as a subset in every sheet, so the text renders and copies out exactly. Never fetched at
 * run time. Typed as pdfkit's font source: pdfkit takes a fontkit object where it takes a buffer.
 */
export const FONTS = {
  get regular(): PDFKit.Mixins.PDFFontSource {
    return load("DejaVuSans.ttf") as unknown as PDFKit.Mixins.PDFFontSource;
  },
  get bold(): PDFKit.Mixins.PDFFontSource {
    return load("DejaVuSans-Bold.ttf") as unknown as PDFKit.Mixins.PDFFontSource;
  },
  get italic(): PDFKit.Mixins.PDFFontSource {
    return load("DejaVuSans-Oblique.ttf") as unknown as PDFKit.Mixins.PDFFontSource;
  },
};

interface EmbeddedFontInternals {
  font?: unknown;
  layoutCache?: Record<string, unknown>;
}
const layoutCaches = new WeakMap<object, { cache: Record<string, unknown>; uses: number }>();
/**
 * Bound of a shared cache, in words: past it the cache starts afresh (a sheet adds a few hundred
 * words, a few hundred bytes each). Counted every {@link LAYOUT_CACHE_CHECK_EVERY} documents, not
 * bounded by a document count: dropping a warm cache re-shapes every word of the next sheets and
 * makes V8 re-optimise the shaping code, a periodic stall measured in bench/sheets.ts.
 */
export const LAYOUT_CACHE_MAX_WORDS = 20_000;
const LAYOUT_CACHE_CHECK_EVERY = 50;

/**
 * Registers the sheet fonts on `doc` and gives them a process-wide word-layout cache. pdfkit caches
 * each word's OpenType shaping per document; shaping is a pure function of font and word, and pdfkit
 * copies a cached position before changing it, so sharing the cache across documents is safe and
 * removes most of the rendering time of a sheet.
 */
export function registerSheetFonts(doc: PDFKit.PDFDocument): void {
  doc.registerFont("regular", FONTS.regular, "regular");
  doc.registerFont("bold", FONTS.bold, "bold");
  doc.registerFont("italic", FONTS.italic, "italic");
  // pdfkit caches a font under its registered name only when it is the first of that PostScript
  // name; otherwise each `doc.font("bold")` builds a new font object and compares it (slow). Pin each
  // name — and family, used when tables restore the font from its raw source — to one instance.
  const internals = doc as unknown as {
    _font?: EmbeddedFontInternals;
    _fontFamilies?: Record<string, EmbeddedFontInternals>;
  };
  const families = internals._fontFamilies ?? {};
  // The document's default font (the `font` option of renderSheet) already is DejaVu Sans regular:
  // pin "regular" to it, rather than building a second instance that pdfkit then compares with it
  // (JSON of the whole name table) and drops.
  if (internals._font?.font === FONTS.regular && !("regular" in families)) families.regular = internals._font;
  for (const name of ["italic", "bold", "regular"]) {
    doc.font(name);
    if (internals._font !== undefined) families[name] = internals._font;
  }
  for (const embedded of new Set(Object.values(families))) {
    if (typeof embedded.font !== "object" || embedded.font === null || embedded.layoutCache === undefined)
      continue;
    let shared = layoutCaches.get(embedded.font);
    const full =
      shared !== undefined &&
      shared.uses % LAYOUT_CACHE_CHECK_EVERY === 0 &&
      Object.keys(shared.cache).length > LAYOUT_CACHE_MAX_WORDS;
    if (shared === undefined || full) {
      shared = { cache: Object.create(null) as Record<string, unknown>, uses: 0 };
      layoutCaches.set(embedded.font, shared);
    }
    shared.uses++;
    embedded.layoutCache = shared.cache;
  }
}
