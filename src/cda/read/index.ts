/**
 * Reading CDA R2 documents as hospitals send them (HL7 CDA R2, ANS CI-SIS): structured volets
 * (LDL-SES, LDL-EES, TLM-DA, any other as titled sections) and non-structured N1 documents
 * (`nonXMLBody`, embedded PDF or text). Safe XML: no DOCTYPE, no entities, a size limit.
 */
export { readCda, type CdaReading } from "./read.ts";
export type { CdaEncounter, CdaRelated } from "./encounter.ts";
export { readingJson } from "./json.ts";
export { MAX_CDA_BYTES } from "./xml.ts";
export type { CdaBody, CdaEmbedded, CdaEntry, CdaSection } from "./body.ts";
export type { CdaPatient } from "./patient.ts";
export type { CdaOrganization, CdaParticipant, CdaPerson, CdaRecipient } from "./participants.ts";
export type { CdaVoletName, SheetFields } from "./volets.ts";
