/**
 * Request bodies are typed by the JSON Schemas that check them: `FromSchema` (type level, checked
 * by `tsc --noEmit`, which includes test/) and `checkBody`, which returns the body it checked,
 * typed by its schema. The runtime tests check that the schemas the types come from are the ones
 * ajv compiles.
 */
import { describe, expect, expectTypeOf, it } from "vitest";
import type { Request } from "express";
import type { CircleConsent } from "../../../src/circles/index.ts";
import type { TransferState } from "../../../src/transfers/index.ts";
import { PasserelleError } from "../../../src/core/index.ts";
import { loadFormRegistry } from "../../../src/forms/index.ts";
import { serverFormSchemas } from "../../../src/api/openapi-forms.ts";
import type { OperationKey, QueryOf } from "../../../src/api/openapi.ts";
import type { RequestBody } from "../../../src/api/openapi-schemas.ts";
import { apiSchemas } from "../../../src/api/openapi-schemas.ts";
import type { FromSchema } from "../../../src/api/schema-types.ts";
import { checkBody, queryOf } from "../../../src/api/validate.ts";

describe("FromSchema", () => {
  it("types the scalar keywords: type, const, enum, a list of types", () => {
    expectTypeOf<FromSchema<{ type: "string"; pattern: "^a$" }>>().toEqualTypeOf<string>();
    expectTypeOf<FromSchema<{ type: "integer"; minimum: 1 }>>().toEqualTypeOf<number>();
    expectTypeOf<FromSchema<{ type: "number" }>>().toEqualTypeOf<number>();
    expectTypeOf<FromSchema<{ type: "boolean" }>>().toEqualTypeOf<boolean>();
    expectTypeOf<FromSchema<{ type: "null" }>>().toEqualTypeOf<null>();
    expectTypeOf<FromSchema<{ type: readonly ["number", "null"] }>>().toEqualTypeOf<number | null>();
    expectTypeOf<FromSchema<{ const: "ok" }>>().toEqualTypeOf<"ok">();
    expectTypeOf<FromSchema<{ enum: readonly ["a", "b"] }>>().toEqualTypeOf<"a" | "b">();
    // `enum` is narrower than the `type` beside it.
    expectTypeOf<FromSchema<{ type: "string"; enum: readonly ["a"] }>>().toEqualTypeOf<"a">();
    // An enum built at run time (`string[]`) is its element type.
    expectTypeOf<FromSchema<{ type: "string"; enum: string[] }>>().toEqualTypeOf<string>();
    // No keyword it knows: nothing is claimed.
    expectTypeOf<FromSchema<{ description: "x" }>>().toEqualTypeOf<unknown>();
    expectTypeOf<FromSchema<Record<string, unknown>>>().toEqualTypeOf<unknown>();
  });

  it("types objects: required properties, optional ones, an object without properties", () => {
    type S = {
      type: "object";
      properties: { a: { type: "string" }; b: { type: "integer" }; c: { type: "boolean" } };
      required: readonly ["a", "c"];
      additionalProperties: false;
    };
    expectTypeOf<FromSchema<S>>().toEqualTypeOf<{
      readonly a: string;
      readonly b?: number;
      readonly c: boolean;
    }>();
    expectTypeOf<FromSchema<{ type: "object"; properties: { a: { type: "string" } } }>>().toEqualTypeOf<{
      readonly a?: string;
    }>();
    expectTypeOf<FromSchema<{ type: "object" }>>().toEqualTypeOf<Readonly<Record<string, unknown>>>();
  });

  it("types arrays by their items", () => {
    expectTypeOf<FromSchema<{ type: "array"; items: { type: "string" }; minItems: 1 }>>().toEqualTypeOf<
      readonly string[]
    >();
    expectTypeOf<FromSchema<{ type: "array" }>>().toEqualTypeOf<readonly unknown[]>();
  });

  it("types oneOf and anyOf standing alone as the union of their alternatives", () => {
    expectTypeOf<
      FromSchema<{ oneOf: readonly [{ type: "null" }, { type: "string"; format: "date-time" }] }>
    >().toEqualTypeOf<string | null>();
    expectTypeOf<FromSchema<{ anyOf: readonly [{ const: 1 }, { const: "x" }] }>>().toEqualTypeOf<1 | "x">();
  });

  it("ignores the keywords that only narrow an object (anyOf of required rules, if/then)", () => {
    type S = {
      type: "object";
      properties: { a: { type: "string" }; b: { type: "string" } };
      required: readonly [];
      anyOf: readonly [{ required: readonly ["a"] }, { required: readonly ["b"] }];
      if: { properties: { a: { const: "x" } } };
      then: { required: readonly ["b"] };
    };
    expectTypeOf<FromSchema<S>>().toEqualTypeOf<{ readonly a?: string; readonly b?: string }>();
  });

  it("resolves $ref in the components it is given, recursively", () => {
    type Defs = {
      Pair: {
        type: "object";
        properties: {
          left: { $ref: "#/components/schemas/Leaf" };
          right: { $ref: "#/components/schemas/Leaf" };
        };
        required: readonly ["left"];
      };
      Leaf: { enum: readonly [1, 2] };
    };
    expectTypeOf<FromSchema<{ $ref: "#/components/schemas/Pair" }, Defs>>().toEqualTypeOf<{
      readonly left: 1 | 2;
      readonly right?: 1 | 2;
    }>();
    // A reference outside the components it is given is not typed.
    expectTypeOf<FromSchema<{ $ref: "#/components/schemas/Other" }, Defs>>().toEqualTypeOf<unknown>();
  });
});

