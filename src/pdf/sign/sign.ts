/**
 * Fills the placeholder left by {@link addSignaturePlaceholder}: PAdES baseline B-B signing
 * (ETSI EN 319 142-1) of a whole PDF, per ISO 32000-1 §12.8.1 — the /ByteRange covers every byte
 * of the file except the /Contents hex string, which receives the DER CMS (RFC 5652).
 *
 * Fast path: two `indexOf` scans, one copy, SHA-256 over the two ranges and one RSA signature, all
 * native; the CMS is assembled from per-signer parts cached by `cms.ts`.
 */
import { createHash } from "node:crypto";
import { PasserelleError } from "../../core/errors.ts";
import { createDetachedCms } from "./cms.ts";
import { BYTE_RANGE_MARKER } from "./placeholder.ts";
import type { Signer } from "./signer.ts";

const MARKER = Buffer.from(BYTE_RANGE_MARKER, "latin1");
const CONTENTS = Buffer.from("/Contents <", "latin1");
const PDF_HEADER = Buffer.from("%PDF-", "latin1");
/** How far after the ByteRange placeholder the /Contents key may start. */
const CONTENTS_WINDOW = 256;

/** Where the placeholder sits in a PDF produced by pdfkit + addSignaturePlaceholder. */
export interface PlaceholderLocation {
  /** Offset of the `/ByteRange [...]` text (length {@link BYTE_RANGE_MARKER}.length). */
  readonly byteRangeOffset: number;
  /** Offset of `<` opening the /Contents hex string. */
  readonly contentsStart: number;
  /** Offset just after the closing `>`. */
  readonly contentsEnd: number;
}

/** Finds the unique signature placeholder; PDF_UNSUPPORTED when there is none or several. */
export function findPlaceholder(pdf: Uint8Array): PlaceholderLocation {
  const buf = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength);
  if (buf.subarray(0, PDF_HEADER.length).compare(PDF_HEADER) !== 0) {
    throw new PasserelleError("NOT_A_PDF", "input does not start with a %PDF- header");
  }
  const byteRangeOffset = buf.lastIndexOf(MARKER);
  if (byteRangeOffset < 0) {
    throw new PasserelleError(
      "PDF_UNSUPPORTED",
      "no signature placeholder found (call addSignaturePlaceholder before doc.end(); a PDF is signed once)",
    );
  }
  if (buf.indexOf(MARKER) !== byteRangeOffset) {
    throw new PasserelleError("PDF_UNSUPPORTED", "several signature placeholders found");
  }
  const contentsKey = buf.indexOf(CONTENTS, byteRangeOffset + MARKER.length);
  if (contentsKey < 0 || contentsKey > byteRangeOffset + MARKER.length + CONTENTS_WINDOW) {
    throw new PasserelleError("PDF_UNSUPPORTED", "signature placeholder has no /Contents after /ByteRange");
  }
  const contentsStart = contentsKey + CONTENTS.length - 1;
  const close = buf.indexOf(0x3e /* > */, contentsStart);
  if (close < 0 || buf[contentsStart + 1] !== 0x30 || buf[close - 1] !== 0x30) {
    throw new PasserelleError(
      "PDF_UNSUPPORTED",
      "signature placeholder /Contents is not an empty hex string",
    );
  }
  return { byteRangeOffset, contentsStart, contentsEnd: close + 1 };
}

/**
 * Signs a PDF that carries a placeholder and returns a new buffer (the input is not modified).
 * SIGNATURE_TOO_LARGE when the CMS does not fit the reserved /Contents.
 */
export async function signPdf(pdfWithPlaceholder: Uint8Array, signer: Signer): Promise<Buffer> {
  const { byteRangeOffset, contentsStart, contentsEnd } = findPlaceholder(pdfWithPlaceholder);
  const out = Buffer.from(pdfWithPlaceholder); // copy
  const byteRange = `/ByteRange [0 ${String(contentsStart)} ${String(contentsEnd)} ${String(out.length - contentsEnd)}]`;
  out.write(byteRange.padEnd(MARKER.length, " "), byteRangeOffset, "latin1");

  const digest = createHash("sha256")
    .update(out.subarray(0, contentsStart))
    .update(out.subarray(contentsEnd))
    .digest();
  const cms = await createDetachedCms(digest, signer);

  const room = (contentsEnd - contentsStart - 2) / 2;
  if (cms.length > room) {
    throw new PasserelleError(
      "SIGNATURE_TOO_LARGE",
      `the signature needs ${String(cms.length)} bytes but the placeholder reserves ${String(room)}; raise signatureLength`,
    );
  }
  out.write(cms.toString("hex"), contentsStart + 1, "latin1");
  return out;
}
