/**
 * JSON Schemas (2020-12) of the API's bodies, shared by the OpenAPI document and the request
 * validation (ajv): what the document says is what the server checks. The form-dependent ones
 * (sheets, form names) come from `openapi-forms.ts`.
 */
import { AUDIT_ACTIONS } from "../audit/index.ts";
import { ROLES, STRUCTURE_KINDS } from "../directory/index.ts";
import { TRANSFER_STATES } from "../transfers/index.ts";
import type { FormRegistry } from "../forms/index.ts";
import { IDENTIFIER_PATTERNS } from "../forms/index.ts";
import { ADT_CIRCLE_SCHEMAS } from "./openapi-schemas-adt.ts";
import { DOCUMENT_SCHEMAS } from "./openapi-schemas-documents.ts";
import type { SchemaVariant, formNameSchema, serverFormSchemas } from "./openapi-forms.ts";
import { formSchemas } from "./openapi-forms.ts";
import type { FromSchema } from "./schema-types.ts";
import { obj, rpps, sha256, str, time, type Schema } from "./openapi-parts.ts";

/** A reference to another schema of the document's components. */
const ref = <const N extends string>(name: N) => ({ $ref: `#/components/schemas/${name}` as const });
const localized = obj({ fr: str, en: str }, ["fr", "en"]);
/** The short human reference of a transfer (kind prefix, Crockford Base32, check symbol); `id` stays the identifier. */
const transferRef = {
  type: "string",
  pattern: "^[A-Z]{3}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$",
  description: "Short human reference shown to people, e.g. LDL-7K3Q-2FX; not an identifier for the API.",
} as const;

/**
 * The document's fixed schemas, `as const`: their TypeScript types follow from them (`FromSchema`,
 * `RequestBody`).
 */