describe("RequestBody", () => {
  it("types each request body the routes read from its schema", () => {
    type SheetBody = { readonly form: string; readonly data: Readonly<Record<string, unknown>> };
    expectTypeOf<RequestBody<"Sheet">>().toEqualTypeOf<SheetBody>();
    expectTypeOf<RequestBody<"CreateTransferRequest">>().toEqualTypeOf<{
      readonly sheet: SheetBody;
      readonly to?: readonly string[];
      readonly toUnit?: { readonly structureId: number } | { readonly finess: string };
    }>();
    expectTypeOf<RequestBody<"AnswerRequest">>().toEqualTypeOf<{
      readonly data: Readonly<Record<string, unknown>>;
    }>();
    expectTypeOf<RequestBody<"CircleChange">>().toEqualTypeOf<{
      readonly ins: string;
      readonly rpps?: string;
      readonly consent?: CircleConsent;
      readonly since?: string;
    }>();
    expectTypeOf<RequestBody<"CircleLeave">>().toEqualTypeOf<{
      readonly ins: string;
      readonly rpps?: string;
    }>();
    expectTypeOf<RequestBody<"CircleObjection">>().toEqualTypeOf<{
      readonly ins: string;
      readonly objected: boolean;
    }>();
    expectTypeOf<RequestBody<"CircleQuery">>().toEqualTypeOf<{ readonly ins: string }>();
  });

  it("are typed from the very schemas ajv compiles", async () => {
    const forms = await loadFormRegistry();
    const compiled = apiSchemas(forms, "server");
    for (const [name, schema] of Object.entries(serverFormSchemas())) {
      expect(compiled[name], name).toEqual(schema);
    }
  });
});

describe("checkBody", () => {
  it("returns the body it checked, typed by its schema", async () => {
    const forms = await loadFormRegistry();
    const body: unknown = { ins: "248037511204721", objected: true };
    const checked = checkBody(forms, body, "CircleObjection");
    expectTypeOf(checked).toEqualTypeOf<RequestBody<"CircleObjection">>();
    expect(checked).toBe(body);
    expect(checked.objected).toBe(true);
  });

  it("throws VALIDATION_FAILED naming the field, never returning a body that does not match", async () => {
    const forms = await loadFormRegistry();
    const err = (() => {
      try {
        checkBody(forms, { ins: "248037511204721", objected: "yes" }, "CircleObjection");
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(PasserelleError);
    expect((err as PasserelleError).code).toBe("VALIDATION_FAILED");
    expect((err as PasserelleError).message).toContain("objected");
    expect((err as PasserelleError).message).not.toContain("yes");
  });

  it("accepts only the names of schemas whose type is known", async () => {
    const forms = await loadFormRegistry();
    // A form's data schema is built from the registry at run time: not a typed request body.
    // @ts-expect-error -- not a name of RequestSchemas
    expect(() => checkBody(forms, {}, "SheetData-discharge-v1")).toThrow();
  });
});

/** The names of an operation's query parameters. */
type ParamNames<K extends string> = keyof QueryOf<K>;

describe("QueryOf", () => {
  it("types each operation's query parameters from their schemas, all optional", () => {
    expectTypeOf<QueryOf<"GET /transfers">>().toEqualTypeOf<{
      readonly state?: TransferState;
      readonly form?: string;
      readonly overdue?: "true" | "false";
      readonly limit?: number;
      readonly cursor?: string;
    }>();
    expectTypeOf<QueryOf<"GET /audit">>().toEqualTypeOf<{
      readonly from?: string;
      readonly to?: string;
      readonly transfer?: string;
      readonly after?: number;
      readonly limit?: number;
    }>();
    expectTypeOf<QueryOf<"GET /audit/export">>().toEqualTypeOf<{
      readonly from?: string;
      readonly to?: string;
      readonly sheet?: string;
    }>();
    expectTypeOf<QueryOf<"GET /directory/members">>().toEqualTypeOf<{
      readonly q?: string;
      readonly profession?: string;
    }>();
    // Path parameters are not query parameters; an operation without any has none.
    expectTypeOf<ParamNames<"GET /transfers/{id}">>().toEqualTypeOf<never>();
    expectTypeOf<ParamNames<"GET /stats">>().toEqualTypeOf<never>();
    // A key known only at run time (the request's operation): any checked parameters.
    expectTypeOf<QueryOf<string>>().toEqualTypeOf<Readonly<Record<string, string | number>>>();
    expectTypeOf<"GET /transfers">().toExtend<OperationKey>();
    expectTypeOf<"DELETE /transfers">().not.toExtend<OperationKey>();
  });

  it("returns the parameters as typed: integers as numbers, enums as their values", async () => {
    const forms = await loadFormRegistry();
    const req = { query: { state: "failed", limit: "7", overdue: "true" } } as unknown as Request;
    const q = queryOf(forms, req, "GET /transfers");
    expect(q).toEqual({ state: "failed", limit: 7, overdue: "true" });
    expectTypeOf(q.state).toEqualTypeOf<TransferState | undefined>();
    expectTypeOf(q.limit).toEqualTypeOf<number | undefined>();
    const bad = { query: { state: "lost" } } as unknown as Request;
    expect(() => queryOf(forms, bad, "GET /transfers")).toThrow(/state/);
  });
});
