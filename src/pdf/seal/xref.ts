/**
 * Reads the cross-reference chain of an existing PDF (ISO 32000-1 §7.5.4 cross-reference tables,
 * §7.5.8 cross-reference streams, §7.5.8.4 hybrid-reference files, §7.5.6 incremental updates):
 * from the last `startxref`, each section and its /Prev, into one map object number → where the
 * current definition lives (a byte offset, or an index in an object stream). Newer sections win.
 *
 * Anything that does not read as the standard says raises PDF_UNSUPPORTED (never a value from the file).
 */
import { PasserelleError } from "../../core/errors.ts";
import { dictGet, isDict, isName, parseValue, type PdfDict, type PdfValue } from "../verify/index.ts";
import { decodeStream, readIndirectAt, type RawObject } from "./stream.ts";

export type XrefEntry =
  | { readonly kind: "offset"; readonly offset: number; readonly gen: number }
  | { readonly kind: "compressed"; readonly stream: number; readonly index: number };

export interface XrefChain {
  readonly entries: ReadonlyMap<number, XrefEntry>;
  /** The newest trailer dictionary (or cross-reference stream dictionary). */
  readonly trailer: PdfDict;
  /** Offset given by the last `startxref`: the /Prev of the next update. */
  readonly startxref: number;
  /** Whether the newest section is a classic table or a cross-reference stream. */
  readonly kind: "table" | "stream";
}

const damaged = (what: string): never => {
  throw new PasserelleError("PDF_UNSUPPORTED", `the PDF cannot be read: ${what}`);
};
/** Sections followed at most (defence against /Prev loops and absurd chains). */
const MAX_SECTIONS = 512;

/** The offset after the last `startxref` keyword in the file's tail. */
function lastStartxref(buf: Buffer): number {
  const tail = Math.max(0, buf.length - 4096);
  const at = buf.lastIndexOf("startxref", buf.length);
  if (at < tail) return damaged("no startxref near the end of the file");
  const m = /^\s*(\d+)/.exec(buf.subarray(at + 9, at + 40).toString("latin1"));
  if (!m?.[1]) return damaged("startxref has no offset");
  return Number(m[1]);
}

export function readXrefChain(buf: Buffer): XrefChain {
  const startxref = lastStartxref(buf);
  const entries = new Map<number, XrefEntry>();
  const seen = new Set<number>();
  let trailer: PdfDict | undefined;
  let kind: XrefChain["kind"] | undefined;
  for (let at: number | undefined = startxref; at !== undefined;) {
    if (seen.has(at) || seen.size >= MAX_SECTIONS) return damaged("the /Prev chain loops");
    seen.add(at);
    const section = readSection(buf, at, entries);
    trailer ??= section.trailer;
    kind ??= section.kind;
    const prev = dictGet(section.trailer, "Prev");
    at = typeof prev === "number" ? prev : undefined;
  }
  if (!trailer || !kind) return damaged("no trailer");
  return { entries, trailer, startxref, kind };
}

function readSection(
  buf: Buffer,
  at: number,
  entries: Map<number, XrefEntry>,
): { trailer: PdfDict; kind: "table" | "stream" } {
  if (!Number.isInteger(at) || at < 0 || at >= buf.length)
    return damaged("a cross-reference offset is outside the file");
  let p = at;
  while (p < buf.length && /\s/.test(String.fromCharCode(buf[p] ?? 0))) p++;
  if (buf.subarray(p, p + 4).toString("latin1") === "xref") {
    const trailer = readTable(buf, p + 4, entries);
    // Hybrid-reference file: the table first, then its /XRefStm, then /Prev (ISO 32000-1 §7.5.8.4).
    const xrefStm = dictGet(trailer, "XRefStm");
    if (typeof xrefStm === "number") readStreamSection(buf, xrefStm, entries);
    return { trailer, kind: "table" };
  }
  return { trailer: readStreamSection(buf, p, entries), kind: "stream" };
}

