/**
 * A small schema-driven generator (fast-check) of values that a JSON Schema 2020-12 of the served
 * OpenAPI document accepts, written for the contract test and sharing no code with the server:
 * `$ref` (inside the document), `allOf` (merged), `anyOf`/`oneOf` (one branch), `if`/`then` (the
 * `then` applied when the generated value meets the `if`), `enum`, `const`, `examples` (preferred
 * for strings: identifiers carry their check key only there), `pattern`, the formats `date` and
 * `date-time`, string lengths in code points (astral characters included), integer ranges, arrays
 * and objects (optional properties present or not).
 */
import { Ajv2020 } from "ajv/dist/2020.js";
import fc from "fast-check";

export type Schema = Record<string, unknown>;
type Doc = { components: { schemas: Record<string, Schema> } };

const isObj = (v: unknown): v is Schema => typeof v === "object" && v !== null && !Array.isArray(v);
/** Length as JSON Schema counts it: Unicode code points. */
export const codePoints = (s: string): number => Array.from(s).length;

export class SchemaGen {
  readonly #doc: Doc;
  readonly #ajv = new Ajv2020({ strict: false, validateFormats: false });

  constructor(doc: unknown) {
    this.#doc = doc as Doc;
    this.#ajv.addSchema({ $id: "urn:passerelle:gen", components: this.#doc.components });
  }

  /** `schema` with its top-level `$ref` followed. */
  resolve(schema: Schema): Schema {
    let s = schema;
    for (let i = 0; i < 20 && typeof s.$ref === "string"; i++) {
      const { $ref, ...rest } = s;
      const name = $ref.replace("#/components/schemas/", "");
      const target = this.#doc.components.schemas[name];
      if (target === undefined) throw new Error(`unresolved ${$ref}`);
      s = { ...target, ...rest };
    }
    return s;
  }

  /** Two schemas as one (both must hold): properties merged, `required` united. */
  merge(a: Schema, b: Schema): Schema {
    const x = this.#flat(a);
    const y = this.#flat(b);
    const out: Schema = { ...x, ...y };
    if (x.type !== undefined) out.type = x.type;
    const px = isObj(x.properties) ? x.properties : {};
    const py = isObj(y.properties) ? y.properties : {};
    const props: Record<string, Schema> = { ...(px as Record<string, Schema>) };
    for (const [k, v] of Object.entries(py as Record<string, Schema>)) {
      props[k] = props[k] === undefined ? v : this.merge(props[k], v);
    }
    if (Object.keys(props).length > 0) out.properties = props;
    const list = <T>(v: unknown): T[] => (Array.isArray(v) ? (v as T[]) : []);
    const req = [...list<string>(x.required), ...list<string>(y.required)];
    if (req.length > 0) out.required = [...new Set(req)];
    const conds = [...list<Schema>(x.allOf), ...list<Schema>(y.allOf)];
    if (conds.length > 0) out.allOf = conds;
    return out;
  }

