/**
 * Structural check of a form definition as read from JSON: every key known, every bound present,
 * ids unique among siblings, header paths pointing at fields of the right type. Reports every
 * problem with its dotted path, so a broken `liaison-forms/*.json` is fixed in one pass.
 */
import type { Field, FormDefinition, FormKind } from "./definition.ts";

export interface DefinitionProblem {
  readonly path: string;
  readonly message: string;
}

const FORM_KINDS: readonly FormKind[] = [
  "admission",
  "discharge",
  "teleexpertise-request",
  "teleexpertise-answer",
  "admission-notice",
  "discharge-notice",
];
const ID = /^[a-zA-Z][a-zA-Z0-9]*$/;
const BASE_KEYS = ["id", "type", "label", "required", "help"];
const KEYS_BY_TYPE: Record<string, readonly string[]> = {
  text: ["maxLength"],
  longtext: ["maxLength"],
  date: [],
  datetime: [],
  enum: ["options"],
  boolean: ["mustBeTrue"],
  integer: ["minimum", "maximum"],
  rpps: [],
  adeli: [],
  finess: [],
  ins: [],
  siret: [],
  phone: [],
  email: [],
  list: ["maxItems", "itemMaxLength"],
  table: ["columns", "maxRows", "minRows"],
  group: ["fields"],
};
const COMPOSITE = new Set(["list", "table", "group"]);

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === "object" && v !== null && !Array.isArray(v);
const isInt = (v: unknown, min: number): v is number => Number.isSafeInteger(v) && (v as number) >= min;

/** Problems of `raw` (empty when it is a valid definition). */
export function checkDefinition(raw: unknown): DefinitionProblem[] {
  const out: DefinitionProblem[] = [];
  const bad = (path: string, message: string): void => {
    out.push({ path, message });
  };

  const keys = (o: Obj, path: string, allowed: readonly string[]): void => {
    for (const k of Object.keys(o))
      if (!allowed.includes(k)) bad(`${path}.${k}`.replace(/^\./, ""), "unknown key");
  };
  const text = (v: unknown, path: string, optional = false): void => {
    if (v === undefined && optional) return;
    if (typeof v !== "string" || v.trim() === "") bad(path, "must be a non-empty string");
  };
  const localized = (v: unknown, path: string, optional = false): void => {
    if (v === undefined && optional) return;
    if (!isObj(v)) {
      bad(path, "must be an object { fr, en }");
      return;
    }
    keys(v, path, ["fr", "en"]);
    text(v.fr, `${path}.fr`);
    text(v.en, `${path}.en`);
  };
  const fieldList = (v: unknown, path: string, scalarOnly: boolean): void => {
    if (!Array.isArray(v) || v.length === 0) {
      bad(path, "must be a non-empty array");
      return;
    }
    const seen = new Set<string>();
    v.forEach((f, i) => {
      field(f, `${path}.${i}`, scalarOnly);
      if (isObj(f) && typeof f.id === "string") {
        if (seen.has(f.id)) bad(`${path}.${i}.id`, "duplicate id");
        seen.add(f.id);
      }
    });
  };
  const field = (f: unknown, path: string, scalarOnly: boolean): void => {
    if (!isObj(f)) {
      bad(path, "must be an object");
      return;
    }
    if (typeof f.id !== "string" || !ID.test(f.id)) bad(`${path}.id`, "must match [a-zA-Z][a-zA-Z0-9]*");
    localized(f.label, `${path}.label`);
    localized(f.help, `${path}.help`, true);
    if (f.required !== undefined && typeof f.required !== "boolean")
      bad(`${path}.required`, "must be a boolean");
    const type = typeof f.type === "string" ? f.type : "";
    const extra = Object.hasOwn(KEYS_BY_TYPE, type) ? KEYS_BY_TYPE[type] : undefined;
    if (extra === undefined) {
      bad(`${path}.type`, "unknown field type");
      return;
    }
    if (scalarOnly && COMPOSITE.has(type)) bad(`${path}.type`, "a table column must be a scalar field");
    keys(f, path, [...BASE_KEYS, ...extra]);
    const posInt = (k: string, min = 1): void => {
      if (!isInt(f[k], min)) bad(`${path}.${k}`, `must be an integer ≥ ${min}`);
    };
    switch (type) {
      case "text":
      case "longtext":
        posInt("maxLength");
        break;
      case "list":
        posInt("maxItems");
        posInt("itemMaxLength");
        break;
      case "table":
        posInt("maxRows");
        if (f.minRows !== undefined) posInt("minRows", 0);
        if (isInt(f.minRows, 0) && isInt(f.maxRows, 1) && f.minRows > f.maxRows)
          bad(`${path}.minRows`, "exceeds maxRows");
        fieldList(f.columns, `${path}.columns`, true);
        break;
      case "group":
        fieldList(f.fields, `${path}.fields`, false);
        break;
      case "enum":
        enumOptions(f.options, `${path}.options`);
        break;
      case "boolean":
        if (f.mustBeTrue !== undefined && typeof f.mustBeTrue !== "boolean")
          bad(`${path}.mustBeTrue`, "must be a boolean");
        break;
      case "integer":
        for (const k of ["minimum", "maximum"])
          if (f[k] !== undefined && !Number.isSafeInteger(f[k])) bad(`${path}.${k}`, "must be an integer");
        if (typeof f.minimum === "number" && typeof f.maximum === "number" && f.minimum > f.maximum)
          bad(`${path}.minimum`, "exceeds maximum");
        break;
    }
  };
  const enumOptions = (v: unknown, path: string): void => {
    if (!Array.isArray(v) || v.length === 0) {
      bad(path, "must be a non-empty array");
      return;
    }
    const seen = new Set<unknown>();
    v.forEach((o, i) => {
      if (!isObj(o)) {
        bad(`${path}.${i}`, "must be an object { value, label }");
        return;
      }
      keys(o, `${path}.${i}`, ["value", "label"]);
      text(o.value, `${path}.${i}.value`);
      localized(o.label, `${path}.${i}.label`);
      if (seen.has(o.value)) bad(`${path}.${i}.value`, "duplicate value");
      seen.add(o.value);
    });
  };

  if (!isObj(raw)) return [{ path: "", message: "must be a JSON object" }];
  keys(raw, "", ["id", "version", "title", "legalBasis", "header", "sections"]);
  if (!FORM_KINDS.includes(raw.id as FormKind)) bad("id", `must be one of ${FORM_KINDS.join(", ")}`);
  if (!isInt(raw.version, 1)) bad("version", "must be an integer ≥ 1");
  localized(raw.title, "title");
  text(raw.legalBasis, "legalBasis");
  if (!Array.isArray(raw.sections) || raw.sections.length === 0) {
    bad("sections", "must be a non-empty array");
  } else {
    const seen = new Set<string>();
    raw.sections.forEach((s, i) => {
      const p = `sections.${i}`;
      if (!isObj(s)) {
        bad(p, "must be an object");
        return;
      }
      keys(s, p, ["id", "label", "fields", "reference"]);
      if (typeof s.id !== "string" || !ID.test(s.id)) bad(`${p}.id`, "must match [a-zA-Z][a-zA-Z0-9]*");
      else if (seen.has(s.id)) bad(`${p}.id`, "duplicate id");
      else seen.add(s.id);
      localized(s.label, `${p}.label`);
      text(s.reference, `${p}.reference`, true);
      fieldList(s.fields, `${p}.fields`, false);
    });
  }
  if (out.length === 0) checkHeader(raw as unknown as FormDefinition, bad);
  return out;
}

