import { describe, expect, it } from "vitest";
import { validateSheet } from "../../../src/forms/index.ts";
import { example, failure, issuesOf, obj, registry } from "./helpers.ts";
import type { Sheet } from "./helpers.ts";

describe("examples", () => {
  it.each(["admission", "discharge", "teleexpertise-request", "teleexpertise-answer"])(
    "%s validates and comes back deeply frozen",
    (id) => {
      const sheet = validateSheet(example(id), registry);
      expect(sheet.ref).toBe(`${id}@1`);
      expect(sheet.form.id).toBe(id);
      expect(Object.isFrozen(sheet.data)).toBe(true);
      expect(Object.isFrozen(sheet.data.patient)).toBe(true);
    },
  );

  it("the discharge example is long enough for a multi-page letter", () => {
    const d = example("discharge").data;
    expect((obj(d, "treatments").atDischarge as unknown[]).length).toBeGreaterThanOrEqual(8);
    expect((obj(d, "synthesis").summary as string).split("\n\n").length).toBeGreaterThanOrEqual(4);
  });

  it("accepts a bare form id as its latest version and copies the data", () => {
    const input = example("discharge");
    const sheet = validateSheet({ ...input, form: "discharge" }, registry);
    expect(sheet.ref).toBe("discharge@1");
    obj(input.data, "patient").lastName = "CHANGED";
    expect(obj(sheet.data, "patient").lastName).toBe("MARCHAL");
  });
});

describe("rejections: path and rule", () => {
  const cases: [string, string, (s: Sheet) => void, { path: string; rule: string }][] = [
    [
      "discharge",
      "wrong INS key",
      (s) => (obj(s.data, "patient").ins = "248037511204722"),
      { path: "data.patient.ins", rule: "ins.key" },
    ],
    [
      "discharge",
      "short RPPS",
      (s) => (obj(s.data, "practitioners.hospitalDoctor").rpps = "9990000101"),
      { path: "data.practitioners.hospitalDoctor.rpps", rule: "rpps.length" },
    ],
    [
      "discharge",
      "letter in FINESS",
      (s) => (obj(s.data, "establishment").finess = "69999O016"),
      { path: "data.establishment.finess", rule: "finess.charset" },
    ],
    [
      "discharge",
      "text too long",
      (s) => (obj(s.data, "treatments.atDischarge.3").dosage = "x".repeat(61)),
      { path: "data.treatments.atDischarge.3.dosage", rule: "maxLength" },
    ],
    [
      "discharge",
      "missing field",
      (s) => delete obj(s.data, "reason").text,
      { path: "data.reason.text", rule: "required" },
    ],
    ["discharge", "missing section", (s) => delete s.data.stay, { path: "data.stay", rule: "required" }],
    [
      "discharge",
      "empty required text",
      (s) => (obj(s.data, "establishment").unit = ""),
      { path: "data.establishment.unit", rule: "required" },
    ],
    [
      "discharge",
      "missing table cell",
      (s) => delete obj(s.data, "treatments.atDischarge.0").posology,
      { path: "data.treatments.atDischarge.0.posology", rule: "required" },
    ],
    [
      "discharge",
      "wrong type",
      (s) => (obj(s.data, "synthesis").transfusion = "non"),
      { path: "data.synthesis.transfusion", rule: "type" },
    ],
    [
      "discharge",
      "value outside the enum",
      (s) => (obj(s.data, "treatments.atDischarge.0").status = "paused"),
      { path: "data.treatments.atDischarge.0.status", rule: "enum" },
    ],
    [
      "discharge",
      "French date",
      (s) => (obj(s.data, "stay").dischargeDate = "16/01/2026"),
      { path: "data.stay.dischargeDate", rule: "format" },
    ],
    [
      "discharge",
      "impossible date",
      (s) => (obj(s.data, "stay").admissionDate = "2026-02-30"),
      { path: "data.stay.admissionDate", rule: "format" },
    ],
    [
      "discharge",
      "date-time without offset",
      (s) => (obj(s.data, "recipients").writtenAt = "2026-01-16T15:40:00"),
      { path: "data.recipients.writtenAt", rule: "format" },
    ],
    [
      "discharge",
      "phone that is not one",
      (s) => (obj(s.data, "contact").phone = "poste 3110"),
      { path: "data.contact.phone", rule: "format" },
    ],
    [
      "discharge",
      "too many list items",
      (s) => (obj(s.data, "devices").items = Array.from({ length: 21 }, () => "x")),
      { path: "data.devices.items", rule: "maxItems" },
    ],
    [
      "discharge",
      "unknown field",
      (s) => (obj(s.data, "patient").nickname = "Dédette"),
      { path: "data.patient.*", rule: "additionalProperties" },
    ],
    [
      "discharge",
      "unknown section",
      (s) => (s.data.billing = {}),
      { path: "data.*", rule: "additionalProperties" },
    ],
    [
      "admission",
      "integer above maximum",
      (s) => (obj(s.data, "autonomy").gir = 7),
      { path: "data.autonomy.gir", rule: "maximum" },
    ],
    [
      "admission",
      "wrong ADELI key",
      (s) => (obj(s.data, "sender").adeli = "449311373"),
      { path: "data.sender.adeli", rule: "adeli.key" },
    ],
    [
      "teleexpertise-request",
      "consent not recorded",
      (s) => (obj(s.data, "consent").recorded = false),
      { path: "data.consent.recorded", rule: "mustBeTrue" },
    ],
    [
      "teleexpertise-answer",
      "null value",
      (s) => (obj(s.data, "answer").consultationNeeded = null),
      { path: "data.answer.consultationNeeded", rule: "type" },
    ],
  ];
  it.each(cases)("%s: %s", (id, _what, mutate, expected) => {
    const sheet = example(id);
    mutate(sheet);
    const e = failure(sheet);
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.httpStatus).toBe(422);
    expect(issuesOf(sheet)).toEqual([expected]);
  });

  it("reports every problem at once, one issue per value", () => {
    const sheet = example("discharge");
    obj(sheet.data, "patient").ins = "24803751120472";
    obj(sheet.data, "treatments.atDischarge.9").status = 3;
    delete obj(sheet.data, "contact").phone;
    expect(issuesOf(sheet)).toEqual([
      { path: "data.patient.ins", rule: "ins.length" },
      { path: "data.treatments.atDischarge.9.status", rule: "type" },
      { path: "data.contact.phone", rule: "required" },
    ]);
  });

  it("rejects a missing or unknown form, a non-object, extra top-level keys", () => {
    expect(issuesOf({ data: {} })).toEqual([{ path: "form", rule: "required" }]);
    expect(issuesOf({ form: 1, data: {} })).toEqual([{ path: "form", rule: "type" }]);
    expect(issuesOf([])).toEqual([{ path: "", rule: "type" }]);
    expect(failure({ form: "prescription@1", data: {} }).code).toBe("UNKNOWN_FORM");
    expect(issuesOf({ ...example("teleexpertise-answer"), signature: "x" })).toEqual([
      { path: "*", rule: "additionalProperties" },
    ]);
    expect(issuesOf({ form: "discharge@1" })).toEqual([{ path: "data", rule: "required" }]);
  });
});
