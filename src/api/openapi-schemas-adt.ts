/**
 * JSON Schemas (2020-12) of the ADT feed and care-circle operations, merged into the
 * OpenAPI document's components by `openapi-schemas.ts`. `AdtEvent` is what `receiveAdtJson`
 * (src/adt/event.ts) accepts; the circle bodies are checked by ajv before `CircleService` runs.
 */
import { ADT_TRIGGERS } from "../adt/index.ts";
import { CIRCLE_CONSENTS, CIRCLE_SOURCES } from "../circles/index.ts";

type Schema = Record<string, unknown>;
const str: Schema = { type: "string" };
const time: Schema = { type: "string", format: "date-time" };
const obj = (properties: Record<string, Schema>, required: readonly string[], extra = false): Schema => ({
  type: "object",
  properties,
  required,
  additionalProperties: extra,
});
const rpps: Schema = { type: "string", pattern: "^[0-9]{11}$" };
const sha256: Schema = { type: "string", pattern: "^[0-9a-f]{64}$" };
const text = (maxLength: number): Schema => ({ type: "string", minLength: 1, maxLength });
/** The INS (NIR or NIA): 15 characters; the server checks its format and key (rule `ins.*`). */
const ins: Schema = { type: "string", minLength: 15, maxLength: 15 };
const offsetTime: Schema = { type: "string", format: "date-time", maxLength: 40 };

export const ADT_CIRCLE_SCHEMAS: Record<string, Schema> = {
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
      since: { type: "string", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
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
};
