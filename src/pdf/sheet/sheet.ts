import { createHash, randomUUID } from "node:crypto";
import { hasCdaModel, sheetToCda } from "../../cda/index.ts";
import type { Clock } from "../../core/index.ts";
import type { ValidatedSheet } from "../../forms/index.ts";
import { addSignaturePlaceholder, signPdf } from "../sign/index.ts";
import { renderSheet, type AssociatedFile } from "../render/index.ts";
import type { Signer } from "../sign/index.ts";

/** Name of the embedded CDA R2 document (never a patient name: file names are metadata). */
export const EMBEDDED_CDA_NAME = "passerelle-sheet.cda.xml";

export interface SignedSheet {
  readonly sheetId: string;
  readonly pdf: Buffer;
  /** SHA-256 (hex) of the signed PDF: what the audit trail and the Matrix event carry. */
  readonly sha256: string;
  /** The CDA R2 document embedded in the PDF (structured CI-SIS models only). */
  readonly cda?: { readonly xml: string; readonly id: string; readonly volet: string };
}

export interface ProduceOptions {
  readonly signer: Signer;
  readonly clock: Clock;
  /** Defaults to a random UUID. */
  readonly sheetId?: string;
  /** Shown by viewers next to the signature (the certificate stays authoritative). */
  readonly signerName?: string;
  /** The patient's INS is a test one: the embedded CDA uses the test-INS OIDs. */
  readonly testIns?: boolean;
}

/**
 * Whether a form's CDA is embedded in its PDF: the structured CI-SIS models (LDL-SES, LDL-EES,
 * TLM-DA). TLM-CR is non-structured: its CDA carries the signed answer PDF and travels beside it.
 */
export const embedsCda = (formId: string): boolean =>
  hasCdaModel(formId) && formId !== "teleexpertise-answer";

/**
 * The sheet's CDA as a PDF/A-3 associated file. Relationship `Alternative` (ISO 32000-2 §14.13.2,
 * ISO 19005-3 Annex E: "an alternative representation of content"): the CDA is the same letter in
 * the CI-SIS format, built from the same data. It is not `Source` (the PDF is not rendered from it)
 * nor `Data` (that is the JSON the pages are drawn from). MIME `text/xml`, the CDA mimeType of IHE
 * XDS metadata (ITI TF-3 §4.2.3.2.19) used for CI-SIS documents.
 */
function cdaFile(xml: string): AssociatedFile {
  return {
    name: EMBEDDED_CDA_NAME,
    mimeType: "text/xml",
    description: "Document CDA R2 (CI-SIS) de la fiche / the sheet as a CI-SIS CDA R2 document",
    relationship: "Alternative",
    content: Buffer.from(xml, "utf8"),
  };
}

/**
 * Renders a validated sheet and signs it PAdES B-B (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached):
 * the one pipeline behind `sheet sign`, the transfers workflow and the benchmarks. The structured
 * data (JSON) and, for forms with a structured CI-SIS model, the CDA R2 document are embedded as
 * associated files before signing, so the signature covers them.
 */
export async function produceSignedSheet(sheet: ValidatedSheet, opts: ProduceOptions): Promise<SignedSheet> {
  const sheetId = opts.sheetId ?? randomUUID();
  const cda = embedsCda(sheet.form.id)
    ? sheetToCda(sheet, { sheetId, testIns: opts.testIns === true })
    : undefined;
  const unsigned = await renderSheet(sheet.form, sheet.data, {
    clock: opts.clock,
    sheetId,
    ...(cda === undefined ? {} : { associatedFiles: [cdaFile(cda.xml)] }),
    beforeEnd: (doc) => {
      addSignaturePlaceholder(doc, {
        signingTime: opts.clock.now(),
        reason: `${sheet.form.title.fr} — signature de l’établissement émetteur`,
        ...(opts.signerName === undefined ? {} : { name: opts.signerName }),
      });
    },
  });
  const pdf = await signPdf(unsigned, opts.signer);
  return {
    sheetId,
    pdf,
    sha256: createHash("sha256").update(pdf).digest("hex"),
    ...(cda === undefined ? {} : { cda: { xml: cda.xml, id: cda.id, volet: cda.volet } }),
  };
}
