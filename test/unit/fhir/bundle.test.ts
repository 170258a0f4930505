/** FHIR R4 export of stored transfers (every form), on sqlite: structure, identifiers, codes, PDF, audit. */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../src/core/index.ts";
import type { FormKind } from "../../../src/forms/index.ts";
import type { Bundle } from "../../../src/fhir/index.ts";
import { exportTransferFhir, SYSTEM } from "../../../src/fhir/index.ts";
import { recordDelivery } from "../../../src/transfers/evidence/receipts.ts";
import { TransferRepository } from "../../../src/transfers/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture, type TransferFixture } from "../../helpers/transfers-fixture.ts";
import { createOneOfEach, KINDS } from "./transfers.ts";
import { bundleProblems, ofType, resolve, xhtmlProblems } from "../../helpers/fhir-bundle-checks.ts";

const clock = fixedClock("2026-03-02T08:00:00Z");
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let rpps: string[];
const ids = new Map<FormKind, string>();
const bundles = new Map<FormKind, Bundle>();

beforeAll(async () => {
  tmp = await tempDir("passerelle-fhir-unit-");
  f = await openFixture(tmp.dir, { clock });
  const made = await createOneOfEach(f);
  rpps = [made.recipient];
  for (const [kind, id] of made.ids) ids.set(kind, id);
  const discharge = ids.get("discharge")!;
  await recordDelivery(f.deps, { transferId: discharge }, "@alice:test", clock.now(), "$delivered1");
  for (const kind of KINDS)
    bundles.set(kind, await exportTransferFhir(f.db.knex, f.deps.forms, ids.get(kind)!));
}, 120_000);
afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});

const bundle = (k: FormKind): Bundle => bundles.get(k)!;

describe.each(KINDS)("%s bundle", (kind) => {
  it("is a document whose references all resolve and whose entries all hang off the Composition", () => {
    expect(bundleProblems(bundle(kind))).toEqual([]);
    expect(bundle(kind).identifier?.system).toBe(SYSTEM.rfc3986);
    expect(bundle(kind).timestamp).toBe("2026-03-02T08:00:00.000Z");
  });

  it("has well-formed XHTML narratives in every section", () => {
    const [comp] = ofType(bundle(kind), "Composition");
    for (const s of comp?.section ?? []) expect(xhtmlProblems(s.text?.div ?? "")).toEqual([]);
  });

  it("carries the Patient with the INS and the signed PDF as a Binary behind a DocumentReference", async () => {
    const sheet = exampleSheet(kind);
    const [patient] = ofType(bundle(kind), "Patient");
    expect(patient?.identifier).toEqual([
      expect.objectContaining({ system: "urn:oid:1.2.250.1.213.1.4.8", value: sheet.data.patient?.ins }),
    ]);
    expect(patient?.birthDate).toBe(sheet.data.patient?.birthDate);
    const stored = await new TransferRepository(f.db.knex).payload(ids.get(kind)!);
    const [doc] = ofType(bundle(kind), "DocumentReference");
    const att = doc?.content[0]?.attachment;
    const bin = resolve(bundle(kind), att?.url);
    expect(bin?.resourceType).toBe("Binary");
    const pdf = Buffer.from(bin?.resourceType === "Binary" ? (bin.data ?? "") : "", "base64");
    expect(pdf.equals(stored!.pdf)).toBe(true);
    expect(att?.hash).toBe(createHash("sha1").update(pdf).digest("base64"));
    expect(att?.size).toBe(pdf.length);
    expect(doc?.identifier).toContainEqual({
      system: SYSTEM.pdfSha256,
      value: createHash("sha256").update(pdf).digest("hex"),
    });
  });

  it("maps every audit entry of the transfer to an AuditEvent, without patient data", async () => {
    const rows = (await f.db.knex("audit_entries").where("transfer_id", ids.get(kind)!).orderBy("seq")) as {
      action: string;
      time: string;
      hash: string;
    }[];
    const events = ofType(bundle(kind), "AuditEvent");
    expect(events.map((e) => e.subtype?.[0]?.code)).toEqual(rows.map((r) => r.action));
    expect(events.map((e) => e.recorded)).toEqual(rows.map((r) => r.time));
    expect(events.map((e) => e.entity?.at(-1)?.detail?.find((d) => d.type === "hash")?.valueString)).toEqual(
      rows.map((r) => r.hash),
    );
    const text = JSON.stringify(events);
    const p = exampleSheet(kind).data.patient!;
    for (const v of [p.ins, p.lastName, p.birthDate]) expect(text).not.toContain(String(v));
  });
});

