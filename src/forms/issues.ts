/**
 * ajv errors → {@link FieldIssue}s: a dotted path, a stable rule name and a French + English
 * message. Messages are built only from the definition (labels, bounds, allowed values) and the
 * rule — never from the offending value, so patient data cannot leak into errors or logs.
 */
import type { ErrorObject } from "ajv";
import type { FieldIssue } from "../core/errors.ts";
import type { IdentifierType, Localized } from "./definition.ts";
import type { IdentifierFailure } from "./identifiers.ts";

type Msg = Localized;
type Params = Readonly<Record<string, unknown>>;

const n = (p: Params, k: string): string => String(p[k]);

const DIGITS: Msg = { fr: "chiffres uniquement", en: "digits only" };
const DIGITS_CORSICA: Msg = { fr: "chiffres, 2A/2B pour la Corse", en: "digits, 2A/2B for Corsica" };

/** What an identifier's messages say of it: its name, length and allowed characters. */
interface IdentifierText {
  readonly name: Msg;
  readonly length: number;
  readonly charset: Msg;
}

const IDENTIFIERS: Record<IdentifierType, IdentifierText> = {
  rpps: { name: { fr: "numéro RPPS", en: "RPPS number" }, length: 11, charset: DIGITS },
  adeli: { name: { fr: "numéro ADELI", en: "ADELI number" }, length: 9, charset: DIGITS_CORSICA },
  finess: { name: { fr: "numéro FINESS", en: "FINESS number" }, length: 9, charset: DIGITS_CORSICA },
  ins: { name: { fr: "INS (NIR ou NIA)", en: "INS (NIR or NIA)" }, length: 15, charset: DIGITS_CORSICA },
  siret: { name: { fr: "numéro SIRET", en: "SIRET number" }, length: 14, charset: DIGITS },
};

function identifierMessage(type: IdentifierType, reason: IdentifierFailure): Msg {
  const { name, length, charset } = IDENTIFIERS[type];
  switch (reason) {
    case "length":
      return {
        fr: `${name.fr} : ${length} caractères attendus`,
        en: `${name.en}: ${length} characters expected`,
      };
    case "charset":
      return {
        fr: `${name.fr} : caractères non autorisés (${charset.fr})`,
        en: `${name.en}: characters not allowed (${charset.en})`,
      };
    case "structure":
      return {
        fr: `${name.fr} : structure invalide (sexe ou mois de naissance)`,
        en: `${name.en}: invalid structure (sex or birth month)`,
      };
    case "key":
      return {
        fr: `${name.fr} : clé de contrôle incorrecte (erreur de saisie ?)`,
        en: `${name.en}: wrong check key (typing error?)`,
      };
  }
}

const TYPE_NAMES: Record<string, Msg> = {
  string: { fr: "du texte", en: "a string" },
  boolean: { fr: "oui/non (booléen)", en: "a boolean" },
  integer: { fr: "un nombre entier", en: "an integer" },
  array: { fr: "une liste", en: "an array" },
  object: { fr: "un objet", en: "an object" },
};

const FORMAT_HINTS: Record<string, Msg> = {
  date: { fr: "date AAAA-MM-JJ", en: "date YYYY-MM-DD" },
  "date-time": { fr: "date et heure RFC 3339 avec fuseau", en: "RFC 3339 date-time with offset" },
  phone: { fr: "numéro de téléphone", en: "phone number" },
  email: { fr: "adresse électronique", en: "e-mail address" },
};

/** Messages of the keywords that bound a size or a number, from the schema's `limit`. */
const BOUNDS = new Map<string, (limit: string) => Msg>([
  ["maxLength", (l) => ({ fr: `${l} caractères au maximum`, en: `at most ${l} characters` })],
  ["maxItems", (l) => ({ fr: `${l} éléments au maximum`, en: `at most ${l} items` })],
  ["minItems", (l) => ({ fr: `au moins ${l} élément(s)`, en: `at least ${l} item(s)` })],
  ["minimum", (l) => ({ fr: `doit être ≥ ${l}`, en: `must be ≥ ${l}` })],
  ["maximum", (l) => ({ fr: `doit être ≤ ${l}`, en: `must be ≤ ${l}` })],
]);

