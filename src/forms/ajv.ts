/**
 * The ajv instance sheets are validated with: all errors, no coercion, strict; the formats `date`,
 * `date-time`, `phone`, `email` and the `x-identifier` keyword (check keys of `identifiers.ts`).
 * Browser-safe (no Node import): the web app compiles the same JSON Schema with it, so client-side
 * and server-side validation agree.
 */
import { Ajv } from "ajv";
import type { SchemaValidateFunction } from "ajv";
import type { IdentifierType } from "./definition.ts";
import { checkIdentifier } from "./identifiers.ts";
import { EMAIL_PATTERN, PHONE_PATTERN } from "./schema.ts";

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;
const DATE_TIME =
  /^(\d{4}-\d{2}-\d{2})T([01]\d|2[0-3]):[0-5]\d:([0-5]\d|60)(\.\d+)?(Z|[+-](?:[01]\d|2[0-3]):[0-5]\d)$/i;

/** A real calendar day `YYYY-MM-DD`. */
export function isIsoDate(s: string): boolean {
  const m = DATE.exec(s);
  if (m === null) return false;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const day = new Date(Date.UTC(y, mo - 1, d));
  return day.getUTCFullYear() === y && day.getUTCMonth() === mo - 1 && day.getUTCDate() === d;
}

/** RFC 3339 date-time with an explicit offset (`Z` or `±hh:mm`). */
export function isIsoDateTime(s: string): boolean {
  const m = DATE_TIME.exec(s);
  return m !== null && isIsoDate(m[1] ?? "");
}

const identifierKeyword: SchemaValidateFunction = (schema: IdentifierType, data: string) => {
  const result = checkIdentifier(schema, data);
  identifierKeyword.errors = result.ok
    ? []
    : [{ keyword: "x-identifier", params: { type: schema, reason: result.reason } }];
  return result.ok;
};

/**
 * Adds the sheet vocabulary to an ajv instance (draft-07 `Ajv` or 2020-12 `Ajv2020`): the formats
 * `date`, `date-time` (RFC 3339, any fraction precision), `phone`, `email` and `x-identifier`.
 */
export function addSheetVocabulary<A extends Pick<Ajv, "addFormat" | "addKeyword">>(ajv: A): A {
  ajv.addFormat("date", isIsoDate);
  ajv.addFormat("date-time", isIsoDateTime);
  ajv.addFormat("phone", new RegExp(PHONE_PATTERN, "u"));
  ajv.addFormat("email", new RegExp(EMAIL_PATTERN, "u"));
  ajv.addKeyword({
    keyword: "x-identifier",
    type: "string",
    schemaType: "string",
    errors: true,
    validate: identifierKeyword,
  });
  return ajv;
}

/** A new ajv configured for sheet schemas (see `formJsonSchema` in `schema.ts`). */
export function createAjv(): Ajv {
  return addSheetVocabulary(
    new Ajv({ allErrors: true, coerceTypes: false, useDefaults: false, strict: true }),
  );
}