const define = (entries: Map<number, XrefEntry>, num: number, entry: XrefEntry): void => {
  if (!entries.has(num)) entries.set(num, entry);
};

/** A classic table: subsections `first count`, 20-byte entries, then `trailer << … >>`. */
function readTable(buf: Buffer, start: number, entries: Map<number, XrefEntry>): PdfDict {
  const end = buf.indexOf("trailer", start);
  if (end < 0) return damaged("a cross-reference table has no trailer");
  const lines = buf
    .subarray(start, end)
    .toString("latin1")
    .trim()
    .split(/\r\n|\r|\n/);
  let num = 0;
  let left = 0;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === "") continue;
    const entry = /^(\d{1,10})\s+(\d{1,5})\s+([nf])$/.exec(line);
    const head = /^(\d+)\s+(\d+)$/.exec(line);
    if (entry && left > 0) {
      if (entry[3] === "n") {
        define(entries, num, { kind: "offset", offset: Number(entry[1]), gen: Number(entry[2]) });
      }
      num++;
      left--;
    } else if (head && left === 0) {
      num = Number(head[1]);
      left = Number(head[2]);
    } else {
      return damaged("a cross-reference table line is malformed");
    }
  }
  let parsed: PdfValue;
  try {
    parsed = parseValue(buf, end + 7).value;
  } catch {
    return damaged("the trailer is not a dictionary");
  }
  if (!isDict(parsed)) return damaged("the trailer is not a dictionary");
  return parsed;
}

/** A cross-reference stream (ISO 32000-1 §7.5.8.2–7.5.8.3): /W field widths, /Index ranges. */
function readStreamSection(buf: Buffer, at: number, entries: Map<number, XrefEntry>): PdfDict {
  let obj: RawObject;
  try {
    obj = readIndirectAt(buf, at);
  } catch {
    return damaged("a cross-reference offset does not point to a cross-reference section");
  }
  if (!isName(dictGet(obj.value, "Type"), "XRef") || !obj.stream || !isDict(obj.value)) {
    return damaged("a cross-reference offset does not point to a cross-reference section");
  }
  const dict = obj.value;
  const w = dictGet(dict, "W");
  const size = dictGet(dict, "Size");
  if (!Array.isArray(w) || w.length !== 3 || !w.every((n) => typeof n === "number" && n >= 0 && n <= 8)) {
    return damaged("a cross-reference stream has a bad /W");
  }
  if (typeof size !== "number") return damaged("a cross-reference stream has no /Size");
  const widths = w as readonly number[];
  const index = dictGet(dict, "Index") ?? [0, size];
  if (!Array.isArray(index) || index.length % 2 !== 0 || !index.every((n) => typeof n === "number")) {
    return damaged("a cross-reference stream has a bad /Index");
  }
  const data = decodeStream(buf, obj);
  const rowLength = (widths[0] ?? 0) + (widths[1] ?? 0) + (widths[2] ?? 0);
  const field = (row: number, i: number): number => {
    let pos = row * rowLength + widths.slice(0, i).reduce((a, b) => a + b, 0);
    let v = 0;
    for (let k = 0; k < (widths[i] ?? 0); k++) v = v * 256 + (data[pos++] ?? 0);
    return v;
  };
  let row = 0;
  const ranges = index as readonly number[];
  for (let r = 0; r < ranges.length; r += 2) {
    const first = ranges[r] ?? 0;
    const count = ranges[r + 1] ?? 0;
    for (let k = 0; k < count; k++, row++) {
      if ((row + 1) * rowLength > data.length) return damaged("a cross-reference stream is too short");
      const type = widths[0] === 0 ? 1 : field(row, 0);
      if (type === 1)
        define(entries, first + k, { kind: "offset", offset: field(row, 1), gen: field(row, 2) });
      else if (type === 2)
        define(entries, first + k, { kind: "compressed", stream: field(row, 1), index: field(row, 2) });
    }
  }
  return dict;
}
