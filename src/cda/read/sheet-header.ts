/**
 * The sheet fields the CI-SIS header of a Passerelle-written document holds (« Modèles de contenus
 * CDA », § En-tête): the patient's INS traits (birth names BR, used names CL), the author with its
 * ids, TRE_G15 code and the form's wording as `originalText` (specialty or profession), telecoms
 * and organisation (custodian address; `standardIndustryClassCode` of JDV_J04 for the kind of
 * structure), the information recipients, and the header participants — médecin traitant
 * (`INF`, functionCode `PCP`) and referring practitioner (`REFB`).
 */
import { attr, child, children, descend, textOf } from "./dom.ts";
import { set, type Data } from "./narrative-fields.ts";
import { OID_PS, person } from "./participants.ts";
import { birthPlaceCode, type CdaPatient } from "./patient.ts";
import type { XElement } from "./xml.ts";

export type HeaderVolet = "LDL-SES" | "LDL-EES" | "TLM-DA" | "TLM-CR";

/** TRE_G15 codes (JDV_J01) → the forms' professions; a « Médecin » by the code's originalText. */
const PROFESSION: Readonly<Record<string, string>> = {
  "G15_10/SM26": "gp",
  G15_60: "nurse",
  G15_21: "pharmacist",
  G15_70: "physio",
  G15_50: "midwife",
  G15_40: "dentist",
};
const EHPAD_DOCTOR = "Médecin coordonnateur d'EHPAD";
/** JDV_J04_XdsPracticeSettingCode_CISIS → the admission form's kind of sender. */
const SECTOR: Readonly<Record<string, string>> = { ESSMS: "ehpad", AMBULATOIRE: "professional" };

function profession(role: XElement | undefined): string {
  const code = attr(child(role, "code"), "code");
  if (code === undefined) return "other";
  if (code === "G15_10" || (code.startsWith("G15_10/") && code !== "G15_10/SM26"))
    return originalText(role) === EHPAD_DOCTOR ? "ehpadDoctor" : "specialist";
  return PROFESSION[code] ?? "other";
}

const originalText = (role: XElement | undefined): string | undefined =>
  textOf(descend(role, "code", "originalText"));

function telecom(role: XElement | undefined, scheme: "tel:" | "mailto:"): string | undefined {
  const t = children(role, "telecom")
    .map((e) => attr(e, "value"))
    .find((v) => v?.startsWith(scheme));
  return t?.slice(scheme.length);
}

/** IdNatPS values (`8` + RPPS, `0` + ADELI) of a role, as the form's `rpps` and `adeli`. */
function ids(role: XElement | undefined): { rpps?: string; adeli?: string } {
  const out: { rpps?: string; adeli?: string } = {};
  for (const i of children(role, "id")) {
    const ext = attr(i, "extension");
    if (attr(i, "root") !== OID_PS || ext === undefined) continue;
    if (/^8\d{11}$/.test(ext)) out.rpps ??= ext.slice(1);
    else if (/^0[0-9AB]{9}$/.test(ext)) out.adeli ??= ext.slice(1);
  }
  return out;
}

/** A person in a role as the forms' practitioner group (name, rpps, specialty, phone); undefined when none is there. */
function practitioner(role: XElement | undefined, personEl: string): Record<string, string> | undefined {
  const out: Record<string, string> = {};
  const name = person(role, personEl, "-")?.name;
  if (name !== undefined) out["name"] = name;
  const rpps = ids(role).rpps;
  if (rpps !== undefined) out["rpps"] = rpps;
  const specialty = originalText(role);
  if (specialty !== undefined) out["specialty"] = specialty;
  const phone = telecom(role, "tel:");
  if (phone !== undefined) out["phone"] = phone;
  return Object.keys(out).length === 0 ? undefined : out;
}

export function patientFields(doc: XElement, patient: CdaPatient, data: Data): void {
  set(data, "patient.lastName", patient.usedFamily ?? patient.family);
  // The writer puts a used family name (CL) only when the form has a birth name.
  if (patient.usedFamily !== undefined) set(data, "patient.birthName", patient.family);
  set(data, "patient.firstNames", patient.given);
  set(data, "patient.usedFirstName", patient.usedGiven);
  set(data, "patient.birthDate", patient.birthDate);
  set(data, "patient.sex", patient.sex === "UN" ? "I" : patient.sex);
  set(data, "patient.birthPlaceCode", birthPlaceCode(doc));
  set(data, "patient.ins", patient.ins);
  const role = descend(doc, "recordTarget", "patientRole");
  set(data, "patient.address", textOf(descend(role, "addr", "streetAddressLine")));
  set(data, "patient.phone", telecom(role, "tel:"));
}

