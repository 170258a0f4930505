/**
 * The OpenAPI 3.1 document of `/api/v1` (served at `/api/v1/openapi.json`). The server checks
 * requests with these very schemas (validate.ts: bodies and query parameters) and answers a method
 * a path does not have with 405 and `Allow` from this table (RFC 9110 §15.5.6). Kept true by
 * test/integration/api/contract.test.ts and api/schema-driven.test.ts, which drive every operation
 * from the served document.
 */
import type { FormRegistry } from "../forms/index.ts";
import type { SchemaVariant } from "./openapi-forms.ts";
import type { RequestSchemas } from "./openapi-schemas.ts";
import { apiSchemas } from "./openapi-schemas.ts";
import type { FromSchema } from "./schema-types.ts";

import { IDENTIFIER_PATTERNS } from "../forms/index.ts";
import { TRANSFER_STATES } from "../transfers/index.ts";

type Schema = Record<string, unknown>;
const ref = <const N extends string>(name: N) => ({ $ref: `#/components/schemas/${name}` as const });
const json = (schema: Schema): Schema => ({ "application/json": { schema } });
const problem = { "application/problem+json": { schema: ref("Problem") } };
/** A parameter (in the query unless said otherwise); its name and schema keep their types (`QueryOf`). */
const P = <const N extends string, const S extends Schema, const W extends "path" | "query" = "query">(
  name: N,
  schema: S,
  where?: W,
  description?: string,
) => ({
  name,
  in: where ?? ("query" as const),
  required: where === "path",
  schema,
  ...(description === undefined ? {} : { description }),
});
/** Opaque ids (transfers, sheets): their real character set; a malformed one is a 404. */
export const ID_PATTERN = "^[A-Za-z0-9._:-]{1,100}$";
const idParam = P("id", { type: "string", pattern: ID_PATTERN }, "path", "transfer id");
/** A day (`YYYY-MM-DD`, from its start in UTC) or an RFC 3339 date-time (any fraction precision). */
const iso = {
  anyOf: [
    { type: "string", format: "date-time" },
    { type: "string", format: "date" },
  ],
} as const;
const int = (minimum: number, maximum: number, dflt: number) => ({
  type: "integer" as const,
  minimum,
  maximum,
  default: dflt,
});
const opaque = (description: string) => ({ type: "string" as const, pattern: ID_PATTERN, description });

/** `POST /documents`: one request body per accepted media type (anything else: 415). */
const DOCUMENT_BODIES = {
  "application/hl7-cda+xml": {
    schema: { type: "string", description: "a CDA R2 document (HL7 CDA R2, ANS CI-SIS)" },
  },
  "application/xml": { schema: { type: "string", description: "a CDA R2 document" } },
  "multipart/form-data": {
    schema: {
      type: "object",
      properties: {
        document: { type: "string", contentMediaType: "application/pdf", description: "the PDF" },
        metadata: ref("DocumentMetadata"),
      },
      required: ["document", "metadata"],
    },
    encoding: { document: { contentType: "application/pdf" }, metadata: { contentType: "application/json" } },
  },
  "application/fhir+json": {
    schema: { oneOf: [ref("FhirDocumentReference"), ref("FhirDocumentBundle")] },
  },
} as const;

interface Op {
  readonly summary: string;
  readonly public?: boolean;
  readonly parameters?: readonly Schema[];
  readonly body?: Schema;
  readonly ok: { readonly status: number; readonly content: Schema };
  /** Another documented non-problem response (`/ready` → 503, a duplicate document → 200). */
  readonly also?: { readonly status: number; readonly content: Schema; readonly description?: string };
}

