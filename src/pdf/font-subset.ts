/**
 * Process-wide glyph cache for fontkit's TrueType subsetter.
 *
 * pdfkit embeds a subset of each font in every document: fontkit's `TTFSubset._addGlyph` fully
 * decodes every used glyph's outline (only to learn whether it is a composite) and copies its
 * `glyf` bytes, for every document — about a fifth of a sheet's CPU time. What it extracts per
 * glyph is a pure function of the font and the glyph id, so it is kept here, once per font and
 * glyph: the raw `glyf` bytes, the components' offsets, the advance and left bearing. Each subset
 * still numbers its glyphs itself, in first-use order (with a Map rather than fontkit's object), so the embedded font is byte for byte what
 * fontkit builds (test/unit/pdf/font-subset.test.ts compares them).
 *
 * Bounded by the font's own glyph count (DejaVu Sans: ~6 000 glyphs, a few hundred used by French
 * sheets, ~100 bytes each). Relies on fontkit 2 internals (`_addGlyph`, `glyf`, `loca`, `hmtx` of
 * `TTFSubset`); when they are missing, the subset is left as fontkit made it.
 */

interface Component {
  readonly glyphID: number;
  readonly pos: number;
}

/** What `_addGlyph` takes from the font for one glyph. */
interface GlyphRecord {
  /** The glyph's `glyf` bytes as stored in the font (never modified). */
  readonly bytes: Uint8Array;
  /** Composite glyphs: the component glyph ids and where they sit in `bytes`. */
  readonly components: readonly Component[] | null;
  readonly advance: number;
  readonly bearing: number;
}

/** The fontkit TrueType font internals the subsetter reads. */
interface TrueTypeFontInternals {
  createSubset(): unknown;
  getGlyph(gid: number): {
    advanceWidth: number;
    _decode(): { numberOfContours: number; components?: Component[] } | null;
    _getMetrics(): { leftBearing: number };
  };
  loca?: { offsets: number[] };
  _getTableStream(tag: string): { pos: number; readBuffer(length: number): Uint8Array } | null;
  _variationProcessor?: unknown;
}

/** The fontkit TTFSubset internals `_addGlyph` fills in. */
interface TrueTypeSubsetInternals {
  _addGlyph(gid: number): number;
  includeGlyph(glyph: number | { id: number }): number;
  glyphs: number[];
  mapping: Record<number, number>;
  glyf: Uint8Array[];
  loca: { offsets: number[] };
  hmtx: { metrics: { advance: number; bearing: number }[] };
  offset: number;
}

/** Off: subsets are fontkit's own (bench/pdf-patches.ts measures the cache against that). */
export const subsetGlyphCache = { enabled: true };

const installed = new WeakMap<object, Map<number, GlyphRecord>>();

function readGlyph(font: TrueTypeFontInternals, gid: number): GlyphRecord {
  const glyph = font.getGlyph(gid);
  const glyf = glyph._decode();
  const offsets = font.loca?.offsets ?? [];
  const start = offsets[gid] ?? 0;
  const end = offsets[gid + 1] ?? start;
  const stream = font._getTableStream("glyf");
  if (stream === null) throw new Error("TrueType font without a glyf table");
  stream.pos += start;
  const bytes = Uint8Array.from(stream.readBuffer(end - start));
  const components =
    glyf !== null && glyf.numberOfContours < 0
      ? (glyf.components ?? []).map((c) => ({ glyphID: c.glyphID, pos: c.pos }))
      : null;
  return { bytes, components, advance: glyph.advanceWidth, bearing: glyph._getMetrics().leftBearing };
}

function isTrueTypeSubset(subset: unknown): subset is TrueTypeSubsetInternals {
  const s = subset as Partial<TrueTypeSubsetInternals> | null;
  return (
    typeof s?._addGlyph === "function" &&
    typeof s.includeGlyph === "function" &&
    Array.isArray(s.glyphs) &&
    typeof s.mapping === "object" &&
    !("cff" in s)
  );
}

/**
 * Makes every subset of `font` take its glyphs from a process-wide per-glyph cache. Idempotent.
 * Variable fonts and CFF fonts are left alone (fontkit re-encodes or re-parses their glyphs).
 */
export function cacheSubsetGlyphs(font: object): void {
  const ttf = font as Partial<TrueTypeFontInternals>;
  if (installed.has(font) || typeof ttf.createSubset !== "function" || ttf._variationProcessor) return;
  if (ttf.loca === undefined || typeof ttf._getTableStream !== "function") return;
  const records = new Map<number, GlyphRecord>();
  installed.set(font, records);
  const trueType = font as TrueTypeFontInternals;
  const createSubset = ttf.createSubset.bind(font);
  const record = (gid: number): GlyphRecord => {
    let r = records.get(gid);
    if (r === undefined) {
      r = readGlyph(trueType, gid);
      records.set(gid, r);
    }
    return r;
  };
  Object.defineProperty(font, "createSubset", {
    configurable: true,
    value: (): unknown => {
      const subset = createSubset();
      if (!subsetGlyphCache.enabled || !isTrueTypeSubset(subset)) return subset;
      // fontkit maps glyph ids to subset ids in a plain object keyed by numbers (slow to probe, once
      // per glyph drawn); a Map gives the same numbering, in first-use order.
      const ids = new Map<number, number>(subset.glyphs.map((gid, i) => [gid, i]));
      subset.includeGlyph = function includeGlyph(
        this: TrueTypeSubsetInternals,
        glyph: number | { id: number },
      ) {
        const gid = typeof glyph === "object" ? glyph.id : glyph;
        let id = ids.get(gid);
        if (id === undefined) {
          id = this.glyphs.push(gid) - 1;
          ids.set(gid, id);
          this.mapping[gid] = id;
        }
        return id;
      };
      // Same steps as fontkit's TTFSubset._addGlyph, from the cached record.
      subset._addGlyph = function addGlyph(this: TrueTypeSubsetInternals, gid: number): number {
        const r = record(gid);
        let buffer = r.bytes;
        if (r.components !== null) {
          buffer = Uint8Array.from(r.bytes);
          const view = new DataView(buffer.buffer);
          for (const c of r.components) view.setUint16(c.pos, this.includeGlyph(c.glyphID));
        }
        this.glyf.push(buffer);
        this.loca.offsets.push(this.offset);
        this.hmtx.metrics.push({ advance: r.advance, bearing: r.bearing });
        this.offset += buffer.length;
        return this.glyf.length - 1;
      };
      return subset;
    },
  });
}

/** How many glyphs of `font` the subset cache holds (at most the font's glyph count); for tests. */
export function cachedGlyphCount(font: object): number {
  return installed.get(font)?.size ?? 0;
}
