/**
 * Annuaire Santé profession codes (nomenclature TRE_G15 "Profession de santé", the `Code
 * profession` column of the RPPS extraction). Only these are accepted by the import; extend the
 * table when a CPTS works with another profession.
 */
export const PROFESSIONS: Readonly<Record<string, string>> = {
  "10": "Médecin",
  "21": "Pharmacien",
  "26": "Audioprothésiste",
  "28": "Opticien-lunetier",
  "31": "Assistant dentaire",
  "40": "Chirurgien-dentiste",
  "50": "Sage-femme",
  "60": "Infirmier",
  "69": "Infirmier psychiatrique",
  "70": "Masseur-kinésithérapeute",
  "80": "Pédicure-podologue",
  "81": "Orthoprothésiste",
  "82": "Podo-orthésiste",
  "83": "Orthopédiste-orthésiste",
  "84": "Oculariste",
  "85": "Épithésiste",
  "86": "Technicien de laboratoire médical",
  "91": "Orthophoniste",
  "92": "Orthoptiste",
  "93": "Psychologue",
  "94": "Ergothérapeute",
  "95": "Diététicien",
  "96": "Psychomotricien",
  "98": "Manipulateur ERM",
};

/** True for a profession code of {@link PROFESSIONS}. */
export function isKnownProfession(code: string): boolean {
  return Object.hasOwn(PROFESSIONS, code);
}
