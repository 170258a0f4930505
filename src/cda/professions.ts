/**
 * The forms' professions in the CI-SIS header: `assignedAuthor/code` from
 * JDV_J01_XdsAuthorSpecialty_CISIS (TRE_G15 profession, or profession/specialty), with the form's
 * own wording as `originalText` — which is what tells a specialist from an EHPAD coordinating
 * doctor, both « Médecin » (G15_10) in TRE_G15. A profession the value set does not hold
 * (`other`) has no code. The sender's kind of structure is the organisation's
 * `standardIndustryClassCode` from JDV_J04_XdsPracticeSettingCode_CISIS (code system
 * 1.2.250.1.213.1.1.4.9): `ESSMS` for an EHPAD, `AMBULATOIRE` for a city professional.
 */
import type { SheetData } from "../forms/index.ts";
import type { Organisation, Professional } from "./header.ts";
import { str } from "./values.ts";

export const MEDECIN = { code: "G15_10", display: "Médecin" } as const;

export const PROFESSION_TEXT: Readonly<Record<string, string>> = {
  gp: "Médecin généraliste",
  specialist: "Médecin spécialiste",
  ehpadDoctor: "Médecin coordonnateur d'EHPAD",
  nurse: "Infirmier(ère)",
  pharmacist: "Pharmacien(ne)",
  physio: "Masseur-kinésithérapeute",
  midwife: "Sage-femme",
  dentist: "Chirurgien(ne)-dentiste",
};

const CODE: Readonly<Record<string, { code: string; display: string }>> = {
  gp: { code: "G15_10/SM26", display: "Médecin - Qualifié en Médecine Générale (SM)" },
  specialist: MEDECIN,
  ehpadDoctor: MEDECIN,
  nurse: { code: "G15_60", display: "Infirmier" },
  pharmacist: { code: "G15_21", display: "Pharmacien" },
  physio: { code: "G15_70", display: "Masseur-Kinésithérapeute" },
  midwife: { code: "G15_50", display: "Sage-Femme" },
  dentist: { code: "G15_40", display: "Chirurgien-Dentiste" },
};

/** A form profession (`gp`, `nurse`…) as its code and wording; undefined for `other`. */
export function professionCode(
  profession: string | undefined,
): { code: string; display: string; text: string } | undefined {
  const c = profession === undefined ? undefined : CODE[profession];
  const text = profession === undefined ? undefined : PROFESSION_TEXT[profession];
  return c === undefined || text === undefined ? undefined : { ...c, text };
}

export const SECTOR = {
  ehpad: { code: "ESSMS", display: "Etablissement ou Service Social ou Médico-Social" },
  professional: { code: "AMBULATOIRE", display: "Ambulatoire" },
} as const;
export const SECTOR_SYSTEM = "1.2.250.1.213.1.1.4.9";

/**
 * The author of a sheet written by a city professional: the form group `group`'s name, profession,
 * phone and secure e-mail, with the IdNatPS `ids` the volet asks for and the author's `org`.
 */
export function sheetAuthor(
  d: SheetData,
  group: string,
  ids: Pick<Professional, "idNatPs" | "otherIdNatPs">,
  org: Organisation,
): Professional {
  const email = str(d, `${group}.secureEmail`);
  const profession = professionCode(str(d, `${group}.profession`));
  return {
    name: str(d, `${group}.name`) ?? "",
    ...ids,
    ...(profession === undefined ? {} : { profession }),
    phone: str(d, `${group}.phone`) ?? "",
    ...(email === undefined ? {} : { email }),
    org,
  };
}