const OPS = {
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
      parameters: [P("form", ref("FormName"), "path", "e.g. discharge@1")],
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
        P("state", { type: "string", enum: [...TRANSFER_STATES] }),
        P("form", ref("FormName")),
        P("overdue", { type: "string", enum: ["true", "false"] }),
        P("limit", int(1, 200, 50)),
        P(
          "cursor",
          { type: "string", pattern: "^[A-Za-z0-9_-]{1,200}$" },
          "query",
          "the `next` of a previous page (opaque)",
        ),
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
        P("q", { type: "string", maxLength: 100 }, "query", "name prefix (at most 100 characters)"),
        P(
          "profession",
          { type: "string", pattern: "^[0-9]{1,3}$" },
          "query",
          "Annuaire Santé profession code",
        ),
      ],
      ok: { status: 200, content: json(ref("MemberList")) },
    },
  },
  "/directory/members/{rpps}": {
    get: {
      summary: "A member by RPPS",
      parameters: [P("rpps", { type: "string", pattern: IDENTIFIER_PATTERNS.rpps }, "path")],
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
        P("transfer", opaque("a transfer id")),
        P(
          "after",
          { type: "integer", minimum: 0, maximum: Number.MAX_SAFE_INTEGER },
          "query",
          "the `next` of a previous page",
        ),
        P("limit", int(1, 1000, 100)),
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
      parameters: [P("from", iso), P("to", iso), P("sheet", opaque("a sheet id"))],
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
  "/documents": {
    post: {
      summary:
        "Receive a hospital's document (role sender: a hospital's service account or staff): a CDA R2, a PDF with its metadata (multipart/form-data: parts document and metadata), or a FHIR R4 DocumentReference or document Bundle. Idempotent by document id (201 new, 200 already received); routed to recipients or queued « à orienter »",
      body: DOCUMENT_BODIES,
      ok: { status: 201, content: json(ref("DocumentReceipt")) },
      also: {
        status: 200,
        content: json(ref("DocumentReceipt")),
        description: "already received (same document id): nothing new was sent",
      },
    },
  },
  "/documents/to-route": {
    get: {
      summary: "Documents waiting « à orienter » (coordinator): nobody reachable was found",
      ok: { status: 200, content: json(ref("ToRouteList")) },
    },
  },
  "/documents/{ref}/assign": {
    post: {
      summary: "Choose the recipients of a document waiting « à orienter » (coordinator)",
      parameters: [
        P(
          "ref",
          { type: "string", pattern: "^d[0-9a-f]{40}$", minLength: 41, maxLength: 41 },
          "path",
          "the queue reference of GET /documents/to-route (opaque; not the document's own id)",
        ),
      ],
      body: json(ref("AssignRequest")),
      ok: { status: 200, content: json(ref("DocumentReceipt")) },
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
} as const satisfies Record<string, Record<string, Op>>;
const BY_PATH: Readonly<Record<string, Readonly<Record<string, Op>>>> = OPS;

type Ops = typeof OPS;
/** Every documented operation, `"GET /transfers"`, as a type. */
export type OperationKey = {
  [P in keyof Ops]: { [M in keyof Ops[P] & string]: `${Uppercase<M>} ${P}` }[keyof Ops[P] & string];
}[keyof Ops];
/** The parameters operation `K` documents. */
type ParametersOf<K> = K extends `${infer M} ${infer P}`
  ? P extends keyof Ops
    ? Ops[P] extends { readonly [m in Lowercase<M>]: { readonly parameters: readonly (infer X)[] } }
      ? X
      : never
    : never
  : never;
/**
 * The query parameters of operation `K` as `queryOf` returns them once checked, typed by their
 * schemas (all optional); for an operation not known statically, any checked parameters.
 */
export type QueryOf<K extends string> = K extends OperationKey
  ? {
      readonly [X in Extract<ParametersOf<K>, { readonly in: "query" }> as X["name"]]?: FromSchema<
        X["schema"],
        RequestSchemas
      >;
    }
  : Readonly<Record<string, string | number>>;

/** Every documented operation, `"GET /transfers/{id}"`. */
export const OPERATIONS: readonly string[] = Object.entries(BY_PATH).flatMap(([path, ops]) =>
  Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`),
);

/** Each documented path as a matcher (`{x}` is one non-empty segment) with its methods. */
const MATCHERS = Object.entries(BY_PATH).map(([path, ops]) => ({
  path,
  re: new RegExp("^" + path.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+") + "$"),
  methods: Object.keys(ops).map((m) => m.toUpperCase()),
}));

/**
 * The methods of the documented path that `path` (relative to `/api/v1`) matches, HEAD with GET
 * (express answers HEAD with the GET route); undefined when no documented path matches.
 */
export function allowedMethods(path: string): readonly string[] | undefined {
  const m = MATCHERS.find((x) => x.re.test(path));
  if (m === undefined) return undefined;
  return m.methods.includes("GET") ? [...m.methods, "HEAD"] : m.methods;
}

/** The documented operation (`"GET /transfers/{id}"`) a request matches (HEAD as GET), if any. */
export function operationOf(method: string, path: string): string | undefined {
  const m = MATCHERS.find((x) => x.re.test(path));
  const verb = method === "HEAD" ? "GET" : method;
  return m?.methods.includes(verb) === true ? `${verb} ${m.path}` : undefined;
}

/** An operation's parameters by location (`"GET /transfers"`). */
export function operationParameters(key: string): readonly Schema[] {
  const [method = "", path = ""] = key.split(" ");
  return BY_PATH[path]?.[method.toLowerCase()]?.parameters ?? [];
}

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
        : {
            [String(op.also.status)]: {
              description: op.also.description ?? "unavailable",
              content: op.also.content,
            },
          }),
      ...errors,
      default: { description: "problem details (RFC 9457)", content: problem },
    },
  };
}

/** The document for the forms of `forms` (a fresh object each call); `server`: as `checkBody` compiles it. */
export function openApiDocument(
  forms: FormRegistry,
  variant: SchemaVariant = "document",
): Record<string, unknown> {
  return {
    openapi: "3.1.0",
    jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    info: {
      title: "Passerelle API",
      version: "1",
      description:
        "Signed liaison sheets between hospital and city (CPTS): forms, transfers, directory, audit. " +
        "Errors are RFC 9457 problem details naming the offending field and rule, never its value. " +
        "A method a path does not have is answered 405 with an Allow header. Identifiers carry their " +
        "shape as a pattern; a wrong check key (described with each) is refused with 422. String " +
        "lengths count Unicode code points, as JSON Schema does.",
    },
    servers: [{ url: "/api/v1" }],
    security: [{ bearer: [] }],
    paths: Object.fromEntries(
      Object.entries(BY_PATH).map(([path, ops]) => [
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
      schemas: apiSchemas(forms, variant),
    },
  };
}
