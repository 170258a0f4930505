import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isPasserelleError } from "../../../src/core/index.ts";
import type { PasserelleError } from "../../../src/core/index.ts";
import {
  DEFAULT_FORMS_DIR,
  createFormRegistry,
  formJsonSchema,
  loadFormRegistry,
} from "../../../src/forms/index.ts";

async function definition(id: string): Promise<Record<string, unknown>> {
  return JSON.parse(await readFile(path.join(DEFAULT_FORMS_DIR, `${id}.v1.json`), "utf8")) as Record<
    string,
    unknown
  >;
}

function caught(f: () => unknown): PasserelleError {
  try {
    f();
  } catch (e) {
    if (isPasserelleError(e)) return e;
    throw e;
  }
  throw new Error("expected a PasserelleError");
}

describe("form registry", () => {
  it("loads the six definitions from liaison-forms/", async () => {
    const registry = await loadFormRegistry();
    expect(registry.forms.map((f) => `${f.id}@${f.version}`)).toEqual([
      "admission@1",
      "admission-notice@1",
      "discharge@1",
      "discharge-notice@1",
      "teleexpertise-answer@1",
      "teleexpertise-request@1",
    ]);
    for (const f of registry.forms) {
      expect(Object.isFrozen(f.sections)).toBe(true);
      expect(formJsonSchema(f)).toMatchObject({ type: "object", additionalProperties: false });
    }
  });

  it("resolves id@version, and a bare id to the latest version", async () => {
    const v1 = await definition("discharge");
    const v2 = { ...v1, version: 2 };
    const registry = createFormRegistry([
      { file: "discharge.v2.json", definition: v2 },
      { file: "discharge.v1.json", definition: v1 },
    ]);
    expect(registry.resolve("discharge@1").version).toBe(1);
    expect(registry.resolve("discharge").version).toBe(2);
  });

  it("answers UNKNOWN_FORM for an unknown id or version, without echoing odd input", async () => {
    const registry = await loadFormRegistry();
    for (const ref of ["discharge@9", "prescription@1", "Jean Dupont 1 48 03"]) {
      const e = caught(() => registry.resolve(ref));
      expect(e.code).toBe("UNKNOWN_FORM");
      expect(e.issues[0]).toMatchObject({ path: "form", rule: "unknownForm" });
    }
    expect(caught(() => registry.resolve("Jean Dupont 1 48 03")).message).not.toContain("Dupont");
  });

  it("rejects a definition with the file name and the path at fault", async () => {
    const def = await definition("discharge");
    const sections = def.sections as Record<string, unknown>[];
    const broken = structuredClone({ ...def, sections: [...sections] });
    const first = structuredClone(sections[0]!) as { fields: Record<string, unknown>[] };
    delete first.fields[0]!.maxLength;
    first.fields[1]!.colour = "red";
    first.fields[2]!.type = "toString";
    broken.sections = [first, ...sections.slice(1)];
    const e = caught(() => createFormRegistry([{ file: "discharge.v1.json", definition: broken }]));
    expect(e.code).toBe("FORM_DEFINITION_INVALID");
    expect(e.message).toContain("discharge.v1.json: sections.0.fields.0.maxLength");
    expect(e.issues.map((i) => i.path)).toEqual([
      "sections.0.fields.0.maxLength",
      "sections.0.fields.1.colour",
      "sections.0.fields.2.type",
    ]);
  });

  it("checks header paths, enum options, table columns, ids and the file name", async () => {
    const def = await definition("teleexpertise-request");
    const cases: [Record<string, unknown>, string][] = [
      [
        { ...def, header: { ...(def.header as object), patientBirthDate: "patient.lastName" } },
        "header.patientBirthDate",
      ],
      [{ ...def, header: { ...(def.header as object), issuer: "nowhere.name" } }, "header.issuer"],
      [{ ...def, id: "prescription" }, "id"],
      [{ ...def, version: 0 }, "version"],
      [{ ...def, sections: [] }, "sections"],
    ];
    for (const [broken, at] of cases) {
      const e = caught(() =>
        createFormRegistry([{ file: "teleexpertise-request.v1.json", definition: broken }]),
      );
      expect(e.issues.map((i) => i.path)).toContain(at);
    }
    const sections = structuredClone(def.sections) as { fields: Record<string, unknown>[] }[];
    sections[3]!.fields[3]!.options = [];
    sections[4]!.fields[0]!.columns = [
      { id: "x", type: "list", label: { fr: "x", en: "x" }, maxItems: 1, itemMaxLength: 1 },
    ];
    sections[5]!.fields.push(sections[5]!.fields[0]!);
    const e = caught(() =>
      createFormRegistry([{ file: "teleexpertise-request.v1.json", definition: { ...def, sections } }]),
    );
    expect(e.issues.map((i) => i.path)).toEqual([
      "sections.3.fields.3.options",
      "sections.4.fields.0.columns.0.type",
      "sections.5.fields.3.id",
    ]);
    const misnamed = caught(() => createFormRegistry([{ file: "request.json", definition: def }]));
    expect(misnamed.message).toContain("must be named teleexpertise-request.v1.json");
    const twice = caught(() =>
      createFormRegistry([
        { file: "teleexpertise-request.v1.json", definition: def },
        { file: "teleexpertise-request.v1.json", definition: structuredClone(def) },
      ]),
    );
    expect(twice.message).toContain("defined twice");
  });

  it("reports invalid JSON in a definition file with its position", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "passerelle-forms-"));
    await writeFile(path.join(dir, "admission.v1.json"), '{\n  "id": "admission",\n  "version": 1,,\n}');
    await expect(loadFormRegistry(dir)).rejects.toMatchObject({
      code: "FORM_DEFINITION_INVALID",
      message: "admission.v1.json: invalid JSON at line 3, column 16",
    });
  });
});
