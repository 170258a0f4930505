/**
 * The building blocks shared by the API's JSON Schemas (2020-12): plain strings and date-times,
 * object schemas whose `required` names are checked at compile time, the RPPS and SHA-256 shapes.
 */
import { IDENTIFIER_PATTERNS } from "../forms/index.ts";

export type Schema = Record<string, unknown>;
export const str = { type: "string" } as const;
export const time = { type: "string", format: "date-time" } as const;
/** An object schema; `required` names listed properties, `extra` allows unlisted ones. */
export const obj = <const P extends Record<string, Schema>, const R extends readonly (keyof P & string)[]>(
  properties: P,
  required: R,
  extra = false,
) => ({ type: "object" as const, properties, required, additionalProperties: extra });
export const rpps = {
  type: "string",
  pattern: IDENTIFIER_PATTERNS.rpps,
  description: "The RPPS number of an active directory member.",
} as const;
export const sha256 = { type: "string", pattern: "^[0-9a-f]{64}$" } as const;
