/**
 * Request checks with the schemas of the served OpenAPI document (ajv, JSON Schema 2020-12, string
 * lengths in Unicode code points as JSON Schema counts them): JSON bodies against
 * `components.schemas`, query parameters against the operation's `parameters` (unknown or
 * repeated ones refused, integers read from their digits). One source of truth: what the
 * document says is what is enforced. Failures are `VALIDATION_FAILED` naming the path and the
 * rule, never the value nor a name the client chose.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";
import type { Request } from "express";
import type { FieldIssue } from "../core/index.ts";
import { PasserelleError } from "../core/index.ts";
import type { FormRegistry } from "../forms/index.ts";
import { addSheetVocabulary, issuesFromAjv } from "../forms/index.ts";
import type { QueryOf } from "./openapi.ts";
import { OPERATIONS, operationParameters } from "./openapi.ts";
import type { RequestBody, RequestSchemas } from "./openapi-schemas.ts";
import { apiSchemas } from "./openapi-schemas.ts";

interface Contract {
  readonly ajv: Ajv2020;
  readonly bodies: Map<string, ValidateFunction>;
  /** Every property name the schemas declare: an unknown property is named only if it is one. */
  readonly names: ReadonlySet<string>;
  readonly queries: Map<
    string,
    { validate: ValidateFunction; names: ReadonlySet<string>; integers: ReadonlySet<string> }
  >;
}

const contracts = new WeakMap<FormRegistry, Contract>();
const ROOT = "passerelle:api";

/** The validators of one form registry's document (built once, compiled on first use). */
function contractOf(forms: FormRegistry): Contract {
  let c = contracts.get(forms);
  if (c !== undefined) return c;
  const ajv = addSheetVocabulary(
    new Ajv2020({ allErrors: true, strict: true, strictRequired: false, strictTypes: false }),
  );
  ajv.addKeyword({ keyword: "components" }); // the schemas live where the OpenAPI document has them
  ajv.addKeyword({ keyword: "x-query" });
  const query: Record<string, unknown> = {};
  const queries: Contract["queries"] = new Map();
  OPERATIONS.forEach((key, i) => {
    const params = operationParameters(key).filter((p) => p.in === "query");
    query[`q${String(i)}`] = {
      type: "object",
      properties: Object.fromEntries(params.map((p): [string, unknown] => [String(p.name), p.schema])),
      additionalProperties: false,
    };
  });
  const schemas = apiSchemas(forms, "server");
  ajv.addSchema({ $id: ROOT, components: { schemas }, "x-query": query });
  c = { ajv, bodies: new Map(), queries, names: propertyNames(schemas) };
  contracts.set(forms, c);
  return c;
}

/** Every key of every `properties` in `schema`. */
function propertyNames(schema: unknown, out = new Set<string>()): Set<string> {
  if (Array.isArray(schema)) for (const s of schema as unknown[]) propertyNames(s, out);
  else if (typeof schema === "object" && schema !== null) {
    for (const [k, v] of Object.entries(schema as Record<string, unknown>)) {
      if (k === "properties" && typeof v === "object" && v !== null)
        for (const n of Object.keys(v)) out.add(n);
      propertyNames(v, out);
    }
  }
  return out;
}

const fail = (issues: readonly FieldIssue[], what: string): PasserelleError =>
  new PasserelleError("VALIDATION_FAILED", `${what}: ${issues.map((i) => i.path).join(", ")}`, { issues });

/**
 * The body, checked against `components.schemas[name]` and typed by that schema (`RequestBody`);
 * paths are prefixed with `body.`.
 */
export function checkBody<N extends keyof RequestSchemas>(
  forms: FormRegistry,
  body: unknown,
  name: N,
): RequestBody<N> {
  const c = contractOf(forms);
  let v = c.bodies.get(name);
  if (v === undefined) {
    v = c.ajv.compile({ $ref: `${ROOT}#/components/schemas/${name}` });
    c.bodies.set(name, v);
  }
  if (!v(body)) {
    // Of the alternatives (`anyOf`, `oneOf`), the first one's unmet rules are named.
    const errors = (v.errors ?? []).filter((e) => !/\/(anyOf|oneOf)\/[1-9]/.test(e.schemaPath));
    const issues = issuesFromAjv(errors, new Map(), c.names).map((i) => ({
      ...i,
      path: i.path === "" ? "body" : i.path,
    }));
    throw fail(issues, "invalid request body");
  }
  // The one step from a checked value to its type: ajv has just checked `body` against the schema
  // whose type `RequestBody<N>` is (FromSchema keeps the type no narrower than the schema).
  return body as RequestBody<N>;
}

/**
 * The query parameters of operation `key` (`"GET /transfers"`), checked against its documented
 * parameters: integers as numbers, the others as strings, typed by their schemas (`QueryOf`).
 * Unknown parameters (path `*`: their names are the client's) and repeated ones are refused.
 */
export function queryOf<K extends string>(forms: FormRegistry, req: Request, key: K): QueryOf<K> {
  const c = contractOf(forms);
  let q = c.queries.get(key);
  if (q === undefined) {
    const i = OPERATIONS.indexOf(key);
    if (i < 0) throw new PasserelleError("INTERNAL", "undocumented operation");
    const params = operationParameters(key).filter((p) => p.in === "query");
    const names = new Set(params.map((p) => String(p.name)));
    const integers = new Set(
      params.filter((p) => (p.schema as { type?: unknown }).type === "integer").map((p) => String(p.name)),
    );
    q = { validate: c.ajv.compile({ $ref: `${ROOT}#/x-query/q${String(i)}` }), names, integers };
    c.queries.set(key, q);
  }
  const values: Record<string, string | number> = {};
  const issues: FieldIssue[] = [];
  for (const [k, v] of Object.entries(req.query)) {
    if (typeof v !== "string") {
      const path = q.names.has(k) ? k : "*";
      issues.push({
        path,
        rule: "single",
        message: { en: "must be given once", fr: "ne doit apparaître qu’une fois" },
      });
    } else {
      values[k] = q.integers.has(k) && /^-?[0-9]{1,20}$/.test(v) ? Number(v) : v;
    }
  }
  if (issues.length === 0 && !q.validate(values)) {
    issues.push(...issuesFromAjv(q.validate.errors ?? [], new Map()));
  }
  if (issues.length > 0) throw fail(issues, "invalid query");
  // Checked against the operation's parameters, whose types `QueryOf<K>` is.
  return values as QueryOf<K>;
}

/**
 * A checked `date` or `date-time` parameter as an instant (`toISOString()`): a day is its start in
 * UTC; a leap second (`:60`) is the next second.
 */
export function instantOf(v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = new Date(v);
  if (!Number.isNaN(t.getTime())) return t.toISOString();
  const leap = new Date(v.replace(/:60(?=[.zZ+-])/, ":59"));
  return new Date(leap.getTime() + 1000).toISOString();
}
