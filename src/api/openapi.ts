/**
 * The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`), kept true by
 * test/integration/api-contract.test.ts, which sends real requests to every operation and
 * validates them and their responses against it (ajv, JSON Schema 2020-12).
 */
import { SCHEMAS } from "./openapi-schemas.ts";

type Schema = Record<string, unknown>;
const ref = (name: string): Schema => ({ $ref: `#/components/schemas/${name}` });
const json = (schema: Schema): Schema => ({ "application/json": { schema } });
const problem = { "application/problem+json": { schema: ref("Problem") } };
const P = (
  name: string,
  schema: Schema,
  where: "path" | "query" = "query",
  description?: string,
): Schema => ({
  name,
  in: where,
  required: where === "path",
  schema,
  ...(description === undefined ? {} : { description }),
});
const idParam = P("id", { type: "string", minLength: 1, maxLength: 100 }, "path", "transfer id");
const iso = { type: "string", format: "date-time" };

interface Op {
  readonly summary: string;
  readonly public?: boolean;
  readonly parameters?: readonly Schema[];
  readonly body?: Schema;
  readonly ok: { readonly status: number; readonly content: Schema };
  /** Another documented non-problem response (`/ready` → 503). */
  readonly also?: { readonly status: number; readonly content: Schema };
}

const OPS: Record<string, Record<string, Op>> = {
  "/health": {
    get: { summary: "Liveness", public: true, ok: { status: 200, content: json(ref("Health")) } },
  },
  "/ready": {
    get: {
      summary: "Readiness (database)",
      public: true,
      ok: { status: 200, content: json(ref("Ready")) },
      also: { status: 503, content: json(ref("Ready")) },
    },
  },
  "/metrics": {
    get: {
      summary: "Prometheus metrics",
      public: true,
      ok: { status: 200, content: { "text/plain": { schema: { type: "string" } } } },
    },
  },
  "/openapi.json": {
    get: { summary: "This document", public: true, ok: { status: 200, content: json({ type: "object" }) } },
  },
  "/me": {
    get: {
      summary: "The caller: actor, roles, directory member",
      ok: { status: 200, content: json(ref("Me")) },
    },
  },
  "/forms": { get: { summary: "Liaison forms", ok: { status: 200, content: json(ref("FormList")) } } },
  "/forms/{form}": {
    get: {
      summary: "A form's definition and JSON Schema",
      parameters: [P("form", { type: "string", maxLength: 80 }, "path", "e.g. discharge@1")],
      ok: { status: 200, content: json(ref("FormDetail")) },
    },
  },
  "/sheets/preview": {
    post: {
      summary: "Validated, rendered, unsigned PDF (sender)",
      body: json(ref("Sheet")),
      ok: { status: 200, content: { "application/pdf": { schema: { type: "string", format: "binary" } } } },
    },
  },
  "/transfers": {
    post: {
      summary: "Create, sign and queue a transfer (sender)",
      body: json(ref("CreateTransferRequest")),
      ok: { status: 201, content: json(ref("CreatedTransfer")) },
    },
    get: {
      summary: "Transfers the caller may see",
      parameters: [
        P("state", { type: "string" }),
        P("form", { type: "string", maxLength: 80 }),
        P("overdue", { enum: ["true", "false"] }),
        P("limit", { type: "string", pattern: "^[0-9]{1,3}$" }),
        P("cursor", { type: "string", maxLength: 200 }),
      ],
      ok: { status: 200, content: json(ref("TransferList")) },
    },
  },
  "/transfers/{id}": {
    get: {
      summary: "One transfer (audited access.viewed)",
      parameters: [idParam],
      ok: { status: 200, content: json(ref("Transfer")) },
    },
  },
  "/transfers/{id}/history": {
    get: {
      summary: "State history",
      parameters: [idParam],
      ok: { status: 200, content: json(ref("TransferHistory")) },
    },
  },
  "/transfers/{id}/pdf": {
    get: {
      summary: "The signed PDF (audited access.downloaded)",
      parameters: [idParam],
      ok: { status: 200, content: { "application/pdf": { schema: { type: "string", format: "binary" } } } },
    },
  },
  "/transfers/{id}/cda": {
    get: {
      summary:
        "The CI-SIS CDA R2 document (LDL-SES, LDL-EES, TLM-DA embedded in the signed PDF; TLM-CR around the signed answer PDF); 404 for kinds without a CI-SIS model (audited access.downloaded)",
      parameters: [idParam],
      ok: { status: 200, content: { "application/xml": { schema: { type: "string" } } } },
    },
  },
  "/transfers/{id}/fhir": {
    get: {
      summary: "FHIR R4 document Bundle of the transfer (audited access.exported)",
      parameters: [idParam],
      ok: { status: 200, content: { "application/fhir+json": { schema: ref("FhirBundle") } } },
    },
  },
  "/transfers/{id}/acknowledge": {
    post: {
      summary: "Acknowledge receipt (a recipient)",
      parameters: [idParam],
      ok: { status: 200, content: json(ref("AcknowledgeResult")) },
    },
  },
  "/transfers/{id}/answer": {
    post: {
      summary:
        "Answer a tele-expertise request (the requested specialist); data: the answer section of teleexpertise-answer@1",
      parameters: [idParam],
      body: json(ref("AnswerRequest")),
      ok: { status: 200, content: json(ref("AnswerResult")) },
    },
  },
  "/verify": {
    post: {
      summary: "Signature and integrity report of a PDF",
      body: { "application/pdf": { schema: { type: "string", format: "binary" } } },
      ok: { status: 200, content: json(ref("PdfReport")) },
    },
  },
  "/directory/members": {
    get: {
      summary: "Active members (name prefix, profession)",
      parameters: [
        P("q", { type: "string", maxLength: 100 }),
        P("profession", { type: "string", pattern: "^[0-9]{1,3}$" }),
      ],
      ok: { status: 200, content: json(ref("MemberList")) },
    },
  },
  "/directory/members/{rpps}": {
    get: {
      summary: "A member by RPPS",
      parameters: [P("rpps", { type: "string" }, "path")],
      ok: { status: 200, content: json(ref("Member")) },
    },
  },
  "/directory/structures": {
    get: { summary: "Structures", ok: { status: 200, content: json(ref("StructureList")) } },
  },
  "/audit": {
    get: {
      summary: "Audit entries (auditor)",
      parameters: [
        P("from", iso),
        P("to", iso),
        P("transfer", { type: "string", maxLength: 100 }),
        P("after", { type: "string", pattern: "^[0-9]{1,15}$" }),
        P("limit", { type: "string", pattern: "^[0-9]{1,4}$" }),
      ],
      ok: { status: 200, content: json(ref("AuditPage")) },
    },
  },
  "/audit/verify": {
    post: {
      summary: "Verify the chain and checkpoints (auditor, coordinator)",
      ok: { status: 200, content: json(ref("AuditVerifyReport")) },
    },
  },
  "/audit/export": {
    get: {
      summary: "Offline-verifiable JSON Lines export (auditor)",
      parameters: [P("from", iso), P("to", iso), P("sheet", { type: "string", maxLength: 100 })],
      ok: { status: 200, content: { "application/jsonl": { schema: { type: "string" } } } },
    },
  },
  "/adt/events": {
    post: {
      summary:
        "An ADT event as JSON, the equivalent of an HL7 v2.5 ADT message (a hospital's service account or staff, role sender)",
      body: json(ref("AdtEvent")),
      ok: { status: 202, content: json(ref("AdtAcceptance")) },
    },
  },
  "/circles/join": {
    post: {
      summary: "Join a patient's care circle (oneself; a coordinator for another member)",
      body: json(ref("CircleChange")),
      ok: { status: 200, content: json(ref("CircleJoined")) },
    },
  },
  "/circles/leave": {
    post: {
      summary: "Leave a patient's care circle (oneself; a coordinator for another member)",
      body: json(ref("CircleLeave")),
      ok: { status: 200, content: json(ref("CircleLeft")) },
    },
  },
  "/circles/objection": {
    post: {
      summary: "Record or lift the patient's objection (coordinator)",
      body: json(ref("CircleObjection")),
      ok: { status: 200, content: json(ref("CircleObjectionResult")) },
    },
  },
  "/circles/list": {
    post: {
      summary: "A patient's circle (coordinator, or a member of that circle)",
      body: json(ref("CircleQuery")),
      ok: { status: 200, content: json(ref("Circle")) },
    },
  },
  "/stats": {
    get: { summary: "Coordinator dashboard (coordinator)", ok: { status: 200, content: json(ref("Stats")) } },
  },
};

