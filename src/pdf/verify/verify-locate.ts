/**
 * Finds the signature dictionary of a PDF (ISO 32000-1 §12.8.1: /ByteRange and a hex /Contents)
 * among its top-level objects. NOT_A_PDF / PDF_UNSUPPORTED when the input is not a PDF, is
 * truncated, has no signature, or only an unsigned placeholder.
 */
import { PasserelleError } from "../../core/errors.ts";
import * as asn1js from "asn1js";
import { dictGet, indirectObjects, isDict, isString, type PdfString, type PdfValue } from "./pdf-objects.ts";

/** A signature dictionary: its entries, /ByteRange, /Contents (with offsets) and how many were found. */
export interface LocatedSignature {
  readonly dictionary: ReadonlyMap<string, PdfValue>;
  readonly byteRange: readonly number[];
  readonly contents: PdfString;
  readonly count: number;
}

/**
 * Every signature dictionary, ordered by the end of its signed range (the oldest revision's first,
 * the one covering the most bytes last); `count` is how many there are.
 */
export function locateSignatures(pdf: Uint8Array): LocatedSignature[] {
  const buf = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  if (buf.subarray(0, 1024).indexOf("%PDF-") < 0) {
    throw new PasserelleError("NOT_A_PDF", "input has no %PDF- header");
  }
  if (buf.subarray(Math.max(0, buf.length - 1024)).indexOf("%%EOF") < 0) {
    throw new PasserelleError(
      "PDF_UNSUPPORTED",
      "the PDF is truncated or damaged: no %%EOF marker at its end",
    );
  }
  const found: Omit<LocatedSignature, "count">[] = [];
  for (const obj of indirectObjects(buf)) {
    const br = dictGet(obj.value, "ByteRange");
    const contents = dictGet(obj.value, "Contents");
    if (!Array.isArray(br) || !isString(contents) || !contents.hex) continue;
    const numbers = br.filter((n): n is number => typeof n === "number");
    if (numbers.length !== 4 || numbers.some((n) => !Number.isInteger(n) || n < 0)) continue;
    if (!isDict(obj.value)) continue;
    found.push({ dictionary: obj.value.entries, byteRange: numbers, contents });
  }
  const end = (s: Omit<LocatedSignature, "count">): number => (s.byteRange[2] ?? 0) + (s.byteRange[3] ?? 0);
  const order = new Map(found.map((s, i) => [s, i]));
  // Equal ends: the first found is taken as the latest.
  found.sort((a, b) => end(a) - end(b) || (order.get(b) ?? 0) - (order.get(a) ?? 0));
  const last = found[found.length - 1];
  if (!last) {
    const damaged = buf.includes("/ByteRange");
    throw new PasserelleError(
      "PDF_UNSUPPORTED",
      damaged
        ? "the PDF's signature dictionary is damaged and cannot be read"
        : "the PDF carries no signature",
    );
  }
  if (last.contents.bytes.every((b) => b === 0)) {
    throw new PasserelleError("PDF_UNSUPPORTED", "the PDF has a signature placeholder that was never signed");
  }
  return found.map((s) => ({ ...s, count: found.length }));
}

/** The signature covering the most bytes (the latest one when there are several). */
export function locateSignature(pdf: Uint8Array): LocatedSignature {
  const all = locateSignatures(pdf);
  const last = all[all.length - 1];
  if (!last) throw new PasserelleError("PDF_UNSUPPORTED", "the PDF carries no signature");
  return last;
}

/** The signed byte ranges and the DER CMS of the PDF's (last) signature. */
export function extractSignature(pdf: Uint8Array): { byteRange: readonly number[]; cmsDer: Buffer } {
  const sig = locateSignature(pdf);
  return { byteRange: sig.byteRange, cmsDer: trimDer(sig.contents.bytes) };
}

/** /Contents is zero-padded: keep the first BER element when it parses, else strip trailing zeros. */
function trimDer(bytes: Buffer): Buffer {
  const { offset } = asn1js.fromBER(bytes);
  if (offset > 0) return bytes.subarray(0, offset);
  let end = bytes.length;
  while (end > 0 && bytes[end - 1] === 0) end--;
  return bytes.subarray(0, end);
}
