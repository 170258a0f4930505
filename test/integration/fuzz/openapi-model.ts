/**
 * The operations of the served OpenAPI 3.1 document, and a checker of real responses against it:
 * the documented status (the operation's success status, or a documented error status / `default`),
 * the documented media type, and the JSON body against the documented schema (ajv, JSON Schema
 * 2020-12, `#/components/schemas/…` resolved inside the document).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";

type Schema = Record<string, unknown>;
interface MediaType {
  readonly schema?: Schema;
}
interface ResponseDoc {
  readonly content?: Record<string, MediaType>;
}
export interface ParameterDoc {
  readonly name: string;
  readonly in: "path" | "query";
  readonly required?: boolean;
  readonly schema: Schema;
}
export interface Operation {
  readonly method: string;
  readonly path: string;
  readonly public: boolean;
  readonly parameters: readonly ParameterDoc[];
  /** Media types of the request body, with their schema. */
  readonly body?: Record<string, MediaType>;
  readonly responses: Record<string, ResponseDoc>;
}

interface OpenApiDoc {
  readonly paths: Record<string, Record<string, Record<string, unknown>>>;
  readonly components: { readonly schemas: Record<string, Schema> };
}

export function operationsOf(doc: unknown): Operation[] {
  const d = doc as OpenApiDoc;
  return Object.entries(d.paths).flatMap(([path, methods]) =>
    Object.entries(methods).map(([method, op]) => ({
      method: method.toUpperCase(),
      path,
      public: Array.isArray(op["security"]) && op["security"].length === 0,
      parameters: (op["parameters"] ?? []) as ParameterDoc[],
      ...(op["requestBody"] === undefined
        ? {}
        : { body: (op["requestBody"] as { content: Record<string, MediaType> }).content }),
      responses: op["responses"] as Record<string, ResponseDoc>,
    })),
  );
}

/** Checks responses against the document; returns what is wrong (empty when it conforms). */
export class ResponseChecker {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
  readonly #cache = new Map<string, ValidateFunction>();

  constructor(doc: unknown) {
    this.#ajv.addSchema({ $id: "urn:passerelle:openapi", components: (doc as OpenApiDoc).components });
  }

  #validator(schema: Schema): ValidateFunction {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"urn:passerelle:openapi#/components/');
    let v = this.#cache.get(text);
    if (v === undefined) {
      v = this.#ajv.compile(JSON.parse(text) as Schema);
      this.#cache.set(text, v);
    }
    return v;
  }

  problems(op: Operation, status: number, contentType: string | null, body: string): string[] {
    const doc = op.responses[String(status)] ?? op.responses["default"];
    if (doc === undefined) return [`status ${status} is not documented`];
    const media = (contentType ?? "").split(";")[0]?.trim() ?? "";
    const content = doc.content ?? {};
    if (Object.keys(content).length === 0) return body === "" ? [] : ["a body where none is documented"];
    const m = content[media];
    if (m === undefined)
      return [`media type "${media}" not documented for ${status} (${Object.keys(content).join(", ")})`];
    if (m.schema === undefined || !/json$/.test(media) || media === "application/jsonl") return [];
    let parsed: unknown;
    try {
      parsed = JSON.parse(body) as unknown;
    } catch {
      return ["body is not JSON"];
    }
    const v = this.#validator(m.schema);
    return v(parsed) ? [] : (v.errors ?? []).slice(0, 3).map((e) => `${e.instancePath} ${e.message ?? ""}`);
  }
}
