/**
 * The liaison sheet's fields read back from the CI-SIS volets Passerelle writes — LDL-SES 2022.01
 * (`discharge`), LDL-EES 2022.01 (`admission`), TLM-DA 2022.01 (`teleexpertise-request`), TLM-CR
 * 2022.01 (`teleexpertise-answer`) — following the writer's narrative conventions
 * (`<paragraph><content styleCode="Bold">Label : </content>value</paragraph>`, one paragraph per
 * further line; tables with a header row; lists with a caption) and its header mapping (patient
 * traits, author, recipients, encounter). Documents from other producers fill what matches; the
 * rest of their content is in the sections' text.
 */
import type { CdaBody, CdaSection } from "./body.ts";
import { answerFromPdf } from "./answer-pdf.ts";
import { readNarrative, type Data } from "./narrative-fields.ts";
import type { CdaPatient } from "./patient.ts";
import { headerFields, patientFields } from "./sheet-header.ts";
import { DISCHARGE } from "./volet-specs-ses.ts";
import { ADMISSION, REQUEST, type SectionSpec } from "./volet-specs.ts";
import type { XElement } from "./xml.ts";

export type CdaVoletName = "LDL-SES" | "LDL-EES" | "TLM-DA" | "TLM-CR";

export interface SheetFields {
  /** The Passerelle form the volet corresponds to. */
  readonly form: "discharge" | "admission" | "teleexpertise-request" | "teleexpertise-answer";
  /** Sheet data, by form section then field, as far as the document holds them. */
  readonly data: Record<string, Record<string, unknown>>;
  /**
   * Where the data comes from: `cda`, the document's header and narrative; `pdf`, the sheet JSON
   * Passerelle embeds in the signed PDF that is the body of a TLM-CR (non-structured) document.
   */
  readonly source: "cda" | "pdf";
}

const FORMS: Record<CdaVoletName, SheetFields["form"]> = {
  "LDL-SES": "discharge",
  "LDL-EES": "admission",
  "TLM-DA": "teleexpertise-request",
  "TLM-CR": "teleexpertise-answer",
};

/** Where each volet's sheet fields sit in its narrative. */
const VOLET_SPECS: Readonly<Record<CdaVoletName, readonly SectionSpec[]>> = {
  "LDL-SES": DISCHARGE,
  "LDL-EES": ADMISSION,
  "TLM-DA": REQUEST,
  "TLM-CR": [],
};

/** The volet by the document's templateId (TLM-CR: IHE XDS-SD with LOINC 85208-7). */
export function voletOf(templateIds: readonly string[], loinc: string): CdaVoletName | undefined {
  if (templateIds.includes("1.2.250.1.213.1.1.1.29")) return "LDL-SES";
  if (templateIds.includes("1.2.250.1.213.1.1.1.21")) return "LDL-EES";
  if (templateIds.includes("1.2.250.1.213.1.1.1.38")) return "TLM-DA";
  if (templateIds.includes("1.3.6.1.4.1.19376.1.2.20") && loinc === "85208-7") return "TLM-CR";
  return undefined;
}

export interface VoletInput {
  readonly doc: XElement;
  readonly body: CdaBody;
  readonly patient: CdaPatient;
  readonly encounter: { readonly start?: string; readonly end?: string; readonly unit?: string } | undefined;
}

export function sheetFields(volet: CdaVoletName, input: VoletInput): SheetFields {
  const data: Data = {};
  const { doc, patient } = input;
  if (
    volet === "TLM-CR" &&
    input.body.kind === "nonXML" &&
    input.body.embedded.mediaType === "application/pdf"
  ) {
    const embedded = answerFromPdf(input.body.embedded.bytes, patient);
    if (embedded !== undefined) return { form: FORMS[volet], data: embedded, source: "pdf" };
  }
  patientFields(doc, patient, data);
  headerFields(volet, doc, input.encounter, data);
  if (input.body.kind === "structured") {
    const specs = VOLET_SPECS[volet];
    for (const s of allSections(input.body.sections)) {
      const spec = specs.find((x) => x.loinc === s.code?.code);
      if (spec !== undefined && s.narrative !== undefined) readNarrative(s.narrative, spec, data);
    }
  }
  return { form: FORMS[volet], data, source: "cda" };
}

function allSections(sections: readonly CdaSection[]): CdaSection[] {
  return sections.flatMap((s) => [s, ...allSections(s.sections)]);
}
