/**
 * The FHIR export and the CDA of the same stored transfer say the same thing (FHIR R4 Composition
 * mappings to CDA R2): Composition.type = ClinicalDocument/code, Composition.identifier =
 * ClinicalDocument/setId, the Patient's INS = recordTarget/patientRole/id, the author's IdNatPS =
 * author/assignedAuthor/id. The CDA is read back with xmllint (XPath), not with our writer.
 */
import { execFileSync } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../src/core/index.ts";
import type { Bundle, Patient, Practitioner, PractitionerRole } from "../../../src/fhir/index.ts";
import { exportTransferFhir, SYSTEM } from "../../../src/fhir/index.ts";
import type { FormKind } from "../../../src/forms/index.ts";
import { transferCda } from "../../../src/transfers/index.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture, type TransferFixture } from "../../helpers/transfers-fixture.ts";
import { ofType, resolve } from "../../helpers/fhir-bundle-checks.ts";
import { createOneOfEach, KINDS } from "./transfers.ts";

let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
const pairs = new Map<FormKind, { bundle: Bundle; cdaFile: string }>();

beforeAll(async () => {
  tmp = await tempDir("passerelle-fhir-cda-");
  f = await openFixture(tmp.dir, { clock: fixedClock("2026-03-02T08:00:00Z") });
  const { ids } = await createOneOfEach(f);
  for (const kind of KINDS) {
    const id = ids.get(kind)!;
    const cdaFile = path.join(tmp.dir, `${kind}.xml`);
    writeFileSync(cdaFile, (await transferCda(f.db.knex, f.deps.forms, id)).xml);
    pairs.set(kind, { bundle: await exportTransferFhir(f.db.knex, f.deps.forms, id), cdaFile });
  }
}, 120_000);
afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});

/** `string(XPATH)` over the CDA by xmllint; steps are matched by local name (the hl7 namespace). */
function xpath(file: string, expr: string): string {
  const local = expr.replace(/\/([A-Za-z]+)/g, "/*[local-name()='$1']");
  return execFileSync("xmllint", ["--nonet", "--xpath", `string(${local})`, file], {
    encoding: "utf8",
  }).replace(/\n$/, "");
}

const oid = (system: string | undefined): string => (system ?? "").replace(/^urn:oid:/, "");

describe.each(KINDS)("%s: FHIR and CDA agree", (kind) => {
  it("on the document type (LOINC) and the document identifier (setId)", () => {
    const { bundle, cdaFile } = pairs.get(kind)!;
    const [composition] = ofType(bundle, "Composition");
    expect(xpath(cdaFile, "/ClinicalDocument/code/@codeSystem")).toBe("2.16.840.1.113883.6.1");
    expect(composition?.type.coding?.[0]).toMatchObject({
      system: SYSTEM.loinc,
      code: xpath(cdaFile, "/ClinicalDocument/code/@code"),
    });
    const setId = xpath(cdaFile, "/ClinicalDocument/setId/@root");
    expect(setId).toMatch(/^[0-9A-F-]{36}$/);
    expect(composition?.identifier).toEqual({
      system: SYSTEM.rfc3986,
      value: `urn:uuid:${setId.toLowerCase()}`,
    });
  });

  it("on the patient's INS (OID and value) and the author's IdNatPS (8 + RPPS)", () => {
    const { bundle, cdaFile } = pairs.get(kind)!;
    const [composition] = ofType(bundle, "Composition");
    const patient = resolve(bundle, composition?.subject?.reference) as Patient | undefined;
    const ins = patient?.identifier?.find((i) => i.system?.startsWith("urn:oid:1.2.250.1.213.1.4."));
    const cdaIns = "/ClinicalDocument/recordTarget/patientRole/id";
    expect(oid(ins?.system)).toBe(xpath(cdaFile, `${cdaIns}/@root`));
    expect(ins?.value).toBe(xpath(cdaFile, `${cdaIns}/@extension`));
    expect(ins?.value).toMatch(/^\d{5}(\d{2}|2A|2B)\d{8}$/); // NIR, Corsican départements 2A/2B

    const role = resolve(bundle, composition?.author[0]?.reference) as PractitionerRole | undefined;
    const practitioner = resolve(bundle, role?.practitioner?.reference) as Practitioner | undefined;
    const idNatPs = practitioner?.identifier?.find((i) => i.system === SYSTEM.idNatPs);
    const cdaAuthor = "/ClinicalDocument/author/assignedAuthor/id";
    expect(oid(idNatPs?.system)).toBe(xpath(cdaFile, `${cdaAuthor}/@root`));
    expect(idNatPs?.value).toBe(xpath(cdaFile, `${cdaAuthor}/@extension`));
    expect(idNatPs?.value).toMatch(/^8\d{11}$/);
    // The legal authenticator is the same professional (FHIR: the legal attester).
    expect(xpath(cdaFile, "/ClinicalDocument/legalAuthenticator/assignedEntity/id/@extension")).toBe(
      idNatPs?.value,
    );
    expect(composition?.attester?.[0]?.party?.reference).toBe(composition?.author[0]?.reference);
  });
});