/** Header paths must name scalar fields (outside tables): the birth date a date, the INS an `ins`. */
function checkHeader(def: FormDefinition, bad: (path: string, message: string) => void): void {
  const h = def.header as Partial<FormDefinition["header"]> | undefined;
  if (!isObj(h)) {
    bad("header", "must be an object");
    return;
  }
  for (const k of Object.keys(h))
    if (!["patientName", "patientBirthDate", "patientIns", "issuer"].includes(k))
      bad(`header.${k}`, "unknown key");
  const expect = (path: unknown, at: string, types: readonly string[] | null, optional = false): void => {
    if (path === undefined && optional) return;
    const f = typeof path === "string" ? fieldAt(def, path) : undefined;
    if (f === undefined || COMPOSITE.has(f.type)) bad(at, "must be the dotted path of a scalar field");
    else if (types !== null && !types.includes(f.type))
      bad(at, `must name a field of type ${types.join(" or ")}`);
  };
  if (!Array.isArray(h.patientName) || h.patientName.length === 0)
    bad("header.patientName", "must be a non-empty array");
  else
    h.patientName.forEach((p, i) => {
      expect(p, `header.patientName.${i}`, ["text"]);
    });
  expect(h.patientBirthDate, "header.patientBirthDate", ["date"]);
  expect(h.patientIns, "header.patientIns", ["ins"], true);
  expect(h.issuer, "header.issuer", null);
}

/** The field a dotted data path (`section.field[.subfield…]`) names, through groups only. */
export function fieldAt(def: FormDefinition, path: string): Field | undefined {
  const [sectionId, ...rest] = path.split(".");
  let fields: readonly Field[] | undefined = def.sections.find((s) => s.id === sectionId)?.fields;
  let found: Field | undefined;
  for (const id of rest) {
    found = fields?.find((f) => f.id === id);
    fields = found?.type === "group" ? found.fields : undefined;
  }
  return rest.length === 0 ? undefined : found;
}
