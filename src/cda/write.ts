/**
 * A validated sheet as a CDA R2 document of its CI-SIS content model: `discharge` → LDL-SES
 * 2022.01, `admission` → LDL-EES 2022.01, `teleexpertise-request` → TLM-DA 2022.01,
 * `teleexpertise-answer` → TLM-CR 2022.01 (non-structured: the signed answer PDF as the body).
 * Header per the CI-SIS common model (templateIds 2.16.840.1.113883.2.8.2.1 and
 * 1.2.250.1.213.1.1.1.1, then the volet's).
 */
import { PasserelleError } from "../core/index.ts";
import type { SheetData, ValidatedSheet } from "../forms/index.ts";
import { admissionBody, admissionHeader } from "./admission.ts";
import { dischargeBody } from "./discharge.ts";
import {
  author,
  custodian,
  informationRecipient,
  legalAuthenticator,
  OID,
  recordTarget,
  type Organisation,
  type Professional,
} from "./header.ts";
import { componentOf, documentationOf, participant } from "./header-context.ts";
import { nameUuid, newUuid } from "./ids.ts";
import { doctorCode } from "./specialties.ts";
import { answerHeader, requestBody, requestHeader } from "./teleexpertise.ts";
import { str, tsDate, tsDateTime } from "./values.ts";
import { el, text, type Node } from "./xml.ts";

export type CdaVolet = "LDL-SES_2022.01" | "LDL-EES_2022.01" | "TLM-DA_2022.01" | "TLM-CR_2022.01";

export interface CdaOptions {
  /** Document id root (a UUID); by default derived from `sheetId`, else random. */
  readonly documentId?: string;
  /**
   * The sheet's id (the PDF's): the document id and setId derive from it when given; a UUID sheet
   * id is the setId itself, as it is the FHIR export's Composition.identifier.
   */
  readonly sheetId?: string;
  /** The patient's INS is a test one (INSi test environment): OIDs 1.2.250.1.213.1.4.10 / .11. */
  readonly testIns?: boolean;
  /** For `teleexpertise-answer` (TLM-CR, non-structured): the signed answer PDF carried as the body. */
  readonly pdf?: Buffer;
}

export interface CdaDocument {
  readonly xml: string;
  readonly volet: CdaVolet;
  /** `id/@root` (a UUID; no extension). */
  readonly id: string;
  readonly setId: string;
}

/** What each volet's header needs from its sheet. */
export interface HeaderParts {
  readonly time: string;
  readonly author: Professional;
  readonly custodian: Organisation;
  readonly recipients: readonly Professional[];
  /** Header participants: the médecin traitant (`INF`/`PCP`) and the referring practitioner (`REFB`). */
  readonly participants?: readonly { readonly type: "INF" | "REFB"; readonly who: Professional }[];
  readonly service: Parameters<typeof documentationOf>[0];
  readonly encounter: { low: string; high?: string; unit?: string; org?: Organisation };
}

const VOLET: Record<
  string,
  { volet: CdaVolet; templateId?: string; code: string; display: string; title: string }
> = {
  discharge: {
    volet: "LDL-SES_2022.01",
    templateId: "1.2.250.1.213.1.1.1.29",
    code: "11490-0",
    display: "Lettre de liaison à la sortie d'un établissement de soins",
    title: "Lettre de liaison à la sortie de l'établissement de santé",
  },
  admission: {
    volet: "LDL-EES_2022.01",
    templateId: "1.2.250.1.213.1.1.1.21",
    code: "18761-7",
    display: "Note de transfert (dont lettre de liaison à l'entrée en établissement de soins)",
    title: "Lettre de liaison à l'entrée en établissement de santé",
  },
  "teleexpertise-request": {
    volet: "TLM-DA_2022.01",
    templateId: "1.2.250.1.213.1.1.1.38",
    code: "75496-0",
    display: "Demande d'acte de télémédecine",
    title: "Demande de téléexpertise",
  },
  "teleexpertise-answer": {
    volet: "TLM-CR_2022.01",
    code: "85208-7",
    display: "Compte-rendu d'acte de télémédecine",
    title: "Compte-rendu de téléexpertise",
  },
};

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** Whether a form has a CI-SIS content model Passerelle writes. */
export const hasCdaModel = (formId: string): boolean => formId in VOLET;