const SCHEMAS = {
  Problem: obj(
    {
      type: str,
      title: str,
      status: { type: "integer", minimum: 400, maximum: 599 },
      detail: str,
      code: str,
      errors: {
        type: "array",
        items: obj({ path: str, rule: str, message: str, fr: str }, ["path", "rule", "message", "fr"]),
      },
    },
    ["type", "title", "status", "detail", "code", "errors"],
  ),
  Health: obj({ status: { const: "ok" }, time }, ["status", "time"]),
  Ready: obj(
    {
      status: { enum: ["ready", "unavailable"] },
      checks: obj({ database: { enum: ["up", "down"] } }, ["database"]),
    },
    ["status", "checks"],
  ),
  Member: obj(
    {
      rpps: str,
      adeli: str,
      displayName: str,
      professionCode: str,
      specialityCode: str,
      specialityLabel: str,
      structureId: { type: "integer" },
      matrixId: str,
      roles: { type: "array", items: { enum: [...ROLES] } },
    },
    ["displayName", "professionCode", "roles"],
  ),
  MemberList: obj({ items: { type: "array", items: ref("Member") } }, ["items"]),
  Structure: obj(
    {
      id: { type: "integer" },
      finess: str,
      siret: str,
      kind: { enum: [...STRUCTURE_KINDS] },
      name: str,
      postcode: str,
      communeCode: str,
      parentId: { type: "integer" },
    },
    ["id", "kind", "name"],
  ),
  StructureList: obj({ items: { type: "array", items: ref("Structure") } }, ["items"]),
  Me: obj(
    {
      actor: str,
      issuer: { enum: ["local", "oidc"] },
      roles: { type: "array", items: { enum: [...ROLES] } },
      member: ref("Member"),
    },
    ["actor", "issuer", "roles"],
  ),
  FormSummary: obj({ ref: str, id: str, version: { type: "integer" }, title: localized, legalBasis: str }, [
    "ref",
    "id",
    "version",
    "title",
    "legalBasis",
  ]),
  FormList: obj({ items: { type: "array", items: ref("FormSummary") } }, ["items"]),
  FormDetail: obj(
    {
      ref: str,
      id: str,
      version: { type: "integer" },
      title: localized,
      legalBasis: str,
      definition: { type: "object" },
      schema: { type: "object" },
    },
    ["ref", "id", "version", "title", "legalBasis", "definition", "schema"],
  ),
  CreateTransferRequest: {
    ...obj(
      {
        sheet: ref("SentSheet"),
        to: { type: "array", items: rpps, minItems: 1, maxItems: 20 },
        toUnit: ref("UnitRef"),
      },
      ["sheet"],
    ),
    anyOf: [{ required: ["to"] }, { required: ["toUnit"] }, ref("ExpertNamed")],
    description:
      "`to` (RPPS numbers), `toUnit` (a hospital unit: its staff with the role recipient, in the unit's room), or both. A tele-expertise request may omit both: it goes to `data.expert.rpps`.",
  },
  UnitRef: {
    oneOf: [
      obj({ structureId: { type: "integer", minimum: 1, maximum: 2147483647 } }, ["structureId"]),
      obj({ finess: { type: "string", pattern: IDENTIFIER_PATTERNS.finess } }, ["finess"]),
    ],
  },
  CreatedTransfer: obj(
    {
      id: str,
      reference: transferRef,
      sheetId: str,
      state: { enum: [...TRANSFER_STATES] },
      pdfSha256: sha256,
    },
    ["id", "reference", "sheetId", "state", "pdfSha256"],
  ),
  PatientSummary: {
    ...obj({ lastName: str, firstName: str, birthDate: { type: "string", format: "date" } }, ["lastName"]),
    description:
      "The patient as the follow-up list shows it, to senders, recipients and specialists only (never in the audit).",
  },
  Recipient: obj(
    {
      memberRef: str,
      deliveredAt: time,
      readAt: time,
      acknowledgedAt: time,
      acknowledgedDeviceId: {
        ...str,
        description:
          "The Matrix device that sent the encrypted acknowledgement (absent for one made through the API).",
      },
    },
    ["memberRef"],
  ),
  Transfer: obj(
    {
      id: str,
      reference: transferRef,
      form: str,
      kind: str,
      sheetId: str,
      pdfSha256: sha256,
      state: { enum: [...TRANSFER_STATES] },
      attempts: { type: "integer" },
      lastReason: str,
      createdAt: time,
      sentAt: time,
      overdue: { type: "boolean" },
      recipients: { type: "array", items: ref("Recipient") },
      patient: ref("PatientSummary"),
      routing: {
        type: "array",
        description:
          "Why each recipient of a hospital document was chosen, in routing order (GET /transfers/{id}).",
        items: obj(
          {
            rpps: str,
            source: { enum: ["message", "document", "stay", "circle", "coordinator"] },
            reason: str,
          },
          ["rpps", "source", "reason"],
        ),
      },
      replaces: { ...str, description: "The earlier transfer this new document version replaces." },
      replacesReference: { ...transferRef, description: "The short reference of the transfer `replaces`." },
      replacedBy: { ...str, description: "The transfer of the newer version that replaces this one." },
      replacedByReference: {
        ...transferRef,
        description: "The short reference of the transfer `replacedBy`.",
      },
    },
    [
      "id",
      "reference",
      "form",
      "kind",
      "sheetId",
      "pdfSha256",
      "state",
      "attempts",
      "createdAt",
      "overdue",
      "recipients",
    ],
  ),
  TransferList: obj({ items: { type: "array", items: ref("Transfer") }, next: str }, ["items"]),
  TransferHistory: obj(
    {
      id: str,
      events: {
        type: "array",
        items: obj(
          {
            step: str,
            at: time,
            matrixEventId: str,
            memberRef: str,
            reason: str,
            deviceId: {
              ...str,
              description: "The Matrix device that sent this step's event (acknowledgements).",
            },
          },
          ["step", "at"],
        ),
      },
    },
    ["id", "events"],
  ),
  AcknowledgeResult: obj(
    { id: str, state: { enum: [...TRANSFER_STATES] }, outcome: { enum: ["recorded", "duplicate"] } },
    ["id", "state", "outcome"],
  ),
  AnswerRequest: obj({ data: ref("AnswerData") }, ["data"]),
  AnswerResult: obj({ id: str, state: { const: "answered" }, answerId: str }, ["id", "state", "answerId"]),
  PdfReport: obj(
    {
      valid: { type: "boolean" },
      signatureValid: { type: "boolean" },
      byteRangeCoversWholeFile: { type: "boolean" },
      chainTrusted: { type: "boolean" },
      signer: {
        oneOf: [
          { type: "null" },
          obj(
            {
              commonName: str,
              organisation: str,
              finess: str,
              subject: str,
              issuer: str,
              serialNumber: str,
              certificateSha256: str,
              notBefore: time,
              notAfter: time,
            },
            ["subject", "issuer", "serialNumber", "certificateSha256", "notBefore", "notAfter"],
          ),
        ],
      },
      signingTime: { oneOf: [{ type: "null" }, time] },
      subFilter: { type: ["string", "null"] },
      signatureCount: { type: "integer" },
      issues: {
        type: "array",
        items: obj({ code: str, severity: { enum: ["error", "warning"] }, message: str }, [
          "code",
          "severity",
          "message",
        ]),
      },
    },
    [
      "valid",
      "signatureValid",
      "byteRangeCoversWholeFile",
      "chainTrusted",
      "signer",
      "signingTime",
      "signatureCount",
      "issues",
    ],
  ),
  AuditEntry: obj(
    {
      seq: { type: "integer" },
      time,
      action: { enum: [...AUDIT_ACTIONS] },
      actor: str,
      outcome: { enum: ["success", "failure"] },
      reason: str,
      sheet: str,
      transfer: str,
      room: str,
      event: str,
      member: str,
      device: str,
      pdfSha256: sha256,
      documentSha256: sha256,
      patient: sha256,
      prevHash: sha256,
      hash: sha256,
    },
    ["seq", "time", "action", "actor", "outcome", "prevHash", "hash"],
  ),
  AuditPage: obj({ entries: { type: "array", items: ref("AuditEntry") }, next: { type: "integer" } }, [
    "entries",
  ]),
  AuditVerifyReport: obj(
    {
      ok: { type: "boolean" },
      entries: { type: "integer" },
      firstSeq: { type: ["integer", "null"] },
      lastSeq: { type: "integer" },
      headHash: str,
      checkpoints: { type: "integer" },
      lastCheckpointSeq: { type: "integer" },
      unsignedTail: { type: "integer" },
      failure: obj({ seq: { type: "integer" }, reason: str, detail: str, line: { type: "integer" } }, [
        "seq",
        "reason",
        "detail",
      ]),
    },
    ["ok", "entries", "firstSeq", "lastSeq", "headHash", "checkpoints", "lastCheckpointSeq", "unsignedTail"],
  ),
  Stats: obj(
    {
      generatedAt: time,
      dischargeSameDay: obj(
        { letters: { type: "integer" }, sameDay: { type: "integer" }, share: { type: ["number", "null"] } },
        ["letters", "sameDay", "share"],
      ),
      overdue: obj(
        { total: { type: "integer" }, byKind: { type: "object", additionalProperties: { type: "integer" } } },
        ["total", "byKind"],
      ),
      teleexpertise: obj(
        {
          requests: { type: "integer" },
          byState: { type: "object", additionalProperties: { type: "integer" } },
          answered: { type: "integer" },
          medianHoursToAnswer: { type: ["number", "null"] },
        },
        ["requests", "byState", "answered", "medianHoursToAnswer"],
      ),
    },
    ["generatedAt", "dischargeSameDay", "overdue", "teleexpertise"],
  ),
  // FHIR export: the document Bundle's outer shape; its content is FHIR R4 (src/fhir).
  FhirBundle: {
    type: "object",
    properties: {
      resourceType: { const: "Bundle" },
      type: { const: "document" },
      timestamp: time,
      identifier: obj({ system: str, value: str }, ["system", "value"]),
      entry: {
        type: "array",
        minItems: 1,
        items: obj(
          {
            fullUrl: { type: "string", pattern: "^urn:uuid:[0-9a-f-]{36}$" },
            resource: { type: "object", properties: { resourceType: str }, required: ["resourceType"] },
          },
          ["fullUrl", "resource"],
        ),
      },
    },
    required: ["resourceType", "type", "timestamp", "identifier", "entry"],
  },
  ...ADT_CIRCLE_SCHEMAS,
  ...DOCUMENT_SCHEMAS,
} as const satisfies Record<string, Schema>;

/** Every schema of the document's components: `document` as served, `server` as `checkBody` compiles them. */
export function apiSchemas(forms: FormRegistry, variant: SchemaVariant): Record<string, Schema> {
  return { ...SCHEMAS, ...formSchemas(forms, variant) };
}

/**
 * The schemas whose TypeScript types are known statically: the fixed ones and the form-dependent
 * ones as the server compiles them (a sheet's `data` is checked afterwards by `validateSheet`).
 */
export type RequestSchemas = typeof SCHEMAS &
  ReturnType<typeof serverFormSchemas> & { readonly FormName: ReturnType<typeof formNameSchema> };
/** The type of a request body that ajv has checked against `components.schemas[N]`. */
export type RequestBody<N extends keyof RequestSchemas> = FromSchema<RequestSchemas[N], RequestSchemas>;
