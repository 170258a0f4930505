/**
 * Form definition → JSON Schema (draft-07) of a whole sheet `{ form, data }`. The HTTP API serves
 * these schemas; `validate.ts` compiles them with ajv. Everything is closed
 * (`additionalProperties: false`), every string and array bounded. An optional field is left out
 * when empty: `null` is not accepted in place of a value.
 *
 * Non-standard parts: `"x-identifier": "rpps" | "adeli" | "finess" | "ins" | "siret"` on
 * identifier strings (check-key algorithms of `identifiers.ts`; their shape is also a standard
 * `pattern`, see `identifier-schema.ts`), and the formats `phone` and `email` (also given as
 * `pattern`), `date` and `date-time` (RFC 3339) defined in `ajv.ts`.
 */
import type { Field, FormDefinition, Localized, Section } from "./definition.ts";
import { formRef } from "./definition.ts";
import { identifierSchema } from "./identifier-schema.ts";

export type JsonSchema = Readonly<Record<string, unknown>>;

/** Longest accepted phone number and e-mail address (RFC 5321 path limit). */
export const PHONE_MAX_LENGTH = 32;
export const EMAIL_MAX_LENGTH = 254;
/** The `phone` and `email` formats, also given as `pattern` so that any JSON Schema tool knows them. */
export const PHONE_PATTERN = "^\\+?[0-9][0-9 .()-]{3,30}$";
export const EMAIL_PATTERN = '^[^\\s@"<>]{1,64}@[^\\s@"<>]+\\.[^\\s@"<>]+$';

export function formJsonSchema(def: FormDefinition): JsonSchema {
  return {
    $schema: "http://json-schema.org/draft-07/schema#",
    title: `${def.title.fr} / ${def.title.en}`,
    description: def.legalBasis,
    type: "object",
    additionalProperties: false,
    required: ["form", "data"],
    properties: {
      form: { type: "string", const: formRef(def) },
      data: objectSchema(def.sections.map(sectionAsGroup)),
    },
  };
}

function sectionAsGroup(s: Section): Field {
  const required = s.fields.some(isRequired);
  return { id: s.id, type: "group", label: s.label, fields: s.fields, required };
}

/** A group is required when it says so or when one of its fields is. */
function isRequired(f: Field): boolean {
  return f.required === true || (f.type === "group" && f.fields.some(isRequired));
}

function objectSchema(fields: readonly Field[]): JsonSchema {
  return {
    type: "object",
    additionalProperties: false,
    required: fields.filter(isRequired).map((f) => f.id),
    properties: Object.fromEntries(fields.map((f) => [f.id, fieldSchema(f)])),
  };
}

function annotations(f: Field): JsonSchema {
  return {
    title: f.label.fr,
    ...(f.help === undefined ? {} : { description: f.help.fr }),
  };
}

function fieldSchema(f: Field): JsonSchema {
  const nonEmpty = f.required === true ? { minLength: 1 } : {};
  const base = annotations(f);
  switch (f.type) {
    case "text":
    case "longtext":
      return { ...base, type: "string", maxLength: f.maxLength, ...nonEmpty };
    case "date":
      return { ...base, type: "string", format: "date" };
    case "datetime":
      return { ...base, type: "string", format: "date-time" };
    case "enum":
      return { ...base, type: "string", enum: f.options.map((o) => o.value) };
    case "boolean":
      return { ...base, type: "boolean", ...(f.mustBeTrue === true ? { const: true } : {}) };
    case "integer":
      return {
        ...base,
        type: "integer",
        ...(f.minimum === undefined ? {} : { minimum: f.minimum }),
        ...(f.maximum === undefined ? {} : { maximum: f.maximum }),
      };
    case "rpps":
    case "adeli":
    case "finess":
    case "ins":
    case "siret": {
      const id = identifierSchema(f.type);
      const rule = id.description;
      const description = f.help === undefined ? rule : `${f.help.fr} ${rule}`;
      return { ...id, ...base, description, "x-identifier": f.type };
    }
    case "phone":
      return {
        ...base,
        type: "string",
        maxLength: PHONE_MAX_LENGTH,
        format: "phone",
        pattern: PHONE_PATTERN,
      };
    case "email":
      return {
        ...base,
        type: "string",
        maxLength: EMAIL_MAX_LENGTH,
        format: "email",
        pattern: EMAIL_PATTERN,
      };
    case "list":
      return {
        ...base,
        type: "array",
        maxItems: f.maxItems,
        ...(f.required === true ? { minItems: 1 } : {}),
        items: { type: "string", minLength: 1, maxLength: f.itemMaxLength },
      };
    case "table":
      return {
        ...base,
        type: "array",
        maxItems: f.maxRows,
        minItems: f.minRows ?? (f.required === true ? 1 : 0),
        items: objectSchema(f.columns),
      };
    case "group":
      return { ...base, ...objectSchema(f.fields) };
  }
}

/**
 * Labels by data path, table rows as `*`: `data.treatments.atDischarge.*.dosage` → its label.
 * Used to name fields in messages (labels come from the definition, never from the input).
 */
export function fieldLabels(def: FormDefinition): ReadonlyMap<string, Localized> {
  const out = new Map<string, Localized>();
  const walk = (fields: readonly Field[], prefix: string): void => {
    for (const f of fields) {
      const path = `${prefix}.${f.id}`;
      out.set(path, f.label);
      if (f.type === "group") walk(f.fields, path);
      if (f.type === "table") walk(f.columns, `${path}.*`);
      if (f.type === "list") out.set(`${path}.*`, f.label);
    }
  };
  for (const s of def.sections) {
    out.set(`data.${s.id}`, s.label);
    walk(s.fields, `data.${s.id}`);
  }
  return out;
}
