/**
 * The patient of a CDA R2 document (`recordTarget/patientRole`) with the traits of the INS
 * (Identifiant national de santé, référentiel INS of the ANS, CI-SIS « Modèles de contenus CDA »):
 * the INS under its OID — INS-NIR 1.2.250.1.213.1.4.8, INS-NIA .9, test INS-NIR .10, demonstration
 * .11 — with its key checked; birth names (`qualifier="BR"`), used names (`qualifier="CL"`), birth
 * date, administrative sex.
 */
import { checkIdentifier } from "../../forms/index.ts";
import { attr, child, children, descend, iiString, ii, textOf, ts } from "./dom.ts";
import { xmlError, type XElement } from "./xml.ts";

export const INS_OIDS: Readonly<Record<string, string>> = {
  "1.2.250.1.213.1.4.8": "INS-NIR",
  "1.2.250.1.213.1.4.9": "INS-NIA",
  "1.2.250.1.213.1.4.10": "INS-NIR test",
  "1.2.250.1.213.1.4.11": "INS-NIR demo",
};

export interface CdaPatient {
  readonly ins?: string;
  readonly insOid?: string;
  /** `INS-NIR`, `INS-NIA`, `INS-NIR test` or `INS-NIR demo`. */
  readonly insKind?: string;
  /** Other identifiers (local IPP…) as `root^extension`. */
  readonly otherIds: readonly string[];
  /** Birth family name (qualifier BR, else the first family name). */
  readonly family?: string;
  /** All birth given names (the `given` without qualifier, else the BR one). */
  readonly given?: string;
  readonly firstGiven?: string;
  readonly usedFamily?: string;
  readonly usedGiven?: string;
  readonly birthDate?: string;
  /** HL7 AdministrativeGender: `F`, `M`, `UN`. */
  readonly sex?: string;
}

const MESSAGES = {
  length: ["the INS does not have 15 characters", "l'INS n'a pas 15 caractères"],
  charset: [
    "the INS has characters other than digits (and 2A/2B)",
    "l'INS contient d'autres caractères que des chiffres (et 2A/2B)",
  ],
  structure: ["the INS has an impossible sex or month", "l'INS a un sexe ou un mois impossible"],
  key: [
    "the INS check key does not match (97 − N mod 97)",
    "la clé de l'INS ne correspond pas (97 − N mod 97)",
  ],
} as const;

export function readPatient(doc: XElement): CdaPatient {
  const target = child(doc, "recordTarget");
  const role = child(target, "patientRole");
  if (role === undefined) {
    throw xmlError(
      "CDA_INVALID",
      `${target?.path ?? "/ClinicalDocument/recordTarget"}${target === undefined ? "" : "/patientRole"}`,
      "required",
      "the document has no patient (recordTarget/patientRole)",
      "le document n'a pas de patient (recordTarget/patientRole)",
    );
  }
  let ins: string | undefined;
  let insOid: string | undefined;
  const otherIds: string[] = [];
  for (const idEl of children(role, "id")) {
    const i = ii(idEl);
    if (i === undefined) continue;
    if (INS_OIDS[i.root] === undefined || ins !== undefined) {
      otherIds.push(iiString(i));
      continue;
    }
    const value = (i.extension ?? "").replace(/\s/g, "").toUpperCase();
    const check = checkIdentifier("ins", value);
    if (!check.ok) {
      const [en, fr] = MESSAGES[check.reason];
      throw xmlError(
        "CDA_INVALID",
        `/ClinicalDocument/recordTarget/patientRole/id[@root='${i.root}']`,
        `INS check ${check.reason}`,
        en,
        fr,
      );
    }
    ins = value;
    insOid = i.root;
  }
  const p = child(role, "patient");
  const names = children(p, "name");
  const part = (local: string, qualifier: string | null): string | undefined => {
    for (const n of names) {
      const hit = children(n, local).find((e) =>
        qualifier === null ? attr(e, "qualifier") === undefined : attr(e, "qualifier") === qualifier,
      );
      const t = textOf(hit);
      if (t !== undefined) return t;
    }
    return undefined;
  };
  const family = part("family", "BR") ?? part("family", null) ?? part("family", "SP");
  const given = part("given", null) ?? part("given", "BR");
  const firstGiven = part("given", "BR");
  const usedFamily = part("family", "CL");
  const usedGiven = part("given", "CL");
  const birthDate = ts(child(p, "birthTime"))?.slice(0, 10);
  const sex = attr(child(p, "administrativeGenderCode"), "code");
  const opt = <K extends string>(k: K, v: string | undefined): Partial<Record<K, string>> =>
    v === undefined ? {} : ({ [k]: v } as Record<K, string>);
  return {
    ...opt("ins", ins),
    ...opt("insOid", insOid),
    ...opt("insKind", insOid === undefined ? undefined : INS_OIDS[insOid]),
    otherIds,
    ...opt("family", family),
    ...opt("given", given),
    ...opt("firstGiven", firstGiven),
    ...opt("usedFamily", usedFamily),
    ...opt("usedGiven", usedGiven),
    ...opt("birthDate", birthDate),
    ...opt("sex", sex),
  };
}

/** The birth place (INSEE code of the commune) when given, for the INS traits. */
export const birthPlaceCode = (doc: XElement): string | undefined =>
  textOf(descend(doc, "recordTarget", "patientRole", "patient", "birthplace", "place", "addr", "county"));
