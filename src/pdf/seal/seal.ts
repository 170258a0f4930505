/**
 * Seals a PDF that Passerelle did not produce (a hospital's own document) with Passerelle's PAdES
 * baseline B-B signature (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached) as an incremental
 * update (ISO 32000-1 §7.5.6, §12.8; ISO 32000-2 §12.8): the hospital's bytes stay an exact prefix
 * of the result, so a signature it already carries stays valid. The update adds an invisible
 * signature field and widget on page 1 (§12.7.4.5, §12.5.6.19), the signature dictionary with the
 * /ByteRange and /Contents placeholders (§12.8.1) and sets /AcroForm /SigFlags 3 (§12.7.2); the
 * placeholder is then filled by the same `signPdf` as Passerelle's own sheets.
 */
import { PasserelleError } from "../../core/errors.ts";
import { BYTE_RANGE_MARKER, placeholderLength, signPdf } from "../sign/index.ts";
import {
  dictGet,
  isName,
  isRef,
  isString,
  decodeTextString,
  type PdfDict,
  type PdfValue,
} from "../verify/index.ts";
import type { SignaturePlaceholderOptions, Signer } from "../sign/index.ts";
import { PdfFile } from "./document.ts";
import { pdfDate, serialize, textString } from "./serialize.ts";
import { appendUpdate, type UpdatedObject } from "./update.ts";

/** The signature dictionary's entries and the room reserved for the CMS, as for a rendered sheet. */
export type SealOptions = SignaturePlaceholderOptions;

const ref = (num: number, gen = 0): PdfValue => ({ kind: "ref", num, gen });
const withEntry = (d: PdfDict, key: string, value: PdfValue): PdfDict => ({
  kind: "dict",
  entries: new Map([...d.entries, [key, value]]),
});

/** Refuses a document whose certification signature permits no change (DocMDP P=1, ISO 32000-1 §12.8.2.2). */
function refuseLockedCertification(file: PdfFile, catalog: PdfDict): void {
  const sig = file.dict(dictGet(file.dict(dictGet(catalog, "Perms")), "DocMDP"));
  const refs = file.resolve(dictGet(sig, "Reference"));
  for (const r of Array.isArray(refs) ? (refs as readonly PdfValue[]) : []) {
    const transform = file.dict(r);
    if (!isName(dictGet(transform, "TransformMethod"), "DocMDP")) continue;
    const p = file.resolve(dictGet(file.dict(dictGet(transform, "TransformParams")), "P"));
    if (p === 1) {
      throw new PasserelleError(
        "PDF_UNSUPPORTED",
        "the PDF is certified with no changes permitted (DocMDP P=1): it cannot be sealed",
      );
    }
  }
}

/**
 * The original PDF with an incremental update carrying an empty Passerelle signature (placeholder
 * for `signPdf`). NOT_A_PDF, PDF_ENCRYPTED, PDF_UNSUPPORTED (unreadable structure, DocMDP P=1).
 */
export function addSealPlaceholder(pdf: Uint8Array, opts: SealOptions): Buffer {
  const length = placeholderLength(opts);
  try {
    return placeholderUpdate(new PdfFile(pdf), length, opts);
  } catch (cause) {
    if (cause instanceof PasserelleError) throw cause;
    // A syntax error deep in the structure (parser): never a crash, never the offending bytes.
    throw new PasserelleError("PDF_UNSUPPORTED", "the PDF cannot be read: its structure is damaged", {
      cause,
    });
  }
}