/** Every documented operation, `"GET /transfers/{id}"`. */
export const OPERATIONS: readonly string[] = Object.entries(OPS).flatMap(([path, ops]) =>
  Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
);

function operation(op: Op): Schema {
  const errors: Record<string, Schema> = {};
  for (const s of op.public === true ? [] : [400, 401, 403, 404, 409, 413, 415, 422, 429]) {
    errors[String(s)] = { description: "problem details (RFC 9457)", content: problem };
  }
  return {
    summary: op.summary,
    ...(op.public === true ? { security: [] } : {}),
    ...(op.parameters === undefined ? {} : { parameters: op.parameters }),
    ...(op.body === undefined ? {} : { requestBody: { required: true, content: op.body } }),
    responses: {
      [String(op.ok.status)]: { description: "success", content: op.ok.content },
      ...(op.also === undefined
        ? {}
        : { [String(op.also.status)]: { description: "unavailable", content: op.also.content } }),
      ...errors,
      default: { description: "problem details (RFC 9457)", content: problem },
    },
  };
}

/** The document (a fresh object each call). */
export function openApiDocument(): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Passerelle API",
      version: "1",
      description:
        "Signed liaison sheets between hospital and city (CPTS): forms, transfers, directory, audit. " +
        "Errors are RFC 9457 problem details naming the offending field, never its value.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    paths: Object.fromEntries(
      Object.entries(OPS).map(([path, ops]) => [
        path,
        Object.fromEntries(Object.entries(ops).map(([m, op]) => [m, operation(op)])),
      ]),
    ),
    components: {
      securitySchemes: {
        bearer: {
          type: "http",
          scheme: "bearer",
          bearerFormat: "JWT (OIDC issuer RS256/ES256, or the local issuer EdDSA)",
        },
      },
      schemas: SCHEMAS,
    },
  };
}
