/**
 * FHIR R4 `application/fhir+json` → the intake contract: a DocumentReference with a contained
 * Patient and a document Bundle (Composition, Patient, Practitioner, Binary) — fixtures in
 * test/fixtures/fhir written after the FHIR R4 DocumentReference and Bundle examples and the ANS's
 * published DocumentReference instances (test/SOURCES.md) — with a PDF or a CDA R2 attached;
 * every bad input a 4xx naming the element, never its value.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { incomingFromFhir } from "../../../../src/api/index.ts";
import type { FormRegistry } from "../../../../src/forms/index.ts";
import { loadFormRegistry } from "../../../../src/forms/index.ts";
import { n1Document, PATIENT, tinyPdf } from "../../../helpers/cda-hospital.ts";
import { refused } from "./refused.ts";

type Json = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any -- test data edited in place
const FIXTURES = path.join(import.meta.dirname, "..", "..", "..", "fixtures", "fhir");
const load = (name: string): Json => JSON.parse(readFileSync(path.join(FIXTURES, name), "utf8")) as Json;
const docRef = () => load("document-reference-pdf.json");
const bundle = () => load("document-bundle-pdf.json");
const send = (v: unknown) => incomingFromFhir(forms, Buffer.from(JSON.stringify(v)));

let forms: FormRegistry;
beforeAll(async () => {
  forms = await loadFormRegistry();
});

describe("FHIR DocumentReference → IncomingDocument", () => {
  it("maps masterIdentifier, LOINC type, the INS with the contained Patient's traits, the author's RPPS, the PDF", () => {
    const dr = docRef();
    const d = send(dr);
    expect(d).toMatchObject({
      channel: "http",
      documentId: "urn:oid:1.2.250.1.999.1.2.3.77",
      typeCode: "11488-4",
      title: "CR consultation",
      patient: {
        ins: PATIENT.ins,
        insOid: "1.2.250.1.213.1.4.8",
        family: "DUPRÉ",
        given: "LÉA ANNE",
        birthDate: "1985-06-14",
        sex: "F",
      },
      authorRpps: "99900123458",
      recipients: [],
    });
    expect(
      d.content.kind === "pdf" &&
        Buffer.from(d.content.pdf).equals(Buffer.from(String(dr.content[0].attachment.data), "base64")),
    ).toBe(true);
  });

  it("keeps relatesTo replaces; without masterIdentifier the PDF's SHA-256 is the id", () => {
    const dr = docRef();
    dr.relatesTo = [
      { code: "replaces", target: { identifier: { value: "urn:oid:1.2.250.1.999.1.2.3.76" } } },
    ];
    expect(send(dr).replaces).toBe("urn:oid:1.2.250.1.999.1.2.3.76");
    delete dr.masterIdentifier;
    delete dr.contained;
    const d = send(dr);
    expect(d.documentId).toMatch(/^urn:sha256:[0-9a-f]{64}$/);
    expect(d.patient).toEqual({ ins: PATIENT.ins, insOid: "1.2.250.1.213.1.4.8" });
  });

  it("with a CDA R2 attached, the CDA's header is authoritative (its id); its INS must be the subject's", () => {
    const dr = docRef();
    dr.content[0].attachment = {
      contentType: "application/hl7-cda+xml",
      data: Buffer.from(n1Document()).toString("base64"),
    };
    const d = send(dr);
    expect(d.documentId).toBe("1.2.250.1.999.1.2.3^CR-1");
    expect(d.content.kind).toBe("cda");
    const other = docRef();
    other.content[0].attachment = {
      contentType: "application/xml",
      data: Buffer.from(n1Document({ ins: "248037511204721" })).toString("base64"),
    };
    refused(() => send(other), "VALIDATION_FAILED", "DocumentReference.content.0.attachment", [
      "248037511204721",
      PATIENT.ins,
    ]);
  });

  it("refuses each bad element with a 4xx naming it, never its value", () => {
    const badKey = `${PATIENT.ins.slice(0, 13)}00`;
    const cases: [(d: Json) => void, string, string | RegExp][] = [
      [
        (d) => (d.subject.identifier.value = badKey),
        "VALIDATION_FAILED",
        "DocumentReference.subject.identifier.value",
      ],
      [
        (d) => (d.subject.identifier.system = "urn:oid:1.2.250.1.999"),
        "VALIDATION_FAILED",
        "DocumentReference.subject.identifier",
      ],
      [(d) => delete d.subject, "VALIDATION_FAILED", /^DocumentReference/],
      [
        (d) => (d.type.coding = [{ system: "http://snomed.info/sct", code: "DUPRÉ" }]),
        "VALIDATION_FAILED",
        "DocumentReference.type.coding",
      ],
      [(d) => (d.status = "entered-in-error"), "VALIDATION_FAILED", "DocumentReference.status"],
      [(d) => (d.content = []), "VALIDATION_FAILED", "DocumentReference.content"],
      [
        (d) => (d.content[0].attachment.data = "DUPRÉ!!"),
        "VALIDATION_FAILED",
        "DocumentReference.content.0.attachment.data",
      ],
      [
        (d) => (d.content[0].attachment.contentType = "image/png"),
        "VALIDATION_FAILED",
        /^DocumentReference\.content\.0\.attachment/,
      ],
      [
        (d) => (d.content[0].attachment.data = Buffer.from("DUPRÉ, pas un PDF").toString("base64")),
        "VALIDATION_FAILED",
        "DocumentReference.content.0.attachment.data",
      ],
      [(d) => (d.resourceType = "Observation"), "VALIDATION_FAILED", "resourceType"],
    ];
    for (const [edit, code, p] of cases) {
      const d = docRef();
      edit(d);
      refused(() => send(d), code, p, [badKey, "DUPRÉ"]);
    }
    refused(() => incomingFromFhir(forms, Buffer.from('{"resourceType": "DUPRÉ')), "INVALID_JSON", "body", [
      "DUPRÉ",
    ]);
    refused(() => incomingFromFhir(forms, Buffer.from([0xff, 0xfe, 0x00])), "INVALID_JSON", "body");
    refused(() => send([docRef()]), "VALIDATION_FAILED", "resourceType");
  });
});

describe("FHIR document Bundle → IncomingDocument", () => {
  it("reads the Composition, resolves Patient and Practitioner by fullUrl, takes the Binary", () => {
    const d = send(bundle());
    expect(d).toMatchObject({
      documentId: "urn:uuid:5f0c2b8e-1d7a-4c1e-9a51-0c7b3e2f9d11",
      typeCode: "11490-0",
      title: "Lettre de liaison à la sortie",
      patient: {
        ins: PATIENT.ins,
        insOid: "1.2.250.1.213.1.4.8",
        family: "DUPRÉ",
        given: "LÉA ANNE",
        sex: "F",
      },
      authorRpps: "99900123458",
    });
    expect(
      d.content.kind === "pdf" &&
        Buffer.from(d.content.pdf).equals(tinyPdf("Compte rendu de consultation fictif")),
    ).toBe(true);
  });

  it("takes the Composition's identifier, relatesTo replaces, and a DocumentReference entry instead of a Binary", () => {
    const b = bundle();
    b.entry[0].resource.identifier = { value: "urn:oid:1.2.250.1.999.1.2.3.99" };
    b.entry[0].resource.relatesTo = [
      { code: "replaces", targetIdentifier: { value: "urn:oid:1.2.250.1.999.1.2.3.98" } },
    ];
    const binary = b.entry[3].resource;
    b.entry[3].resource = {
      resourceType: "DocumentReference",
      status: "current",
      content: [{ attachment: { contentType: "application/pdf", data: binary.data } }],
    };
    expect(send(b)).toMatchObject({
      documentId: "urn:oid:1.2.250.1.999.1.2.3.99",
      replaces: "urn:oid:1.2.250.1.999.1.2.3.98",
    });
  });

  it("refuses a Bundle that is not a document, does not start with its Composition, lacks the document or the INS", () => {
    const cases: [(b: Json) => void, string | RegExp][] = [
      [(b) => (b.type = "collection"), "Bundle.type"],
      [
        (b) => {
          (b.entry as unknown[]).reverse();
        },
        "Bundle.entry.0.resource",
      ],
      [
        (b) => {
          (b.entry as unknown[]).pop();
        },
        "Bundle.entry",
      ],
      [
        (b) =>
          (b.entry[1].resource.identifier = [{ system: "urn:oid:1.2.250.1.999.1.1", value: "IPP-DUPRÉ" }]),
        "Bundle.entry.0.resource.subject",
      ],
      [(b) => (b.entry[0].resource.type = { text: "DUPRÉ" }), "Bundle.entry.0.resource.type.coding"],
      [(b) => (b.entry[3].resource.data = "%%DUPRÉ"), "Bundle.entry.3.resource.data"],
      [
        (b) => {
          (b.entry as unknown[]).splice(1);
        },
        "Bundle.entry",
      ],
    ];
    for (const [edit, p] of cases) {
      const b = bundle();
      edit(b);
      refused(() => send(b), "VALIDATION_FAILED", p, ["DUPRÉ"]);
    }
  });
});
