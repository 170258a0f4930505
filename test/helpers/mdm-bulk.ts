/**
 * Many distinct MDM^T02 messages for the crash test and the documents bench: each the ANS's
 * published MDM^T02 example (CI-SIS volet « Transmission de document(s) CDA en HL7v2 » v2.1, as
 * {@link production} gives it) with its own MSH-10, the patient's INS in PID-3, its own CDA
 * (ClinicalDocument/id `DOC-<n>`, {@link documentCda}, with the same INS in its recordTarget) in
 * OBX-5, TXA-12 naming that id, and the PRT `RCT` naming the recipient (`8` + RPPS under
 * 1.2.250.1.71.4.2.1). Segments end with CR.
 */
import { DOC_ROOT, documentCda, tinyPdf } from "./documents.ts";
import { ANS, comp, docObxAt, hf, join, production, setComp, setField, split } from "./hl7-documents.ts";

export interface BulkDocument {
  /** Sequence number: the CDA id is `DOC-<n>` (or `<prefix>-<n>`). */
  readonly n: number;
  readonly controlId: string;
  readonly ins: string;
  /** RPPS of the recipient named by PRT RCT. */
  readonly rpps: string;
  /** A PDF for the CDA's nonXMLBody instead of the tiny one (to make a large document). */
  readonly pdf?: Buffer;
  readonly prefix?: string;
}

/** The CDA id (`root^extension`) the documents service keys the document by. */
export const bulkDocumentId = (d: Pick<BulkDocument, "n" | "prefix">): string =>
  `${DOC_ROOT}^${d.prefix ?? "DOC"}-${String(d.n)}`;

let template: string[][] | undefined;

/** The message text (see the module comment). */
export function bulkMdm(d: BulkDocument): string {
  template ??= split(production(ANS.mdmT02));
  const extension = `${d.prefix ?? "DOC"}-${String(d.n)}`;
  let cda = documentCda({ id: extension, ins: d.ins }).toString("utf8");
  if (d.pdf !== undefined) cda = cda.replace(tinyPdf().toString("base64"), d.pdf.toString("base64"));
  const b64 = Buffer.from(cda, "utf8").toString("base64");
  const at = docObxAt(template);
  return join(
    template.map((s, i) => {
      switch (s[0]) {
        case "MSH":
          return setField(s, 10, d.controlId);
        case "PID":
          return setField(s, 3, `${d.ins}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS`);
        case "TXA":
          return setField(s, 12, `${extension}^^${DOC_ROOT}^ISO`);
        case "PRT":
          return comp(hf(s, 4), 1) === "RCT"
            ? setField(s, 5, `8${d.rpps}^Test^Docteur^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS`)
            : s;
        case "OBX":
          return i === at ? setField(s, 5, setComp(hf(s, 5), 5, b64)) : s;
        case undefined:
        default:
          return s;
      }
    }),
  );
}