/** Rule name and message for one ajv error; only schema-side parameters are used. */
function describe(e: ErrorObject): { rule: string; message: Msg } {
  const p = e.params as Params;
  const bound = BOUNDS.get(e.keyword);
  if (bound !== undefined) return { rule: e.keyword, message: bound(n(p, "limit")) };
  switch (e.keyword) {
    case "required":
      return {
        rule: "required",
        message: { fr: "champ obligatoire manquant", en: "required field is missing" },
      };
    case "minLength":
      return { rule: "required", message: { fr: "champ obligatoire vide", en: "required field is empty" } };
    case "type": {
      const t = TYPE_NAMES[String(p.type)] ?? { fr: String(p.type), en: String(p.type) };
      return {
        rule: "type",
        message: { fr: `type incorrect : ${t.fr} attendu`, en: `wrong type: ${t.en} expected` },
      };
    }
    case "enum": {
      const allowed = (p.allowedValues as readonly unknown[]).map(String).join(", ");
      return {
        rule: "enum",
        message: {
          fr: `valeur non prévue (valeurs possibles : ${allowed})`,
          en: `value not allowed (allowed: ${allowed})`,
        },
      };
    }
    case "const": {
      if (p.allowedValue === true) {
        return {
          rule: "mustBeTrue",
          message: { fr: "doit valoir « oui » (true)", en: "must be yes (true)" },
        };
      }
      const expected = JSON.stringify(p.allowedValue); // from the schema (e.g. the form reference)
      return {
        rule: "const",
        message: { fr: `valeur attendue : ${expected}`, en: `expected value: ${expected}` },
      };
    }
    case "format": {
      const hint = FORMAT_HINTS[String(p.format)] ?? { fr: String(p.format), en: String(p.format) };
      return {
        rule: "format",
        message: { fr: `format invalide : ${hint.fr} attendu`, en: `invalid format: ${hint.en} expected` },
      };
    }
    case "pattern":
      return { rule: "pattern", message: { fr: "format invalide", en: "invalid format" } };
    case "additionalProperties":
      return {
        rule: "additionalProperties",
        message: { fr: "champ inconnu dans ce formulaire", en: "unknown field for this form" },
      };
    case "x-identifier": {
      const type = p.type as IdentifierType;
      const reason = p.reason as IdentifierFailure;
      return { rule: `${type}.${reason}`, message: identifierMessage(type, reason) };
    }
    default:
      return { rule: e.keyword, message: { fr: "valeur invalide", en: "invalid value" } };
  }
}

function dottedPath(e: ErrorObject, known: ReadonlySet<string>): string {
  const parts = e.instancePath
    .split("/")
    .slice(1)
    .map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~"));
  const p = e.params as Params;
  if (e.keyword === "required") parts.push(String(p.missingProperty));
  // The unknown property's name is the client's text: the path ends with `*`, unless the name is
  // one the schemas declare elsewhere (`known`, never the client's own text).
  if (e.keyword === "additionalProperties") {
    const name = p.additionalProperty;
    parts.push(typeof name === "string" && known.has(name) ? name : "*");
  }
  return parts.join(".");
}

/** Issues for ajv errors; a type error hides the other errors of the same value. */
export function issuesFromAjv(
  errors: readonly ErrorObject[],
  labels: ReadonlyMap<string, Localized>,
  known: ReadonlySet<string> = new Set(),
): FieldIssue[] {
  const issues = errors.map((e): FieldIssue => {
    const path = dottedPath(e, known);
    const { rule, message } = describe(e);
    const label = labels.get(path.replace(/\.\d+(?=\.|$)/g, ".*"));
    return {
      path,
      rule,
      message:
        label === undefined
          ? message
          : { fr: `« ${label.fr} » : ${message.fr}`, en: `"${label.en}": ${message.en}` },
    };
  });
  const typed = new Set(issues.filter((i) => i.rule === "type").map((i) => i.path));
  // A `pattern` doubles an identifier's check or a format: the more precise issue is kept.
  const precise = new Set(issues.filter((i) => i.rule !== "pattern").map((i) => i.path));
  const seen = new Set<string>();
  return issues.filter((i) => {
    const key = `${i.path}\u0000${i.rule}`;
    if (i.rule === "pattern" && precise.has(i.path)) return false;
    if ((typed.has(i.path) && i.rule !== "type") || seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
