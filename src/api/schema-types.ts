/**
 * The TypeScript type of a JSON Schema (2020-12) written `as const`, so that a value ajv has
 * checked against a schema is typed by that very schema (no second, hand-written description).
 *
 * Covers the keywords of the API's request schemas: `$ref` to `#/components/schemas/<name>`
 * (looked up in `Defs`), `const`, `enum`, `type` (`object`, `array`, `string`, `integer`,
 * `number`, `boolean`, `null`, or a list of them), `properties` with `required`, `items`, and
 * `oneOf`/`anyOf` standing alone (the union of the alternatives). Keywords that only narrow a
 * value — `pattern`, lengths, bounds, `format`, `if`/`then`, `allOf`, and `anyOf`/`oneOf` next to
 * `type` (extra `required` rules) — are left out: the type is then wider than the schema, never
 * narrower. Properties the schema does not list (`additionalProperties` other than `false`) are
 * not typed; a schema with no known keyword is `unknown`.
 */

/** The type of schema `S`, `$ref`s resolved in `Defs` (the document's `components.schemas`). */
export type FromSchema<S, Defs = unknown> = S extends {
  readonly $ref: `#/components/schemas/${infer N}`;
}
  ? N extends keyof Defs
    ? FromSchema<Defs[N], Defs>
    : unknown
  : S extends { readonly const: infer C }
    ? C
    : S extends { readonly enum: readonly (infer E)[] }
      ? E
      : S extends { readonly type: infer T }
        ? OfType<T, S, Defs>
        : S extends { readonly oneOf: readonly (infer A)[] }
          ? FromSchema<A, Defs>
          : S extends { readonly anyOf: readonly (infer A)[] }
            ? FromSchema<A, Defs>
            : unknown;

/** A `type`, or each of a list of types (`["number", "null"]`). */
type OfType<T, S, Defs> = T extends readonly (infer U)[] ? Primitive<U, S, Defs> : Primitive<T, S, Defs>;

type Primitive<T, S, Defs> = T extends "object"
  ? ObjectOf<S, Defs>
  : T extends "array"
    ? S extends { readonly items: infer I }
      ? readonly FromSchema<I, Defs>[]
      : readonly unknown[]
    : T extends "string"
      ? string
      : T extends "integer" | "number"
        ? number
        : T extends "boolean"
          ? boolean
          : T extends "null"
            ? null
            : unknown;

type RequiredOf<S> = S extends { readonly required: readonly (infer R)[] } ? R : never;

/** `properties` with `required`; an object schema without `properties` is any object. */
type ObjectOf<S, Defs> = S extends { readonly properties: infer P }
  ? Flat<
      { readonly [K in keyof P & RequiredOf<S>]: FromSchema<P[K], Defs> } & {
        readonly [K in Exclude<keyof P, RequiredOf<S>>]?: FromSchema<P[K], Defs>;
      }
    >
  : Readonly<Record<string, unknown>>;

/** One object type instead of an intersection (readable in editors and errors). */
type Flat<T> = { [K in keyof T]: T[K] };