function placeholderUpdate(file: PdfFile, length: number, opts: SealOptions): Buffer {
  const { trailer } = file.xref;
  if (trailer.entries.has("Encrypt")) {
    throw new PasserelleError("PDF_ENCRYPTED", "the PDF is encrypted: it cannot be sealed");
  }
  const root = dictGet(trailer, "Root");
  const catalog = file.dict(root);
  if (!isRef(root) || !catalog) {
    throw new PasserelleError(
      "PDF_UNSUPPORTED",
      "the PDF cannot be read: the trailer has no document catalog",
    );
  }
  refuseLockedCertification(file, catalog);
  const page = file.firstPage(catalog);

  let next = file.size;
  const sigNum = next++;
  const widgetNum = next++;
  const objects: UpdatedObject[] = [];
  const rewrite = (num: number, value: PdfValue): void => {
    objects.push({ num, gen: file.generation(num), body: serialize(value) });
  };
  const appended = (list: PdfValue | undefined): PdfValue[] => [
    ...(Array.isArray(list) ? (list as readonly PdfValue[]) : []),
    ref(widgetNum),
  ];

  // The widget in the page's /Annots (an indirect array is rewritten in place).
  const annots = dictGet(page.dict, "Annots");
  if (isRef(annots)) rewrite(annots.num, appended(file.resolve(annots)));
  else rewrite(page.ref.num, withEntry(page.dict, "Annots", appended(annots)));

  // The field in /AcroForm /Fields, /SigFlags 3.
  const formValue = dictGet(catalog, "AcroForm");
  const form = file.dict(formValue) ?? { kind: "dict", entries: new Map() };
  const fieldsValue = dictGet(form, "Fields");
  const fields = file.resolve(fieldsValue);
  const names = new Set(
    (Array.isArray(fields) ? (fields as readonly PdfValue[]) : []).flatMap((f) => {
      const t = dictGet(file.dict(f), "T");
      return isString(t) ? [decodeTextString(t)] : [];
    }),
  );
  let fieldName = "Passerelle";
  for (let i = 2; names.has(fieldName); i++) fieldName = `Passerelle${String(i)}`;
  let newForm = form;
  if (isRef(fieldsValue)) rewrite(fieldsValue.num, appended(fields));
  else newForm = withEntry(newForm, "Fields", appended(fields));
  const flags = dictGet(form, "SigFlags");
  newForm = withEntry(newForm, "SigFlags", (typeof flags === "number" ? flags : 0) | 3);
  if (isRef(formValue)) rewrite(formValue.num, newForm);
  else {
    const formNum = next++;
    objects.push({ num: formNum, gen: 0, body: serialize(newForm) });
    rewrite(root.num, withEntry(catalog, "AcroForm", ref(formNum)));
  }

  const text = (key: string, v: string | undefined): string =>
    v === undefined ? "" : ` /${key} ${textString(v)}`;
  objects.push({
    num: sigNum,
    gen: 0,
    body:
      `<</Type /Sig /Filter /Adobe.PPKLite /SubFilter /ETSI.CAdES.detached ${BYTE_RANGE_MARKER} ` +
      `/Contents <${"00".repeat(length)}> /M ${pdfDate(opts.signingTime)}` +
      `${text("Name", opts.name)}${text("Reason", opts.reason)}${text("Location", opts.location)}` +
      `${text("ContactInfo", opts.contactInfo)}>>`,
  });
  objects.push({
    num: widgetNum,
    gen: 0,
    // Print | Locked (ISO 32000-1 §12.5.3); zero Rect: an invisible signature.
    body:
      `<</Type /Annot /Subtype /Widget /FT /Sig /T ${textString(fieldName)} /V ${String(sigNum)} 0 R ` +
      `/F 132 /Rect [0 0 0 0] /P ${serialize(page.ref)}>>`,
  });
  return appendUpdate(
    { original: file.buf, trailer, startxref: file.xref.startxref, kind: file.xref.kind, size: next },
    objects,
  );
}

/**
 * Seals `pdf` with Passerelle's PAdES B-B signature as an incremental update and returns the
 * signed file; `pdf` is its byte prefix. Errors as {@link addSealPlaceholder}, plus
 * SIGNATURE_TOO_LARGE when the CMS does not fit `signatureLength`.
 */
export async function sealPdf(pdf: Uint8Array, signer: Signer, opts: SealOptions): Promise<Buffer> {
  return signPdf(addSealPlaceholder(pdf, opts), signer);
}
