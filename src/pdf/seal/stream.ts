/**
 * One indirect object read at a known offset (ISO 32000-1 §7.3.10) and the decoding of the streams
 * needed to find objects: FlateDecode (§7.4.4) with the PNG predictors of its /DecodeParms
 * (§7.4.4.4, RFC 2083 §6), as cross-reference streams and object streams use them.
 */
import { inflateSync } from "node:zlib";
import { PasserelleError } from "../../core/errors.ts";
import { dictGet, isName, parseValue, type PdfValue } from "../verify/index.ts";

export interface RawObject {
  readonly num: number;
  readonly gen: number;
  readonly value: PdfValue;
  /** Raw (encoded) stream data range. */
  readonly stream?: { readonly start: number; readonly end: number };
}

/** Decoded size above which a structural stream is refused (xref and object streams are small). */
const MAX_DECODED = 64 * 1024 * 1024;

const unsupported = (what: string): never => {
  throw new PasserelleError("PDF_UNSUPPORTED", `the PDF cannot be read: ${what}`);
};

/**
 * Reads `N G obj <value> [stream … endstream]` at `offset` (leading whitespace allowed).
 * `length` resolves an indirect /Length; without it, the data ends at `endstream`. Throws
 * PDF_UNSUPPORTED (or a syntax error) when there is no object there.
 */
export function readIndirectAt(
  buf: Buffer,
  offset: number,
  length?: (value: PdfValue) => number | undefined,
): RawObject {
  const head = buf.subarray(offset, offset + 64).toString("latin1");
  const m = /^\s*(\d+)\s+(\d+)\s+obj(?![A-Za-z0-9])/.exec(head);
  if (!m?.[1] || !m[2]) return unsupported("an object offset does not point to an object");
  const parsed = parseValue(buf, offset + m[0].length);
  let p = parsed.end;
  while (p < buf.length && /\s/.test(String.fromCharCode(buf[p] ?? 0))) p++;
  const base = { num: Number(m[1]), gen: Number(m[2]), value: parsed.value };
  if (buf.subarray(p, p + 6).toString("latin1") !== "stream") return base;
  let start = p + 6;
  if (buf[start] === 0x0d) start++;
  if (buf[start] === 0x0a) start++;
  const declared = dictGet(parsed.value, "Length");
  const len = typeof declared === "number" ? declared : length?.(declared ?? null);
  let end = len === undefined ? -1 : start + len;
  if (
    end < start ||
    end > buf.length ||
    !/^\s*endstream/.test(buf.subarray(end, end + 20).toString("latin1"))
  ) {
    end = buf.indexOf("endstream", start);
    if (end < 0) return unsupported("a stream has no endstream");
    if (buf[end - 1] === 0x0a) end--;
    if (buf[end - 1] === 0x0d) end--;
  }
  return { ...base, stream: { start, end } };
}

const filterNames = (v: PdfValue | undefined): string[] =>
  v === undefined || v === null
    ? []
    : Array.isArray(v)
      ? (v as readonly PdfValue[]).filter((x) => isName(x)).map((x) => x.name)
      : isName(v)
        ? [v.name]
        : [];

/** The decoded data of a structural stream; PDF_UNSUPPORTED for any filter but FlateDecode. */
export function decodeStream(buf: Buffer, obj: RawObject): Buffer {
  if (!obj.stream) return unsupported("a stream was expected");
  let data = buf.subarray(obj.stream.start, obj.stream.end);
  const filters = filterNames(dictGet(obj.value, "Filter"));
  const parms = dictGet(obj.value, "DecodeParms");
  for (const [i, filter] of filters.entries()) {
    if (filter !== "FlateDecode")
      return unsupported("a cross-reference or object stream uses an unsupported filter");
    try {
      data = inflateSync(data, { maxOutputLength: MAX_DECODED });
    } catch {
      return unsupported("a cross-reference or object stream does not inflate");
    }
    const p = Array.isArray(parms) ? (parms[i] as PdfValue) : parms;
    data = unpredict(data, p);
  }
  return data;
}

/** Undoes a PNG predictor (/Predictor ≥ 10) row by row; /Predictor 1 (or none) is the identity. */
function unpredict(data: Buffer, parms: PdfValue | undefined): Buffer {
  const num = (k: string, d: number): number => {
    const v = dictGet(parms, k);
    return typeof v === "number" ? v : d;
  };
  const predictor = num("Predictor", 1);
  if (predictor === 1) return data;
  if (predictor < 10) return unsupported("a stream uses the TIFF predictor");
  const bpp = Math.max(1, Math.ceil((num("Colors", 1) * num("BitsPerComponent", 8)) / 8));
  const rowLength = Math.ceil((num("Colors", 1) * num("BitsPerComponent", 8) * num("Columns", 1)) / 8);
  const rows = Math.floor(data.length / (rowLength + 1));
  const out = Buffer.alloc(rows * rowLength);
  for (let r = 0; r < rows; r++) {
    const type = data[r * (rowLength + 1)];
    const src = r * (rowLength + 1) + 1;
    const dst = r * rowLength;
    for (let i = 0; i < rowLength; i++) {
      const raw = data[src + i] ?? 0;
      const left = i >= bpp ? (out[dst + i - bpp] ?? 0) : 0;
      const up = r > 0 ? (out[dst - rowLength + i] ?? 0) : 0;
      const upLeft = r > 0 && i >= bpp ? (out[dst - rowLength + i - bpp] ?? 0) : 0;
      let v: number;
      switch (type) {
        case 0:
          v = raw;
          break;
        case 1:
          v = raw + left;
          break;
        case 2:
          v = raw + up;
          break;
        case 3:
          v = raw + Math.floor((left + up) / 2);
          break;
        case 4: {
          const pa = Math.abs(up - upLeft);
          const pb = Math.abs(left - upLeft);
          const pc = Math.abs(left + up - 2 * upLeft);
          v = raw + (pa <= pb && pa <= pc ? left : pb <= pc ? up : upLeft);
          break;
        }
        case undefined:
        default:
          return unsupported("a stream has an unknown PNG predictor row type");
      }
      out[dst + i] = v & 0xff;
    }
  }
  return out;
}
