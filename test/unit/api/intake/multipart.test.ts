/**
 * A PDF with its metadata as `multipart/form-data` → the intake contract: the parts `document`
 * (application/pdf) and `metadata` (application/json, schema DocumentMetadata of the served
 * document); every bad input a 4xx naming the part or field, never its value; any cut of a valid
 * body is refused cleanly (fast-check).
 */
import fc from "fast-check";
import { beforeAll, describe, expect, it } from "vitest";
import { incomingFromMultipart } from "../../../../src/api/index.ts";
import { PasserelleError } from "../../../../src/core/index.ts";
import type { FormRegistry } from "../../../../src/forms/index.ts";
import { loadFormRegistry } from "../../../../src/forms/index.ts";
import { PATIENT, tinyPdf } from "../../../helpers/cda-hospital.ts";
import { multipartBody, type TestPart } from "../../../helpers/multipart.ts";
import { refused } from "./refused.ts";

let forms: FormRegistry;
beforeAll(async () => {
  forms = await loadFormRegistry();
});

const METADATA = {
  documentId: "urn:oid:1.2.250.1.999.1.2.3.42",
  patient: {
    ins: PATIENT.ins,
    insOid: "1.2.250.1.213.1.4.8",
    family: "DUPRÉ",
    given: "LÉA ANNE",
    birthDate: "1985-06-14",
    sex: "F",
  },
  typeCode: "11490-0",
  title: "Lettre de liaison à la sortie",
  authorRpps: "99900123458",
  recipients: ["10101010105"],
  visitNumber: "V2026-0042",
};
const pdf = tinyPdf();
const parts = (metadata: unknown = METADATA, document: Uint8Array = pdf): TestPart[] => [
  { name: "metadata", type: "application/json", body: JSON.stringify(metadata) },
  { name: "document", type: "application/pdf", filename: "lettre.pdf", body: document },
];
const map = (ps: readonly TestPart[]) => {
  const { body, contentType } = multipartBody(ps);
  return incomingFromMultipart(forms, body, contentType);
};

describe("multipart PDF + metadata → IncomingDocument", () => {
  it("maps the metadata and keeps the PDF byte for byte", () => {
    const d = map(parts());
    expect(d).toMatchObject({
      channel: "http",
      documentId: METADATA.documentId,
      typeCode: "11490-0",
      title: METADATA.title,
      patient: METADATA.patient,
      authorRpps: "99900123458",
      visitNumber: "V2026-0042",
      recipients: [{ rpps: "10101010105" }],
    });
    expect(d.content.kind === "pdf" && Buffer.from(d.content.pdf).equals(pdf)).toBe(true);
  });

  it("without a documentId, the PDF's SHA-256 is the id: the same PDF twice is one document", () => {
    const { documentId: _gone, recipients: _none, ...rest } = METADATA;
    const a = map(parts(rest));
    const b = map([...parts(rest)].reverse()); // part order does not matter
    expect(a.documentId).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
    expect(b.documentId).toBe(a.documentId);
    expect(a.recipients).toEqual([]);
    expect(map(parts(rest, tinyPdf("autre"))).documentId).not.toBe(a.documentId);
  });

  it("accepts a quoted boundary and a preamble", () => {
    const { body } = multipartBody(parts(), "simple");
    const d = incomingFromMultipart(
      forms,
      Buffer.concat([Buffer.from("preamble\r\n"), body]),
      'multipart/form-data; boundary="simple"',
    );
    expect(d.documentId).toBe(METADATA.documentId);
  });

  it("refuses each bad part with a 4xx naming it, never its content", () => {
    const { body } = multipartBody(parts());
    refused(
      () => incomingFromMultipart(forms, body, "multipart/form-data"),
      "UNSUPPORTED_MEDIA_TYPE",
      "content-type",
    );
    refused(() => map(parts().slice(0, 1)), "VALIDATION_FAILED", "document");
    refused(() => map(parts().slice(1)), "VALIDATION_FAILED", "metadata");
    refused(() => map([...parts(), parts()[1] as TestPart]), "VALIDATION_FAILED", "document");
    refused(() => map([...parts(), { name: "SECRETNAME", body: "SECRETVALUE" }]), "VALIDATION_FAILED", "*", [
      "SECRETNAME",
      "SECRETVALUE",
    ]);
    refused(
      () => map([parts()[0] as TestPart, { name: "document", type: "text/plain", body: "DUPRÉ" }]),
      "UNSUPPORTED_MEDIA_TYPE",
      "document",
      ["DUPRÉ"],
    );
    refused(
      () => map(parts(METADATA, Buffer.from("DUPRÉ LÉA, not a pdf"))),
      "VALIDATION_FAILED",
      "document",
      ["DUPRÉ"],
    );
    refused(
      () =>
        map([
          { name: "metadata", type: "application/json", body: '{"patient": "DUPRÉ' },
          parts()[1] as TestPart,
        ]),
      "INVALID_JSON",
      "metadata",
      ["DUPRÉ"],
    );
    refused(
      () => map([{ name: "metadata", body: JSON.stringify(METADATA) }, parts()[1] as TestPart]),
      "UNSUPPORTED_MEDIA_TYPE",
      "metadata",
    );
  });

  it("refuses bad metadata naming the field: INS key, OID, LOINC, RPPS, unknown property, missing traits", () => {
    const badIns = `${PATIENT.ins.slice(0, 13)}00`;
    const cases: [unknown, string][] = [
      [{ ...METADATA, patient: { ...METADATA.patient, ins: badIns } }, "metadata.patient.ins"],
      [{ ...METADATA, patient: { ...METADATA.patient, insOid: "1.2.3" } }, "metadata.patient.insOid"],
      [{ ...METADATA, typeCode: "lettre" }, "metadata.typeCode"],
      [{ ...METADATA, recipients: ["12345"] }, "metadata.recipients.0"],
      [{ ...METADATA, recipients: [] }, "metadata.recipients"],
      [{ ...METADATA, authorRpps: "99900123459" }, "metadata.authorRpps"],
      [
        { ...METADATA, patient: { ins: PATIENT.ins, insOid: "1.2.250.1.213.1.4.8" } },
        "metadata.patient.family",
      ],
      [{ ...METADATA, documentId: "with space" }, "metadata.documentId"],
      [["DUPRÉ"], "metadata"],
    ];
    for (const [m, path] of cases)
      refused(() => map(parts(m)), "VALIDATION_FAILED", path, [badIns, "DUPRÉ", "with space"]);
    refused(() => map(parts({ ...METADATA, SECRETKEY: 1 })), "VALIDATION_FAILED", /^metadata/, ["SECRETKEY"]);
  });

  it("refuses every cut of a valid body with a PasserelleError (never another error)", () => {
    const { body, contentType } = multipartBody(parts());
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: body.length - 1 }),
        fc.integer({ min: 0, max: 40 }),
        (cut, drop) => {
          const broken = Buffer.concat([
            body.subarray(0, cut),
            body.subarray(Math.min(body.length, cut + drop)),
          ]);
          try {
            incomingFromMultipart(forms, broken, contentType);
          } catch (e) {
            expect(e).toBeInstanceOf(PasserelleError);
            expect((e as PasserelleError).httpStatus).toBeLessThan(500);
          }
        },
      ),
      { numRuns: 300, seed: 42 },
    );
  });
});
