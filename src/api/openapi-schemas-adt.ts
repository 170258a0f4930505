/**
 * JSON Schemas (2020-12) of the ADT feed and care-circle operations, merged into the
 * OpenAPI document's components by `openapi-schemas.ts`. `AdtEvent` is what `receiveAdtJson`
 * (src/adt/event.ts) accepts; the circle bodies are checked by ajv before `CircleService` runs.
 */
import { ADT_TRIGGERS } from "../adt/index.ts";
import { CIRCLE_CONSENTS, CIRCLE_SOURCES } from "../circles/index.ts";
import { identifierSchema } from "../forms/index.ts";
import { obj, rpps, sha256, str, time, type Schema } from "./openapi-parts.ts";

/** 1 to `maxLength` characters (Unicode code points), not only white space. */
const text = (maxLength: number) => ({ type: "string", minLength: 1, maxLength, pattern: "\\S" }) as const;
/** The INS (NIR or NIA): its shape as a pattern, the key rule in the description (rule `ins.key`). */
const ins = identifierSchema("ins");
/**
 * An RFC 3339 date-time with an offset, as HL7 v2 DTM is converted; seconds may be left out
 * (exactly what the ADT intake accepts).
 */
const offsetTime = {
  type: "string",
  maxLength: 40,
  pattern:
    "^[0-9]{4}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9](:[0-5][0-9](\\.[0-9]+)?)?(Z|[+-]([01][0-9]|2[0-3]):[0-5][0-9])$",
} as const;
const day = { type: "string", format: "date", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" } as const;

export const ADT_CIRCLE_SCHEMAS = {
  AdtEvent: {
    ...obj(
      {
        trigger: { enum: [...ADT_TRIGGERS] },
        controlId: text(64),
        sender: text(200),
        occurredAt: offsetTime,
        patient: obj(
          {
            ins,
            lastName: text(100),
            firstNames: text(150),
            birthDate: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
          },
          ["ins", "lastName", "firstNames", "birthDate"],
          true,
        ),
        stay: obj(
          {
            facility: text(64),
            facilityName: text(200),
            visit: text(64),
            unit: text(64),
            unitName: text(200),
            admittedAt: offsetTime,
            dischargedAt: offsetTime,
          },
          ["facility", "visit", "unit"],
          true,
        ),
      },
      ["trigger", "controlId", "sender", "occurredAt", "patient", "stay"],
      true,
    ),
    if: { properties: { trigger: { const: "A03" } }, required: ["trigger"] },
    then: { properties: { stay: { required: ["dischargedAt"] } } },
    description: "stay.dischargedAt is required for A03. Unknown properties are ignored.",
  },
  AdtAcceptance: obj(
    { outcome: { enum: ["accepted", "duplicate"] }, messageId: { type: "integer" }, patientRef: sha256 },
    ["outcome", "messageId", "patientRef"],
  ),
  CircleChange: obj(
    {
      ins,
      rpps,
      consent: { enum: [...CIRCLE_CONSENTS] },
      since: day,
    },
    ["ins"],
  ),
  CircleLeave: obj({ ins, rpps }, ["ins"]),
  CircleObjection: obj({ ins, objected: { type: "boolean" } }, ["ins", "objected"]),
  CircleQuery: obj({ ins }, ["ins"]),
  CircleJoined: obj({ patientRef: sha256, memberRef: str, created: { type: "boolean" } }, [
    "patientRef",
    "memberRef",
    "created",
  ]),
  CircleLeft: obj({ patientRef: sha256, memberRef: str, removed: { type: "boolean" } }, [
    "patientRef",
    "memberRef",
    "removed",
  ]),
  CircleObjectionResult: obj({ patientRef: sha256, objected: { type: "boolean" } }, [
    "patientRef",
    "objected",
  ]),
  Circle: obj(
    {
      patientRef: sha256,
      objectionAt: time,
      members: {
        type: "array",
        items: obj(
          {
            memberRef: str,
            rpps: str,
            displayName: str,
            professionCode: str,
            since: str,
            source: { enum: [...CIRCLE_SOURCES] },
            consent: { enum: [...CIRCLE_CONSENTS] },
          },
          ["memberRef", "displayName", "professionCode", "since", "source", "consent"],
        ),
      },
    },
    ["patientRef", "members"],
  ),
} as const satisfies Record<string, Schema>;
