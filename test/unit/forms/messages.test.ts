import { describe, expect, it } from "vitest";
import type { FieldIssue, PasserelleError } from "../../../src/core/index.ts";
import { formJsonSchema, parseSheetJson, sheetIssues } from "../../../src/forms/index.ts";
import { example, failure, obj, registry } from "./helpers.ts";
import type { Obj } from "./helpers.ts";

describe("messages", () => {
  it("name the field and the rule in French and English", () => {
    const sheet = example("discharge");
    obj(sheet.data, "treatments.atDischarge.3").dosage = "x".repeat(61);
    const [issue] = failure(sheet).issues as FieldIssue[];
    expect(issue!.message).toEqual({
      fr: "« Dosage » : 60 caractères au maximum",
      en: '"Strength": at most 60 characters',
    });
  });

  it("never contain a value from the input", () => {
    const sheet = example("discharge");
    const secret = "Zoé GRANDCLÉMENT-Œillet";
    const ins = "248037511204799";
    obj(sheet.data, "patient").ins = ins;
    obj(sheet.data, "patient").lastName = `${secret} `.repeat(10);
    obj(sheet.data, "patient").sex = secret;
    obj(sheet.data, "patient").birthDate = `${secret} 1948`;
    obj(sheet.data, "reason").text = 42;
    obj(sheet.data, "stay").dischargeMode = ins;
    obj(sheet.data, "contact").phone = secret;
    obj(sheet.data, "patient")[secret] = secret;
    obj(sheet.data, "patient").nickname = secret;
    obj(sheet.data, "practitioners.hospitalDoctor").rpps = `${secret}123`;
    obj(sheet.data, "devices").items = [secret.repeat(20)];
    const e = failure(sheet);
    expect(e.issues.length).toBeGreaterThanOrEqual(10);
    const everything = JSON.stringify({ message: e.message, issues: e.issues });
    for (const leak of [secret, "GRANDCL", "Zoé", ins, "2480375112047"])
      expect(everything).not.toContain(leak);
    expect(e.issues.map((i) => i.path)).toContain("data.patient.*");
  });

  it("INVALID_JSON gives the position, not the text", () => {
    const text = '{\n  "form": "discharge@1",\n  "data": { "patient": { "lastName": MARCHAL } }\n}';
    let error: unknown;
    try {
      parseSheetJson(text);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({
      code: "INVALID_JSON",
      message: "invalid JSON at line 3, column 38 (offset 64)",
    });
    expect(JSON.stringify((error as PasserelleError).issues)).not.toContain("MARCHAL");
    expect((error as PasserelleError).cause).toBeUndefined();
    expect(() => parseSheetJson('{"a": "Odette"')).toThrow(/line 1, column 15/);
    expect(() => parseSheetJson("")).toThrow(/line 1, column 1\b/);
    expect(parseSheetJson('{"a": [1, 2.5e3, "é\\u00e9", true, null]}')).toEqual({
      a: [1, 2500, "éé", true, null],
    });
  });
});

describe("sheetIssues", () => {
  it("checks a sheet against a given definition, the form reference included", () => {
    const answer = registry.resolve("teleexpertise-answer@1");
    expect(sheetIssues(answer, example("teleexpertise-answer"))).toEqual([]);
    const [issue] = sheetIssues(answer, {
      ...example("teleexpertise-answer"),
      form: "teleexpertise-answer@2",
    });
    expect(issue).toMatchObject({ path: "form", rule: "const" });
    expect(issue?.message.en).toBe('expected value: "teleexpertise-answer@1"');
  });
});

describe("JSON Schema", () => {
  it("is closed, bounded and carries the identifier and consent rules", () => {
    const request = registry.resolve("teleexpertise-request@1");
    const schema = formJsonSchema(request);
    expect(obj(schema, "properties.form")).toEqual({ type: "string", const: "teleexpertise-request@1" });
    const consent = obj(schema, "properties.data.properties.consent");
    expect(consent.additionalProperties).toBe(false);
    expect(obj(consent, "properties.recorded")).toMatchObject({ type: "boolean", const: true });
    expect(obj(schema, "properties.data.properties.requester.properties.rpps")["x-identifier"]).toBe("rpps");
    const unbounded: Obj[] = [];
    const walk = (s: unknown): void => {
      if (s === null || typeof s !== "object") return;
      const o = s as Obj;
      const free = o.enum === undefined && o.const === undefined && o["x-identifier"] === undefined;
      const dated = o.format === "date" || o.format === "date-time";
      if (o.type === "string" && free && !dated && typeof o.maxLength !== "number") unbounded.push(o);
      if (o.type === "array" && typeof o.maxItems !== "number") unbounded.push(o);
      Object.values(o).forEach(walk);
    };
    walk(schema);
    expect(unbounded).toEqual([]);
  });
});
