/**
 * PID-32 (identity reliability code) under IHE PAM France 2.11: may the INS of PID-3 be used?
 *
 * What the texts define as a qualified identity:
 * - PAM France fills PID-32 from table 0445 as the French profiles publish it (Interop'Santé,
 *   FR Core CodeSystem v2-0445, https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0445): VIDE,
 *   PROV (identité provisoire), VALI (identité validée), then duplicate, collision and attribute
 *   codes (DOUB, DOUA, DPOT, COLP, COLV, DESA, FILI, CACH, ANOM, IDVER, RECD, IDRA, USUR, HOMD,
 *   HOMA, INVA, FICT, DOUT). There is no QUAL (nor RECUP) in that table.
 * - The INS (matricule INS) is conveyed only for a qualified identity — RNIV: traits retrieved
 *   through the INSi teleservice and checked against a high-trust identity document — so a PID
 *   carrying the INS with status VALI is a qualified identity (FR Core profile
 *   fr-core-patient-ins: « Le matricule INS ne peut être véhiculé que dans le cas d'une identité
 *   qualifiée », invariant fr-core-1: VALI implies an INS identifier). The ANS's PAM France 2.11
 *   example messages (github.com/ansforge/hl7V2-exemples, SGL/admission.er7 and
 *   Vague 2/Consentement_DMP_PAMFR) carry the INS in PID-3 with PID-32 = VALI.
 *
 * Hence: PID-32 must hold VALI, hold only codes of that table, and none that makes the identity
 * unusable (VIDE, PROV, DESA, ANOM, USUR, INVA, FICT, DOUT, COLP, COLV). An absent PID-32 (feeds
 * before PAM France 2.10) is accepted: the INS is present, which the profile allows only for a
 * qualified identity.
 */

/** Table 0445 as published for France (FR Core CodeSystem v2-0445). */
export const TABLE_0445_FR: readonly string[] = [
  "VIDE",
  "PROV",
  "VALI",
  "DOUB",
  "DESA",
  "DPOT",
  "DOUA",
  "COLP",
  "COLV",
  "FILI",
  "CACH",
  "ANOM",
  "IDVER",
  "RECD",
  "IDRA",
  "USUR",
  "HOMD",
  "HOMA",
  "INVA",
  "FICT",
  "DOUT",
];

/** Codes under which the INS must not be used: not qualified, deactivated, anonymous, usurped, invalid, fictitious, doubtful, or mixing two people. */
const UNUSABLE = new Set(["VIDE", "PROV", "DESA", "ANOM", "USUR", "INVA", "FICT", "DOUT", "COLP", "COLV"]);

export interface ReliabilityProblem {
  readonly reason: "ins.not_qualified" | "pid32.unknown_code";
  readonly hl7Error: "102" | "103";
  readonly text: string;
}

/** `undefined` when the INS may be used; else why not (never the value). */
export function checkReliability(codes: readonly string[]): ReliabilityProblem | undefined {
  if (codes.length === 0) return undefined;
  if (codes.some((c) => !TABLE_0445_FR.includes(c))) {
    return {
      reason: "pid32.unknown_code",
      hl7Error: "103",
      text: "PID-32 holds a code outside table 0445 (PAM France): the INS cannot be used",
    };
  }
  if (!codes.includes("VALI") || codes.some((c) => UNUSABLE.has(c))) {
    return {
      reason: "ins.not_qualified",
      hl7Error: "102",
      text: "PID-32 is not a qualified identity (VALI): the INS cannot be used",
    };
  }
  return undefined;
}
