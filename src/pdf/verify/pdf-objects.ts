/**
 * Just enough of the PDF object syntax (ISO 32000-1 §7.2–7.3) to read signature dictionaries and
 * embedded-file streams of files written sequentially (pdfkit and most writers): a lexer/parser
 * for direct objects and a scan over top-level `N G obj … endobj`. Objects inside object streams
 * are not visited — signature dictionaries and EmbeddedFile streams are never stored there.
 */
export interface PdfName {
  readonly kind: "name";
  readonly name: string;
}
export interface PdfString {
  readonly kind: "string";
  readonly bytes: Buffer;
  /** Offset of the opening `(` or `<`, and just after the closing delimiter. */
  readonly start: number;
  readonly end: number;
  readonly hex: boolean;
  /** A hex string holding non-hex characters (read as 0): damaged, but its extent is known. */
  readonly malformed?: boolean;
}
export interface PdfRef {
  readonly kind: "ref";
  readonly num: number;
  readonly gen: number;
}
export interface PdfDict {
  readonly kind: "dict";
  readonly entries: ReadonlyMap<string, PdfValue>;
}
export type PdfValue = number | boolean | null | PdfName | PdfString | PdfRef | PdfDict | readonly PdfValue[];

export class PdfSyntaxError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "PdfSyntaxError";
  }
}

const isWhite = (c: number | undefined): boolean =>
  c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09 || c === 0x0c || c === 0x00;
const DELIMITERS = new Set([0x28, 0x29, 0x3c, 0x3e, 0x5b, 0x5d, 0x7b, 0x7d, 0x2f, 0x25]);
const isRegular = (c: number | undefined): boolean => c !== undefined && !isWhite(c) && !DELIMITERS.has(c);

/** Parses one direct object at `pos` (after whitespace/comments) and returns it with the end offset. */
export function parseValue(buf: Uint8Array, pos: number): { value: PdfValue; end: number } {
  const p = skipSpace(buf, pos);
  const c = buf[p];
  if (c === undefined) throw new PdfSyntaxError("unexpected end of file");
  if (c === 0x3c && buf[p + 1] === 0x3c) return parseDict(buf, p + 2);
  if (c === 0x3c) return parseHexString(buf, p);
  if (c === 0x28) return parseLiteralString(buf, p);
  if (c === 0x2f) {
    let e = p + 1;
    while (isRegular(buf[e])) e++;
    const raw = Buffer.from(buf.subarray(p + 1, e)).toString("latin1");
    const name = raw.replace(/#([0-9a-fA-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
    return { value: { kind: "name", name }, end: e };
  }
  if (c === 0x5b) {
    const items: PdfValue[] = [];
    let q = skipSpace(buf, p + 1);
    while (buf[q] !== 0x5d) {
      if (q >= buf.length) throw new PdfSyntaxError("unterminated array");
      const item = parseValue(buf, q);
      items.push(item.value);
      q = skipSpace(buf, item.end);
    }
    return { value: items, end: q + 1 };
  }
  let e = p;
  while (isRegular(buf[e])) e++;
  const token = Buffer.from(buf.subarray(p, e)).toString("latin1");
  if (token === "true" || token === "false") return { value: token === "true", end: e };
  if (token === "null") return { value: null, end: e };
  if (!/^[+-]?(\d+\.?\d*|\.\d+)$/.test(token)) throw new PdfSyntaxError("unexpected token");
  // `num gen R` is a reference
  const ref = /^\s+(\d+)\s+R(?![^\s/<>[\]()%])/.exec(Buffer.from(buf.subarray(e, e + 24)).toString("latin1"));
  if (ref?.[1] !== undefined && /^\d+$/.test(token)) {
    return { value: { kind: "ref", num: Number(token), gen: Number(ref[1]) }, end: e + ref[0].length };
  }
  return { value: Number(token), end: e };
}

function skipSpace(buf: Uint8Array, pos: number): number {
  let p = pos;
  for (;;) {
    while (isWhite(buf[p])) p++;
    if (buf[p] !== 0x25) return p; // %comment
    while (p < buf.length && buf[p] !== 0x0a && buf[p] !== 0x0d) p++;
  }
}

function parseDict(buf: Uint8Array, pos: number): { value: PdfDict; end: number } {
  const entries = new Map<string, PdfValue>();
  let p = skipSpace(buf, pos);
  while (!(buf[p] === 0x3e && buf[p + 1] === 0x3e)) {
    const key = parseValue(buf, p);
    if (!isName(key.value)) throw new PdfSyntaxError("dictionary key is not a name");
    const val = parseValue(buf, key.end);
    entries.set(key.value.name, val.value);
    p = skipSpace(buf, val.end);
  }
  return { value: { kind: "dict", entries }, end: p + 2 };
}

function parseHexString(buf: Uint8Array, start: number): { value: PdfString; end: number } {
  const close = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).indexOf(0x3e, start);
  if (close < 0) throw new PdfSyntaxError("unterminated hex string");
  let hex = Buffer.from(buf.subarray(start + 1, close))
    .toString("latin1")
    .replace(/\s+/g, "");
  const malformed = !/^[0-9a-fA-F]*$/.test(hex);
  if (malformed) hex = hex.replace(/[^0-9a-fA-F]/g, "0");
  if (hex.length % 2) hex += "0";
  const bytes = Buffer.from(hex, "hex");
  return {
    value: { kind: "string", bytes, start, end: close + 1, hex: true, ...(malformed ? { malformed } : {}) },
    end: close + 1,
  };
}

