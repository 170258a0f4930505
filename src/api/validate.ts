/**
 * Request checks: JSON bodies against the schemas of the OpenAPI document (ajv, JSON Schema
 * 2020-12), query parameters by name (unknown, repeated or malformed ones refused). Failures are
 * `VALIDATION_FAILED` with the offending field's path.
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import type { ValidateFunction } from "ajv";
import type { Request } from "express";
import type { FieldIssue } from "../core/index.ts";
import { PasserelleError } from "../core/index.ts";
import { issuesFromAjv } from "../forms/index.ts";
import { SCHEMAS } from "./openapi-schemas.ts";

const ajv = new Ajv2020({ allErrors: true, strict: true, validateFormats: false });
ajv.addKeyword({ keyword: "components" }); // the schemas live where the OpenAPI document has them
ajv.addSchema({ $id: "passerelle:api", components: { schemas: SCHEMAS } });
const compiled = new Map<string, ValidateFunction>();

const fail = (issues: readonly FieldIssue[], what: string): PasserelleError =>
  new PasserelleError("VALIDATION_FAILED", `${what}: ${issues.map((i) => i.path).join(", ")}`, { issues });

/** The body, checked against `components.schemas[name]`; paths are prefixed with `body.`. */
export function checkBody(body: unknown, name: string): unknown {
  let v = compiled.get(name);
  if (v === undefined) {
    v = ajv.compile({ $ref: `passerelle:api#/components/schemas/${name}` });
    compiled.set(name, v);
  }
  if (!v(body)) {
    const issues = issuesFromAjv(v.errors ?? [], new Map()).map((i) => ({
      ...i,
      path: i.path === "" ? "body" : i.path,
    }));
    throw fail(issues, "invalid request body");
  }
  return body;
}

const issue = (path: string, rule: string, en: string, fr: string): FieldIssue => ({
  path,
  rule,
  message: { en, fr },
});

/** Query parameters: only `allowed` names, each at most once; returns them as strings. */
export function queryOf<K extends string>(req: Request, allowed: readonly K[]): Partial<Record<K, string>> {
  const out: Partial<Record<K, string>> = {};
  const issues: FieldIssue[] = [];
  for (const [k, v] of Object.entries(req.query)) {
    if (!(allowed as readonly string[]).includes(k)) {
      issues.push(issue(k, "unknownParameter", "unknown query parameter", "paramètre inconnu"));
    } else if (typeof v !== "string") {
      issues.push(issue(k, "single", "must be given once", "ne doit apparaître qu’une fois"));
    } else {
      out[k as K] = v;
    }
  }
  if (issues.length > 0) throw fail(issues, "invalid query");
  return out;
}

/** An integer parameter in [min, max], default `fallback`. */
export function intParam(
  name: string,
  v: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (v === undefined) return fallback;
  const n = /^\d{1,15}$/.test(v) ? Number(v) : NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw fail(
      [issue(name, "range", `integer from ${min} to ${max} expected`, `entier de ${min} à ${max} attendu`)],
      "invalid query",
    );
  }
  return n;
}

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2}))?$/;
/** An ISO 8601 date or instant, normalised to `toISOString()`. */
export function isoParam(name: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = new Date(v);
  if (!ISO.test(v) || Number.isNaN(t.getTime())) {
    throw fail(
      [issue(name, "iso8601", "ISO 8601 date or time expected", "date ISO 8601 attendue")],
      "invalid query",
    );
  }
  return t.toISOString();
}

/** One of `values`. */
export function enumParam<V extends string>(
  name: string,
  v: string | undefined,
  values: readonly V[],
): V | undefined {
  if (v === undefined) return undefined;
  const found = values.find((x) => x === v);
  if (found === undefined) {
    throw fail(
      [issue(name, "enum", `one of ${values.join(", ")}`, `une valeur parmi ${values.join(", ")}`)],
      "invalid query",
    );
  }
  return found;
}

/** A path or query id: opaque, printable, at most 100 characters (never echoed back). */
export function idParam(name: string, v: string | undefined): string {
  if (v === undefined || !/^[A-Za-z0-9._:-]{1,100}$/.test(v)) {
    throw fail([issue(name, "id", "not a valid identifier", "identifiant invalide")], "invalid parameter");
  }
  return v;
}