export function sheetToCda(sheet: ValidatedSheet, opts: CdaOptions = {}): CdaDocument {
  const v = VOLET[sheet.form.id];
  if (v === undefined)
    throw new PasserelleError("UNKNOWN_FORM", `form ${sheet.form.id} has no CI-SIS content model`);
  const d = sheet.data;
  const id = opts.documentId ?? (opts.sheetId === undefined ? newUuid() : nameUuid("cda", opts.sheetId));
  // setId ↔ FHIR Composition.identifier (FHIR R4 Composition mappings): a UUID sheet id is both.
  const setId =
    opts.sheetId === undefined
      ? nameUuid("cda-set", id)
      : UUID.test(opts.sheetId)
        ? opts.sheetId.toUpperCase()
        : nameUuid("cda-set", opts.sheetId);
  const entryId = (n: string): string => nameUuid(id, n);
  let h: HeaderParts;
  let body: Node;
  switch (sheet.form.id) {
    case "discharge":
      h = dischargeHeader(sheet);
      body = el("structuredBody", {}, ...dischargeBody(d, h.time, entryId));
      break;
    case "admission":
      h = admissionHeader(sheet);
      body = el("structuredBody", {}, ...admissionBody(d, entryId));
      break;
    case "teleexpertise-request":
      h = requestHeader(sheet);
      body = el("structuredBody", {}, ...requestBody(d, entryId));
      break;
    case "teleexpertise-answer":
    case "admission-notice":
    case "discharge-notice": {
      // The notices have no CI-SIS model: VOLET above has already refused them.
      h = answerHeader(sheet);
      if (opts.pdf === undefined)
        throw new PasserelleError(
          "VALIDATION_FAILED",
          "a TLM-CR document carries the signed answer PDF: none was given",
        );
      body = el(
        "nonXMLBody",
        {},
        el("text", { mediaType: "application/pdf", representation: "B64" }, opts.pdf.toString("base64")),
      );
    }
  }
  const xml =
    '<?xml version="1.0" encoding="UTF-8"?>\n' +
    el(
      "ClinicalDocument",
      { xmlns: "urn:hl7-org:v3", "xmlns:xsi": "http://www.w3.org/2001/XMLSchema-instance" },
      el("realmCode", { code: "FR" }),
      el("typeId", { root: "2.16.840.1.113883.1.3", extension: "POCD_HD000040" }),
      el("templateId", { root: "2.16.840.1.113883.2.8.2.1" }),
      el("templateId", { root: "1.2.250.1.213.1.1.1.1" }),
      v.templateId === undefined
        ? el("templateId", { root: "1.3.6.1.4.1.19376.1.2.20" })
        : el("templateId", { root: v.templateId, extension: "2022.01" }),
      el("id", { root: id }),
      el("code", { code: v.code, displayName: v.display, codeSystem: OID.loinc, codeSystemName: "LOINC" }),
      el("title", {}, text(v.title)),
      el("effectiveTime", { value: h.time }),
      el("confidentialityCode", { code: "N", displayName: "Normal", codeSystem: OID.confidentiality }),
      el("languageCode", { code: "fr-FR" }),
      el("setId", { root: setId }),
      el("versionNumber", { value: 1 }),
      recordTarget(d, opts.testIns === true),
      author(h.author, h.time),
      custodian(h.custodian),
      ...h.recipients.map(informationRecipient),
      legalAuthenticator(h.author, h.time),
      ...(h.participants ?? []).map((p) => participant(p.type, p.who)),
      documentationOf(h.service),
      componentOf(h.encounter.low, h.encounter.high, h.encounter.unit, h.encounter.org),
      el("component", {}, body),
    ) +
    "\n";
  return { xml, volet: v.volet, id, setId };
}

/** IdNatPS of an RPPS (`8` + RPPS) or an ADELI (`0` + ADELI). */
export const idNatPs = (rpps: string | undefined, adeli?: string): string | undefined =>
  rpps !== undefined ? `8${rpps}` : adeli !== undefined ? `0${adeli}` : undefined;

/**
 * A doctor group of a form (`practitioners.gp`, `careTeam.gp`…) when any of its fields is filled:
 * name (may be empty), IdNatPS, specialty as its code, phone.
 */
export function practitioner(d: SheetData, group: string): Professional | undefined {
  const name = str(d, `${group}.name`);
  const rpps = idNatPs(str(d, `${group}.rpps`));
  const phone = str(d, `${group}.phone`);
  const specialty = str(d, `${group}.specialty`);
  if (name === undefined && rpps === undefined && phone === undefined && specialty === undefined)
    return undefined;
  return {
    name: name ?? "",
    profession: doctorCode(specialty),
    ...(rpps === undefined ? {} : { idNatPs: rpps }),
    ...(phone === undefined ? {} : { phone }),
  };
}

function dischargeHeader(sheet: ValidatedSheet): HeaderParts {
  const d = sheet.data;
  const finess = str(d, "establishment.finess");
  const org: Organisation = {
    ...(finess === undefined ? {} : { idNatStruct: `1${finess}` }),
    name: str(d, "establishment.name") ?? "",
    ...(str(d, "establishment.address") === undefined ? {} : { address: str(d, "establishment.address") }),
  };
  const author = { ...(practitioner(d, "practitioners.hospitalDoctor") as Professional), org };
  const time = tsDateTime(str(d, "recipients.writtenAt") ?? "");
  const low = tsDate(str(d, "stay.admissionDate") ?? "");
  const high = tsDate(str(d, "stay.dischargeDate") ?? "");
  const unit = str(d, "establishment.unit");
  const gp = practitioner(d, "practitioners.gp");
  const referrer = practitioner(d, "practitioners.referrer");
  return {
    time,
    author,
    custodian: org,
    recipients: [gp, referrer].filter((p): p is Professional => p !== undefined && p.name !== ""),
    participants: [
      ...(gp === undefined ? [] : [{ type: "INF" as const, who: gp }]),
      ...(referrer === undefined ? [] : [{ type: "REFB" as const, who: referrer }]),
    ],
    service: {
      code: { code: "IMP", display: "Hospitalisation (établissement, y compris HAD)", system: OID.actCode },
      low,
      high,
      performer: author,
    },
    encounter: { low, high, ...(unit === undefined ? {} : { unit }), org },
  };
}
