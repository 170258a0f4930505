/**
 * JSON Schema (2020-12 / draft-07 compatible) of each French identifier: its shape as a `pattern`
 * (length, character set and, for the INS, the sex and month structure), the check-key rule in the
 * `description` (a key cannot be expressed in JSON Schema: a wrong key is refused with 422 and rule
 * `<type>.key`), and one valid `examples` value. The patterns accept exactly what
 * `identifiers.ts` accepts before its key check.
 */
import type { IdentifierType } from "./definition.ts";

export const IDENTIFIER_PATTERNS: Record<IdentifierType, string> = {
  rpps: "^[0-9]{11}$",
  adeli: "^(?:[0-9]{2}|2[AB]|9[A-F])[0-9]{7}$",
  finess: "^(?:[0-9]{2}|2[AB])[0-9]{7}$",
  ins: "^[123478][0-9]{2}(?:0[1-9]|1[0-2]|20|3[0-9]|4[0-2]|[5-9][0-9])(?:[0-9]{2}|2[AB])[0-9]{8}$",
  siret: "^[0-9]{14}$",
};

const KEY_RULES: Record<IdentifierType, string> = {
  rpps: "RPPS: 11 digits, the last one a Luhn key (ISO/IEC 7812-1) over all 11.",
  adeli:
    "ADELI: 9 characters (département, profession, order number, key); all-digit numbers carry a Luhn key over the 9 digits; Corsica (2A/2B) and overseas (9A–9F) forms are checked for shape only.",
  finess:
    "FINESS: 9 characters (département, number, key); Luhn key over the 9 characters with 2A read as 21 and 2B as 22.",
  ins: "INS (NIR or NIA): 15 characters = sex (1, 2, 3, 4, 7, 8), year, month (01–12, 20, 30–42, 50–99), département (digits or 2A/2B), commune, order number, then a 2-digit key = 97 − (first 13 characters mod 97) with 2A read as 19 and 2B as 18.",
  siret:
    "SIRET: 14 digits with a Luhn key over the 14 (La Poste, SIREN 356000000: digit sum a multiple of 5).",
};

/** One valid value of each type (key included), for documentation and schema-driven clients. */
export const IDENTIFIER_EXAMPLES: Record<IdentifierType, string> = {
  rpps: "10101010105",
  adeli: "757068309",
  finess: "2A0000154",
  ins: "248037511204721",
  siret: "35600000000048",
};

/** The schema keywords of an identifier string: pattern, the key rule, an example. */
export function identifierSchema(type: IdentifierType): {
  readonly type: "string";
  readonly pattern: string;
  readonly description: string;
  readonly examples: readonly string[];
} {
  return {
    type: "string",
    pattern: IDENTIFIER_PATTERNS[type],
    description: `${KEY_RULES[type]} A wrong key is refused (422, rule ${type}.key).`,
    examples: [IDENTIFIER_EXAMPLES[type]],
  };
}
