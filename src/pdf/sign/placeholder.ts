/**
 * Reserves room for a PAdES signature in a pdfkit document (ISO 32000-1 §12.8, ETSI EN 319 142-1):
 * a signature dictionary with a fixed-width /ByteRange placeholder and a zero-filled /Contents hex
 * string, an invisible signature widget, and /AcroForm /SigFlags 3. `signPdf` fills both in later.
 *
 * Relies on pdfkit 0.20 internals (`ref`, `_root`, `_pageBuffer`, `initForm`); they are checked at
 * run time so a pdfkit upgrade that changes them fails loudly instead of producing a bad PDF.
 */
import type PDFDocument from "pdfkit";
import { PasserelleError } from "../../core/errors.ts";

/** A pdfkit document (the instance type of pdfkit's default export). */
export type PdfKitDocument = InstanceType<typeof PDFDocument>;

/** Bytes reserved for the DER CMS by default: room for an RSA-3072 signer + CA chain (~3 KB) with margin. */
export const DEFAULT_SIGNATURE_LENGTH = 8192;
/** Each ByteRange number is written as this 10-digit placeholder, then overwritten (space-padded). */
export const BYTE_RANGE_PLACEHOLDER = 9_999_999_999;
/** The exact bytes pdfkit writes for the placeholder ByteRange; `signPdf` searches for them. */
export const BYTE_RANGE_MARKER = `/ByteRange [0 ${BYTE_RANGE_PLACEHOLDER} ${BYTE_RANGE_PLACEHOLDER} ${BYTE_RANGE_PLACEHOLDER}]`;

/**
 * The bytes reserved for the CMS (`signatureLength`, default {@link DEFAULT_SIGNATURE_LENGTH},
 * 1 KiB to 1 MiB), once `signingTime` is checked to be a date: CONFIG_INVALID otherwise.
 */
export function placeholderLength(opts: {
  readonly signatureLength?: number;
  readonly signingTime: Date;
}): number {
  const length = opts.signatureLength ?? DEFAULT_SIGNATURE_LENGTH;
  if (!Number.isInteger(length) || length < 1024 || length > 1_048_576) {
    throw new PasserelleError(
      "CONFIG_INVALID",
      "signatureLength must be an integer between 1024 and 1048576",
    );
  }
  if (Number.isNaN(opts.signingTime.getTime())) {
    throw new PasserelleError("CONFIG_INVALID", "signingTime is not a valid date");
  }
  return length;
}

export interface SignaturePlaceholderOptions {
  /** Claimed signing time, written as /M (take it from the injected Clock). */
  readonly signingTime: Date;
  readonly reason?: string;
  readonly location?: string;
  /** /Name: the signer's name as displayed by viewers (the certificate stays authoritative). */
  readonly name?: string;
  readonly contactInfo?: string;
  /** Bytes reserved for the CMS (the hex string is twice as long). Default {@link DEFAULT_SIGNATURE_LENGTH}. */
  readonly signatureLength?: number;
}

interface PdfRef {
  data: Record<string, unknown>;
  end(): void;
}
interface PdfPage {
  annotations: unknown[];
  dictionary: PdfRef;
}
interface PdfKitInternals {
  ref(data: Record<string, unknown>): PdfRef;
  initForm(): unknown;
  _root: PdfRef;
  _pageBuffer: PdfPage[];
  _pageBufferStart: number;
  page: PdfPage | null;
  _security?: unknown;
}

const placed = new WeakSet<object>();

function internals(doc: PdfKitDocument): PdfKitInternals {
  const d = doc as unknown as Partial<PdfKitInternals>;
  if (
    typeof d.ref !== "function" ||
    typeof d.initForm !== "function" ||
    typeof d._root?.data !== "object" ||
    !Array.isArray(d._pageBuffer) ||
    typeof d._pageBufferStart !== "number"
  ) {
    throw new PasserelleError(
      "PDF_UNSUPPORTED",
      "unsupported pdfkit version: signature placeholder internals not found",
    );
  }
  return d as PdfKitInternals;
}

/**
 * Adds the signature placeholder. Call it once, at any point before `doc.end()` (the signature
 * dictionary is written at once; pdfkit writes the AcroForm at `end()`). The widget goes on page 1
 * while that page is still buffered (single-page documents, `bufferPages: true`, or a call made
 * before the second page is added), otherwise on the current page — an invisible signature may sit
 * on any page. Encrypted pdfkit documents are refused (PDF_UNSUPPORTED).
 *
 * Deterministic: the only variable input is `signingTime`.
 */
export function addSignaturePlaceholder(doc: PdfKitDocument, opts: SignaturePlaceholderOptions): void {
  const pdf = internals(doc);
  if (pdf._security) {
    // pdfkit would encrypt /M and the embedded files; signed PDFs here are never password-protected.
    throw new PasserelleError(
      "PDF_UNSUPPORTED",
      "cannot sign an encrypted (password-protected) pdfkit document",
    );
  }
  if (placed.has(doc)) {
    throw new PasserelleError("PDF_UNSUPPORTED", "the document already has a signature placeholder");
  }
  const length = placeholderLength(opts);
  const page = pdf._pageBufferStart === 0 ? pdf._pageBuffer[0] : pdf.page;
  if (!page) throw new PasserelleError("PDF_UNSUPPORTED", "the document has no page to carry the signature");

  const text = (s: string | undefined): unknown => (s === undefined ? undefined : new String(s));
  // Key order is the output order: ByteRange immediately before Contents (signPdf relies on it).
  const signature = pdf.ref({
    Type: "Sig",
    Filter: "Adobe.PPKLite",
    SubFilter: "ETSI.CAdES.detached",
    ByteRange: [0, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER, BYTE_RANGE_PLACEHOLDER],
    Contents: new Uint8Array(length), // pdfkit writes bytes as a hex string: <00…00>
    M: new Date(opts.signingTime.getTime()),
    Name: text(opts.name),
    Reason: text(opts.reason),
    Location: text(opts.location),
    ContactInfo: text(opts.contactInfo),
  });

  let form = pdf._root.data.AcroForm as PdfRef | undefined;
  if (!form) {
    pdf.initForm();
    form = pdf._root.data.AcroForm as PdfRef;
    // Nothing to regenerate, and NeedAppearances would make viewers rewrite (and "modify") a signed file.
    delete form.data.NeedAppearances;
  }
  const fields = form.data.Fields as unknown[];
  const widget = pdf.ref({
    Type: "Annot",
    Subtype: "Widget",
    FT: "Sig",
    T: new String(`Signature${String(fields.length + 1)}`),
    V: signature,
    F: 132, // Print | Locked (ISO 32000-1 §12.5.3)
    Rect: [0, 0, 0, 0],
    P: page.dictionary,
  });
  form.data.SigFlags = 3; // SignaturesExist | AppendOnly (ISO 32000-1 §12.7.2)
  fields.push(widget);
  page.annotations.push(widget);
  signature.end();
  widget.end();
  placed.add(doc);
}