export function headerFields(
  volet: HeaderVolet,
  doc: XElement,
  encounter: { readonly start?: string; readonly end?: string; readonly unit?: string } | undefined,
  data: Data,
): void {
  const role = descend(doc, "author", "assignedAuthor");
  const org = child(role, "representedOrganization");
  const orgName = textOf(child(org, "name"));
  const finess = /^1([0-9AB]{9})$/.exec(attr(child(org, "id"), "extension") ?? "")?.[1];
  const authorName = person(role, "assignedPerson", "-")?.name;
  const recipients = children(doc, "informationRecipient").map((r) => child(r, "intendedRecipient"));
  // The médecin traitant (INF with functionCode PCP) and the referring doctor (REFB) as header
  // participants when the document has them (Passerelle writes them), else the recipients in order.
  const participant = (type: "PCP" | "REFB"): XElement | undefined =>
    child(
      children(doc, "participant").find((p) =>
        type === "REFB"
          ? attr(p, "typeCode") === "REFB"
          : attr(p, "typeCode") === "INF" && attr(child(p, "functionCode"), "code") === "PCP",
      ),
      "associatedEntity",
    );
  const byRole = participant("PCP") !== undefined || participant("REFB") !== undefined;
  const written = isoDateTime(attr(child(doc, "effectiveTime"), "value"));
  const personEl = byRole ? "associatedPerson" : "informationRecipient";
  const day = (v: string | undefined): string | undefined => v?.slice(0, 10);
  switch (volet) {
    case "LDL-SES": {
      const custodian = descend(doc, "custodian", "assignedCustodian", "representedCustodianOrganization");
      set(data, "establishment.name", orgName);
      set(data, "establishment.finess", finess);
      set(data, "establishment.unit", encounter?.unit);
      set(data, "establishment.address", textOf(descend(custodian, "addr", "streetAddressLine")));
      set(data, "practitioners.hospitalDoctor", practitioner(role, "assignedPerson"));
      const gp = byRole ? participant("PCP") : recipients[0];
      const referrer = byRole ? participant("REFB") : recipients[1];
      set(data, "practitioners.gp", practitioner(gp, personEl));
      set(data, "practitioners.referrer", practitioner(referrer, personEl));
      set(data, "stay.admissionDate", day(encounter?.start));
      set(data, "stay.dischargeDate", day(encounter?.end));
      set(data, "recipients.writtenAt", written);
      break;
    }
    case "LDL-EES": {
      const sector = attr(
        descend(
          doc,
          "legalAuthenticator",
          "assignedEntity",
          "representedOrganization",
          "standardIndustryClassCode",
        ),
        "code",
      );
      set(data, "sender.senderType", sector === undefined ? undefined : SECTOR[sector]);
      set(data, "sender.name", authorName);
      set(data, "sender.profession", profession(role));
      set(data, "sender.rpps", ids(role).rpps);
      set(data, "sender.adeli", ids(role).adeli);
      set(data, "sender.structureName", orgName);
      set(data, "sender.finess", finess);
      set(data, "sender.phone", telecom(role, "tel:"));
      set(data, "sender.secureEmail", telecom(role, "mailto:"));
      set(data, "sender.writtenAt", written);
      set(data, "careTeam.gp", practitioner(byRole ? participant("PCP") : recipients[0], personEl));
      break;
    }
    case "TLM-DA": {
      set(data, "requester.name", authorName);
      set(data, "requester.profession", profession(role));
      set(data, "requester.rpps", ids(role).rpps);
      set(data, "requester.practice", orgName);
      set(data, "requester.phone", telecom(role, "tel:"));
      set(data, "requester.secureEmail", telecom(role, "mailto:"));
      const expert = practitioner(recipients[0], "informationRecipient");
      set(data, "expert.name", expert?.["name"]);
      set(data, "expert.rpps", expert?.["rpps"]);
      set(data, "request.requestedAt", written);
      break;
    }
    case "TLM-CR":
      set(data, "expert", practitioner(role, "assignedPerson"));
      set(data, "request.requesterName", person(recipients[0], "informationRecipient", "-")?.name);
      set(data, "answer.answeredAt", written);
      // The encounter starts at the request (at the answer itself when the form has no request time).
      if (encounter?.start !== undefined && encounter.start.length > 10 && encounter.start !== written)
        set(data, "request.requestedAt", encounter.start);
      break;
  }
}

/** TS `YYYYMMDDHHMMSS±ZZZZ` → RFC 3339; undefined when not a full date-time. */
export function isoDateTime(v: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?([+-]\d{4})$/.exec(v ?? "");
  if (m === null) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${(m[7] ?? "").slice(0, 3)}:${(m[7] ?? "").slice(3)}`;
}
