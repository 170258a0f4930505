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
import { attr, child, descend, elements, HL7, textOf } from "./dom.ts";
import { readNarrative, set, type Data } from "./narrative-fields.ts";
import type { CdaPatient } from "./patient.ts";
import { birthPlaceCode } from "./patient.ts";
import { person, recipient, type CdaRecipient } from "./participants.ts";
import { DISCHARGE } from "./volet-specs-ses.ts";
import { ADMISSION, REQUEST, type SectionSpec } from "./volet-specs.ts";
import type { XElement } from "./xml.ts";

export type CdaVoletName = "LDL-SES" | "LDL-EES" | "TLM-DA" | "TLM-CR";

export interface SheetFields {
  /** The Passerelle form the volet corresponds to. */
  readonly form: "discharge" | "admission" | "teleexpertise-request" | "teleexpertise-answer";
  /** Sheet data, by form section then field, as far as the document holds them. */
  readonly data: Record<string, Record<string, unknown>>;
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

/** G15 profession codes (TRE_G15-ProfessionSante, specialty SM26 = general practice) → form values. */
const PROFESSION: Readonly<Record<string, string>> = {
  "G15_10/SM26": "gp",
  G15_10: "specialist",
  G15_60: "nurse",
  G15_21: "pharmacist",
  G15_70: "physio",
  G15_50: "midwife",
  G15_40: "dentist",
};

function telecom(role: XElement | undefined, scheme: "tel:" | "mailto:"): string | undefined {
  const t = elements(role ?? ({ children: [] } as unknown as XElement))
    .filter((e) => e.ns === HL7 && e.local === "telecom")
    .map((e) => attr(e, "value"))
    .find((v) => v?.startsWith(scheme));
  return t?.slice(scheme.length);
}

export function sheetFields(volet: CdaVoletName, input: VoletInput): SheetFields {
  const data: Data = {};
  const { doc, patient } = input;
  set(data, "patient.lastName", patient.usedFamily ?? patient.family);
  if (patient.family !== undefined && patient.family !== (patient.usedFamily ?? patient.family)) {
    set(data, "patient.birthName", patient.family);
  }
  set(data, "patient.firstNames", patient.given);
  const firstWord = patient.given?.split(/\s+/)[0];
  if (patient.usedGiven !== undefined && patient.usedGiven !== firstWord)
    set(data, "patient.usedFirstName", patient.usedGiven);
  set(data, "patient.birthDate", patient.birthDate);
  set(data, "patient.sex", patient.sex === "UN" ? "I" : patient.sex);
  set(data, "patient.birthPlaceCode", birthPlaceCode(doc));
  set(data, "patient.ins", patient.ins);
  const role = descend(doc, "recordTarget", "patientRole");
  set(data, "patient.address", textOf(descend(role, "addr", "streetAddressLine")));
  set(data, "patient.phone", attr(child(role, "telecom"), "value")?.replace(/^tel:/, ""));
  header(volet, input, data);
  if (input.body.kind === "structured") {
    const specs = VOLET_SPECS[volet];
    for (const s of allSections(input.body.sections)) {
      const spec = specs.find((x) => x.loinc === s.code?.code);
      if (spec !== undefined && s.narrative !== undefined) readNarrative(s.narrative, spec, data);
    }
  }
  return { form: FORMS[volet], data };
}

function allSections(sections: readonly CdaSection[]): CdaSection[] {
  return sections.flatMap((s) => [s, ...allSections(s.sections)]);
}

function header(volet: CdaVoletName, { doc, encounter }: VoletInput, data: Data): void {
  const authorRole = descend(doc, "author", "assignedAuthor");
  const author = person(authorRole, "assignedPerson", "representedOrganization");
  const profession = author?.profession?.code;
  const professionValue = profession === undefined ? undefined : (PROFESSION[profession] ?? "other");
  const recipients = elements(doc)
    .filter((e) => e.ns === HL7 && e.local === "informationRecipient")
    .map(recipient)
    .filter((r): r is CdaRecipient => r !== undefined);
  const written = isoDateTime(attr(child(doc, "effectiveTime"), "value"));
  const who = (r: { name?: string; rpps?: string } | undefined): Record<string, string> | undefined =>
    r?.name === undefined ? undefined : { name: r.name, ...(r.rpps === undefined ? {} : { rpps: r.rpps }) };
  const day = (v: string | undefined): string | undefined => v?.slice(0, 10);
  switch (volet) {
    case "LDL-SES":
      set(data, "establishment.name", author?.structure?.name);
      set(data, "establishment.finess", author?.structure?.finess);
      set(data, "establishment.unit", encounter?.unit);
      set(data, "practitioners.hospitalDoctor", who(author));
      set(data, "practitioners.gp", who(recipients[0]));
      set(data, "practitioners.referrer", who(recipients[1]));
      set(data, "stay.admissionDate", day(encounter?.start));
      set(data, "stay.dischargeDate", day(encounter?.end));
      set(data, "recipients.writtenAt", written);
      break;
    case "LDL-EES":
      set(data, "sender.name", author?.name);
      set(data, "sender.rpps", author?.rpps);
      set(data, "sender.adeli", author?.adeli);
      set(data, "sender.structureName", author?.structure?.name);
      set(data, "sender.finess", author?.structure?.finess);
      set(data, "sender.writtenAt", written);
      set(data, "sender.profession", professionValue);
      set(data, "sender.phone", telecom(authorRole, "tel:"));
      set(data, "sender.secureEmail", telecom(authorRole, "mailto:"));
      set(data, "careTeam.gp", who(recipients[0]));
      break;
    case "TLM-DA":
      set(data, "requester.name", author?.name);
      set(data, "requester.rpps", author?.rpps);
      set(data, "requester.practice", author?.structure?.name);
      set(data, "expert.name", recipients[0]?.name);
      set(data, "expert.rpps", recipients[0]?.rpps);
      set(data, "request.requestedAt", written);
      set(data, "requester.profession", professionValue);
      set(data, "requester.phone", telecom(authorRole, "tel:"));
      set(data, "requester.secureEmail", telecom(authorRole, "mailto:"));
      break;
    case "TLM-CR":
      set(data, "expert.name", author?.name);
      set(data, "expert.rpps", author?.rpps);
      set(data, "request.requesterName", recipients[0]?.name);
      set(data, "answer.answeredAt", written);
      set(data, "expert.phone", telecom(authorRole, "tel:"));
      break;
  }
}

/** TS `YYYYMMDDHHMMSS±ZZZZ` → RFC 3339; undefined when not a full date-time. */
function isoDateTime(v: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?([+-]\d{4})$/.exec(v ?? "");
  if (m === null) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${(m[7] ?? "").slice(0, 3)}:${(m[7] ?? "").slice(3)}`;
}
