/**
 * Lists the embedded files of a PDF (ISO 32000-1 §7.11.3–7.11.4: /EmbeddedFile streams referenced
 * by /Filespec dictionaries), as written by pdfkit's `doc.file()`, inflating FlateDecode data.
 *
 * This does not say whether a file is covered by the signature: check the verification report
 * (`byteRangeCoversWholeFile`) before trusting what is extracted.
 */
import { inflateSync } from "node:zlib";
import { PasserelleError } from "../../core/errors.ts";
import {
  decodeTextString,
  dictGet,
  indirectObjects,
  isName,
  isRef,
  isString,
  type IndirectObject,
  type PdfValue,
} from "./pdf-objects.ts";

export interface EmbeddedFile {
  /** /UF (or /F) of the file specification; `attachment-<object number>` when there is none. */
  readonly name: string;
  /** /Subtype of the stream, e.g. `application/json`; `application/octet-stream` when absent. */
  readonly mimeType: string;
  readonly content: Buffer;
}

/** Decoded size above which extraction stops (defence against decompression bombs). */
export const MAX_EMBEDDED_FILE_BYTES = 64 * 1024 * 1024;

function filters(value: PdfValue | undefined): string[] {
  if (value === undefined || value === null) return [];
  if (isName(value)) return [value.name];
  if (Array.isArray(value)) return (value as readonly PdfValue[]).filter((v) => isName(v)).map((v) => v.name);
  throw new PasserelleError("PDF_UNSUPPORTED", "embedded file has a malformed /Filter");
}

function decode(pdf: Uint8Array, obj: IndirectObject & { stream: { start: number; end: number } }): Buffer {
  let data = Buffer.from(pdf.subarray(obj.stream.start, obj.stream.end));
  if (dictGet(obj.value, "DecodeParms") !== undefined) {
    throw new PasserelleError("PDF_UNSUPPORTED", "embedded file uses /DecodeParms, which is not supported");
  }
  for (const filter of filters(dictGet(obj.value, "Filter"))) {
    if (filter !== "FlateDecode") {
      throw new PasserelleError("PDF_UNSUPPORTED", `embedded file uses the unsupported filter ${filter}`);
    }
    try {
      data = inflateSync(data, { maxOutputLength: MAX_EMBEDDED_FILE_BYTES });
    } catch (cause) {
      throw new PasserelleError("PDF_UNSUPPORTED", "embedded file data cannot be inflated", { cause });
    }
  }
  return data;
}

/** The embedded files, in file order. NOT_A_PDF when the input has no %PDF- header. */
export function extractEmbeddedFiles(pdf: Uint8Array): EmbeddedFile[] {
  if (Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength).subarray(0, 1024).indexOf("%PDF-") < 0) {
    throw new PasserelleError("NOT_A_PDF", "input has no %PDF- header");
  }
  const objects = new Map<number, IndirectObject>(); // later definitions (incremental updates) win
  for (const obj of indirectObjects(pdf)) objects.set(obj.num, obj);
  const names = new Map<number, string>();
  for (const obj of objects.values()) {
    if (!isName(dictGet(obj.value, "Type"), "Filespec")) continue;
    const ef = dictGet(obj.value, "EF");
    const target = dictGet(ef, "UF") ?? dictGet(ef, "F");
    const label = dictGet(obj.value, "UF") ?? dictGet(obj.value, "F");
    if (isRef(target) && isString(label)) names.set(target.num, decodeTextString(label));
  }
  const out: EmbeddedFile[] = [];
  for (const obj of objects.values()) {
    if (!obj.stream || !isName(dictGet(obj.value, "Type"), "EmbeddedFile")) continue;
    const subtype = dictGet(obj.value, "Subtype");
    out.push({
      name: names.get(obj.num) ?? `attachment-${String(obj.num)}`,
      mimeType: isName(subtype) ? subtype.name : "application/octet-stream",
      content: decode(pdf, { ...obj, stream: obj.stream }),
    });
  }
  return out;
}