describe("discharge letter", () => {
  it("is typed LOINC 11490-0 with the LDL-SES section codes, authored by the hospital doctor (IdNatPS) for the FINESS establishment", () => {
    const b = bundle("discharge");
    const [comp] = ofType(b, "Composition");
    expect(comp?.type.coding?.[0]).toMatchObject({ system: "http://loinc.org", code: "11490-0" });
    const codes = (comp?.section ?? []).flatMap(
      (s) => s.code?.coding?.filter((c) => c.system === SYSTEM.loinc).map((c) => c.code) ?? [],
    );
    expect(codes).toEqual(expect.arrayContaining(["42349-1", "10183-2", "18776-5"]));
    const author = resolve(b, comp?.author[0]?.reference);
    expect(author?.resourceType).toBe("PractitionerRole");
    const doctor =
      author?.resourceType === "PractitionerRole" ? resolve(b, author.practitioner?.reference) : undefined;
    const rppsDoc = (exampleSheet("discharge").data.practitioners?.hospitalDoctor as { rpps: string }).rpps;
    expect(doctor?.resourceType === "Practitioner" ? doctor.identifier : []).toContainEqual(
      expect.objectContaining({ system: "urn:oid:1.2.250.1.71.4.2.1", value: `8${rppsDoc}` }),
    );
    const custodian = resolve(b, comp?.custodian?.reference);
    expect(custodian?.resourceType === "Organization" ? custodian.identifier : []).toEqual([
      expect.objectContaining({ system: "urn:oid:1.2.250.1.71.4.2.2", value: "1699990016" }),
    ]);
    const unit =
      author?.resourceType === "PractitionerRole" ? resolve(b, author.organization?.reference) : undefined;
    expect(unit?.resourceType === "Organization" ? unit.partOf?.reference : undefined).toBe(
      comp?.custodian?.reference,
    );
  });

  it("names the recipient member as agent of the delivery event", () => {
    const delivered = ofType(bundle("discharge"), "AuditEvent").find(
      (e) => e.subtype?.[0]?.code === "transfer.delivered",
    );
    expect(delivered?.agent.map((a) => a.who?.identifier?.value ?? a.who?.reference)).toContain(
      `8${rpps[0]!}`,
    );
    expect(delivered?.entity?.at(-1)?.detail).toContainEqual({
      type: "matrixEvent",
      valueString: "$delivered1",
    });
  });

  it("is the same bundle on every export", async () => {
    const again = await exportTransferFhir(f.db.knex, f.deps.forms, ids.get("discharge")!);
    expect(again).toEqual(bundle("discharge"));
  });

  it("refuses an unknown transfer with NOT_FOUND", async () => {
    await expect(exportTransferFhir(f.db.knex, f.deps.forms, "no-such-transfer-1")).rejects.toMatchObject({
      code: "NOT_FOUND",
    });
  });
});

describe("tele-expertise request", () => {
  it("is a ServiceRequest (intent proposal, active) from the requester to the expert, with the recorded consent", () => {
    const b = bundle("teleexpertise-request");
    const [sr] = ofType(b, "ServiceRequest");
    expect(sr).toMatchObject({ intent: "proposal", status: "active", priority: "urgent" });
    expect(sr?.identifier?.[0]?.value).toBe(ids.get("teleexpertise-request"));
    const requester = resolve(b, sr?.requester?.reference);
    const performer = resolve(b, sr?.performer?.[0]?.reference);
    expect([requester?.resourceType, performer?.resourceType]).toEqual([
      "PractitionerRole",
      "PractitionerRole",
    ]);
    expect(performer?.resourceType === "PractitionerRole" ? performer.specialty?.[0]?.text : "").toBe(
      "Dermatologie",
    );
    expect(resolve(b, sr?.subject.reference)?.resourceType).toBe("Patient");
    const consent = (sr?.supportingInfo ?? [])
      .map((r) => resolve(b, r.reference))
      .find((r) => r?.resourceType === "Consent");
    expect(consent).toMatchObject({ status: "active", dateTime: "2026-03-02" });
  });
});

describe("the structural checks themselves", () => {
  it("catch a dangling reference, a non-uuid fullUrl, an unreachable entry and bad XHTML", () => {
    const b = structuredClone(bundle("discharge"));
    const entries = b.entry ?? [];
    const comp = entries[0]?.resource;
    if (comp?.resourceType === "Composition")
      comp.author = [{ reference: "urn:uuid:00000000-0000-8000-8000-000000000000" }];
    entries.push({ fullUrl: "Patient/1", resource: { resourceType: "Patient" } });
    entries.push({
      fullUrl: "urn:uuid:00000000-0000-8000-8000-000000000001",
      resource: { resourceType: "Patient" },
    });
    const problems = bundleProblems(b).join("\n");
    expect(problems).toContain("dangling urn:uuid:00000000-0000-8000-8000-000000000000");
    expect(problems).toContain("fullUrl Patient/1");
    expect(problems).toContain("unreachable Patient");
    expect(xhtmlProblems('<div xmlns="http://www.w3.org/1999/xhtml"><p>a & b</div>')).toHaveLength(3);
  });
});