const ESCAPES: Readonly<Record<string, number>> = { n: 10, r: 13, t: 9, b: 8, f: 12 };

function parseLiteralString(buf: Uint8Array, start: number): { value: PdfString; end: number } {
  const out: number[] = [];
  let depth = 1;
  let p = start + 1;
  for (; p < buf.length; p++) {
    const c = buf[p] ?? 0;
    if (c === 0x5c) {
      const n = buf[++p] ?? 0;
      const ch = String.fromCharCode(n);
      if (ch in ESCAPES) out.push(ESCAPES[ch] ?? 0);
      else if (n >= 0x30 && n <= 0x37) {
        let oct = n - 0x30;
        for (let k = 0; k < 2 && (buf[p + 1] ?? 0) >= 0x30 && (buf[p + 1] ?? 0) <= 0x37; k++)
          oct = oct * 8 + (buf[++p] ?? 0) - 0x30;
        out.push(oct & 0xff);
      } else if (n === 0x0d) {
        if (buf[p + 1] === 0x0a) p++;
      } else if (n !== 0x0a) out.push(n);
      continue;
    }
    if (c === 0x28) depth++;
    if (c === 0x29 && --depth === 0) break;
    out.push(c);
  }
  if (depth !== 0) throw new PdfSyntaxError("unterminated string");
  return { value: { kind: "string", bytes: Buffer.from(out), start, end: p + 1, hex: false }, end: p + 1 };
}

/** A top-level indirect object; `stream` is the raw (still encoded) stream data range, if any. */
export interface IndirectObject {
  readonly num: number;
  readonly gen: number;
  readonly offset: number;
  readonly value: PdfValue;
  readonly stream?: { readonly start: number; readonly end: number };
}

/** Visits top-level indirect objects in file order, skipping stream data; unparsable objects are skipped. */
export function* indirectObjects(buf: Uint8Array): Generator<IndirectObject> {
  const text = Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength).toString("latin1");
  const header = /(?<![0-9])(\d+)[ \t\r\n\f\0]+(\d+)[ \t\r\n\f\0]+obj(?![A-Za-z0-9])/g;
  for (let m = header.exec(text); m; m = header.exec(text)) {
    let parsed: { value: PdfValue; end: number };
    try {
      parsed = parseValue(buf, m.index + m[0].length);
    } catch {
      continue;
    }
    const base = { num: Number(m[1]), gen: Number(m[2]), offset: m.index, value: parsed.value };
    const after = skipSpace(buf, parsed.end);
    if (text.startsWith("stream", after)) {
      let start = after + 6;
      if (buf[start] === 0x0d) start++;
      if (buf[start] === 0x0a) start++;
      const declared = dictGet(parsed.value, "Length");
      let end = typeof declared === "number" ? start + declared : -1;
      if (end < start || end > buf.length || !/^\s*endstream/.test(text.slice(end, end + 20))) {
        end = text.indexOf("endstream", start);
        if (end < 0) return;
        if (buf[end - 1] === 0x0a) end--;
        if (buf[end - 1] === 0x0d) end--;
      }
      yield { ...base, stream: { start, end } };
      header.lastIndex = end;
    } else {
      yield base;
      header.lastIndex = parsed.end;
    }
  }
}

/** `dict[key]` when `value` is a dictionary. */
export function dictGet(value: PdfValue | undefined, key: string): PdfValue | undefined {
  return isDict(value) ? value.entries.get(key) : undefined;
}
const kindOf = (v: PdfValue | undefined): string | undefined =>
  typeof v === "object" && v !== null && "kind" in v ? v.kind : undefined;
export const isDict = (v: PdfValue | undefined): v is PdfDict => kindOf(v) === "dict";
export const isName = (v: PdfValue | undefined, name?: string): v is PdfName =>
  kindOf(v) === "name" && (name === undefined || (v as PdfName).name === name);
export const isString = (v: PdfValue | undefined): v is PdfString => kindOf(v) === "string";
export const isRef = (v: PdfValue | undefined): v is PdfRef => kindOf(v) === "ref";

/** A PDF text string (ISO 32000-1 §7.9.2.2): UTF-16BE with BOM, UTF-8 with BOM (PDF 2.0), else PDFDocEncoding (≈ Latin-1). */
export function decodeTextString(s: PdfString): string {
  const b = s.bytes;
  if (b[0] === 0xfe && b[1] === 0xff) return Buffer.from(b.subarray(2)).swap16().toString("utf16le");
  if (b[0] === 0xef && b[1] === 0xbb && b[2] === 0xbf) return b.subarray(3).toString("utf8");
  return b.toString("latin1");
}

/** A PDF date (ISO 32000-1 §7.9.4) `D:YYYYMMDDHHmmSSOHH'mm'`, or undefined when malformed. */
export function parsePdfDate(s: string): Date | undefined {
  const m =
    /^(?:D:)?(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?(?:([Zz+-])(?:(\d{2})'?(\d{2})?'?)?)?$/.exec(
      s.trim(),
    );
  if (!m) return undefined;
  const n = (i: number, d: number): number => (m[i] === undefined ? d : Number(m[i]));
  const utc = Date.UTC(n(1, 0), n(2, 1) - 1, n(3, 1), n(4, 0), n(5, 0), n(6, 0));
  const sign = m[7] === "-" ? -1 : m[7] === "+" ? 1 : 0;
  const t = utc - sign * (n(8, 0) * 60 + n(9, 0)) * 60_000;
  return Number.isNaN(t) ? undefined : new Date(t);
}
