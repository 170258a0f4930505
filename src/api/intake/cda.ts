/**
 * A CDA R2 document received over HTTP → {@link IncomingDocument}: the header read by `readCda`
 * (HL7 CDA R2, ANS CI-SIS « Modèles de contenus CDA », common header). The document id is
 * `ClinicalDocument/id` (`root^extension`), the patient the `recordTarget` with its INS, the
 * author's RPPS from its IdNatPS; recipients are left to routing, which reads the CDA itself
 * (`informationRecipient`, participants). A document the reader refuses keeps its error
 * (`XML_REFUSED`, `XML_MALFORMED`, `CDA_INVALID`, `PAYLOAD_TOO_LARGE`) naming the XPath.
 */
import { readCda, type CdaReading } from "../../cda/read/index.ts";
import type { IncomingDocument, IncomingPatient } from "../../documents/index.ts";
import { NO_FLAGS } from "../../documents/index.ts";
import { refuse } from "./issues.ts";

/** LOINC's OID (HL7 CDA R2 code systems). */
export const LOINC_OID = "2.16.840.1.113883.6.1";

/** HL7 AdministrativeGender (F, M, UN) → the contract's F, M, U. */
const sexOf = (s: string | undefined): string | undefined =>
  s === undefined ? undefined : s === "F" || s === "M" ? s : "U";

/** The patient of a CDA reading, with its INS (required: a document without one cannot be routed). */
export function cdaPatient(r: CdaReading): IncomingPatient {
  const p = r.patient;
  if (p.ins === undefined || p.insOid === undefined) {
    throw refuse(
      "/ClinicalDocument/recordTarget/patientRole/id",
      "INS required",
      "the patient has no INS (id under 1.2.250.1.213.1.4.8, .9, .10 or .11)",
      "le patient n'a pas d'INS (id sous 1.2.250.1.213.1.4.8, .9, .10 ou .11)",
      "CDA_INVALID",
    );
  }
  const sex = sexOf(p.sex);
  return {
    ins: p.ins,
    insOid: p.insOid,
    ...(p.family === undefined ? {} : { family: p.family }),
    ...(p.given === undefined ? {} : { given: p.given }),
    ...(p.birthDate === undefined ? {} : { birthDate: p.birthDate }),
    ...(sex === undefined ? {} : { sex }),
  };
}

/** The CDA's bytes as received → the contract (the bytes are kept as they came). */
export function incomingFromCda(bytes: Uint8Array): IncomingDocument {
  const r = readCda(bytes);
  if (r.code.system !== undefined && r.code.system !== LOINC_OID) {
    throw refuse(
      "/ClinicalDocument/code/@codeSystem",
      "LOINC",
      "the document type is not a LOINC code",
      "le type de document n'est pas un code LOINC",
      "CDA_INVALID",
    );
  }
  return {
    channel: "http",
    documentId: r.id,
    ...(r.setId === undefined ? {} : { setId: r.setId }),
    ...(r.versionNumber === undefined ? {} : { versionNumber: r.versionNumber }),
    ...(r.replaces === undefined ? {} : { replaces: r.replaces }),
    typeCode: r.code.code,
    ...(r.title === undefined ? {} : { title: r.title }),
    patient: cdaPatient(r),
    ...(r.author.rpps === undefined ? {} : { authorRpps: r.author.rpps }),
    recipients: [],
    flags: NO_FLAGS,
    content: { kind: "cda", cda: bytes },
  };
}