  /** `$ref` followed and plain `allOf` members merged in (conditional members kept in `allOf`). */
  #flat(schema: Schema): Schema {
    const s = this.resolve(schema);
    if (!Array.isArray(s.allOf)) return s;
    const { allOf, ...rest } = s;
    let out: Schema = rest;
    const conds: Schema[] = [];
    for (const m of allOf as Schema[]) {
      if (m.if !== undefined) conds.push(m);
      else out = this.merge(out, m);
    }
    const kept = Array.isArray(out.allOf) ? (out.allOf as Schema[]) : [];
    return conds.length > 0 ? { ...out, allOf: [...kept, ...conds] } : out;
  }

  #holds(schema: Schema, value: unknown): boolean {
    const text = JSON.stringify(schema).replaceAll('"#/components/', '"urn:passerelle:gen#/components/');
    return this.#ajv.compile(JSON.parse(text) as Schema)(value);
  }

  /** An arbitrary of values `schema` accepts. */
  arb(schema: Schema, depth = 0): fc.Arbitrary<unknown> {
    const s = this.#flat(schema);
    const alternatives = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
    if (alternatives !== undefined) {
      const { anyOf: _a, oneOf: _o, ...base } = s;
      return fc.oneof(...alternatives.map((alt) => this.arb(this.merge(base, alt), depth)));
    }
    const conditions: Schema[] = [
      ...(s.if === undefined ? [] : [{ if: s.if, then: s.then }]),
      ...(Array.isArray(s.allOf) ? (s.allOf as Schema[]) : []).filter((m) => m.if !== undefined),
    ];
    if (conditions.length > 0) {
      const { if: _i, then: _t, allOf: _all, ...base } = s;
      return this.arb(base, depth).chain((v) => {
        const met = conditions.find((c) => c.then !== undefined && this.#holds(c.if as Schema, v));
        if (met === undefined || !isObj(v)) return fc.constant(v);
        // Regenerate the properties `then` speaks of, under base ∧ then.
        const both = this.merge(base, met.then as Schema);
        const props = (both.properties ?? {}) as Record<string, Schema>;
        const touched = Object.keys((met.then as Schema).properties ?? {});
        return fc
          .tuple(...touched.map((k) => this.arb(props[k] ?? {}, depth + 1)))
          .map((vals) => ({ ...v, ...Object.fromEntries(touched.map((k, i) => [k, vals[i]])) }));
      });
    }
    if (s.const !== undefined) return fc.constant(s.const);
    if (Array.isArray(s.enum)) return fc.constantFrom(...(s.enum as unknown[]));
    const type = Array.isArray(s.type) ? (s.type as string[])[0] : (s.type as string | undefined);
    switch (type ?? (isObj(s.properties) ? "object" : "any")) {
      case "string":
        return this.#string(s);
      case "integer":
        return fc.integer({
          min: typeof s.minimum === "number" ? s.minimum : -1000,
          max: typeof s.maximum === "number" ? s.maximum : 1_000_000,
        });
      case "number":
        return fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e6, max: 1e6 });
      case "boolean":
        return fc.boolean();
      case "null":
        return fc.constant(null);
      case "array": {
        const min = typeof s.minItems === "number" ? s.minItems : 0;
        const max = Math.min(typeof s.maxItems === "number" ? s.maxItems : 3, min + 2);
        return fc.array(this.arb((s.items as Schema | undefined) ?? {}, depth + 1), {
          minLength: min,
          maxLength: max,
        });
      }
      case "object":
        return this.#object(s, depth);
      default:
        return fc.constant({});
    }
  }

  #object(s: Schema, depth: number): fc.Arbitrary<Record<string, unknown>> {
    const props = (s.properties ?? {}) as Record<string, Schema>;
    const required = new Set((s.required as string[] | undefined) ?? []);
    const entries = Object.entries(props).map(([k, p]) => {
      const a = this.arb(p, depth + 1);
      return required.has(k)
        ? a.map((v) => [k, v] as const)
        : fc.option(a, { nil: undefined, freq: depth > 3 ? 1 : 2 }).map((v) => [k, v] as const);
    });
    return fc
      .tuple(...entries)
      .map((kv) => Object.fromEntries(kv.filter(([, v]) => v !== undefined)) as Record<string, unknown>);
  }

  #string(s: Schema): fc.Arbitrary<string> {
    const min = typeof s.minLength === "number" ? s.minLength : 0;
    const max = typeof s.maxLength === "number" ? s.maxLength : Math.max(min, 40);
    const fits = (v: string): boolean => codePoints(v) >= min && codePoints(v) <= max;
    if (Array.isArray(s.examples) && s.examples.length > 0)
      return fc.constantFrom(...(s.examples as string[]));
    if (s.format === "date-time")
      return fc
        .date({ noInvalidDate: true, min: new Date("1990-01-01"), max: new Date("2090-01-01") })
        .map((d) => d.toISOString());
    if (s.format === "date")
      return fc
        .date({ noInvalidDate: true, min: new Date("1900-01-01"), max: new Date("2090-01-01") })
        .map((d) => d.toISOString().slice(0, 10));
    if (typeof s.pattern === "string") return fc.stringMatching(new RegExp(s.pattern, "u")).filter(fits);
    // Any Unicode text: astral characters count as one, as JSON Schema counts them.
    return fc.string({ unit: "binary", minLength: min, maxLength: Math.min(max, 60) }).filter(fits);
  }
}
