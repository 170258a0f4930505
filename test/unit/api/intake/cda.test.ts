/**
 * A CDA R2 posted to `POST /documents` → the intake contract: the hospital-shaped N1 document and
 * the "other producer" LDL-SES (test/fixtures/cda, after the ANS examples of
 * ansforge/TestContenuCDA-3-0), and Passerelle's own LDL-SES; every refusal names the XPath.
 */
import { describe, expect, it } from "vitest";
import { incomingFromCda } from "../../../../src/api/index.ts";
import { encode, n1Document, otherProducerLdlSes, PATIENT, tinyPdf } from "../../../helpers/cda-hospital.ts";
import { refused } from "./refused.ts";

const bytes = (xml: string) => encode(xml);

describe("CDA R2 → IncomingDocument", () => {
  it("reads the N1 document: id, version, LOINC type, INS and traits, author RPPS; bytes kept", () => {
    const xml = bytes(n1Document());
    const d = incomingFromCda(xml);
    expect(d).toMatchObject({
      channel: "http",
      documentId: "1.2.250.1.999.1.2.3^CR-1",
      setId: "1.2.250.1.999.1.2.3^CR-SET-9",
      versionNumber: 1,
      typeCode: "11490-0",
      title: "Lettre de liaison à la sortie (PDF)",
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
    expect(d.replaces).toBeUndefined();
    expect(d.content.kind).toBe("cda");
    expect(d.content.kind === "cda" && Buffer.from(d.content.cda).equals(xml)).toBe(true);
  });

  it("keeps the replaced document (relatedDocument RPLC), in ISO-8859-1 too, and the NIA authority", () => {
    const d = incomingFromCda(encode(n1Document({ replaces: "CR-1", encoding: "ISO-8859-1" }), "ISO-8859-1"));
    expect(d).toMatchObject({
      documentId: "1.2.250.1.999.1.2.3^CR-2",
      replaces: "1.2.250.1.999.1.2.3^CR-1",
      versionNumber: 2,
    });
    expect(d.patient.family).toBe("DUPRÉ");
    const nia = incomingFromCda(bytes(n1Document({ insOid: "1.2.250.1.213.1.4.9" })));
    expect(nia.patient.insOid).toBe("1.2.250.1.213.1.4.9");
  });

  it("reads another producer's LDL-SES (prefixes, comments, CDATA, attribute order)", () => {
    const d = incomingFromCda(bytes(otherProducerLdlSes()));
    expect(d.typeCode).toBe("11490-0");
    expect(d.patient.ins).toMatch(/^[0-9]{15}$/);
    expect(d.documentId.length).toBeGreaterThan(5);
  });

  it("refuses hostile or broken XML naming the XPath, never a value", () => {
    refused(
      () => incomingFromCda(bytes(n1Document({ prolog: '<!DOCTYPE x [<!ENTITY e "boom">]>' }))),
      "XML_REFUSED",
      /.*/,
      ["boom"],
    );
    const xml = n1Document();
    refused(() => incomingFromCda(bytes(xml.slice(0, xml.length / 2))), "XML_MALFORMED", /.*/);
    refused(() => incomingFromCda(bytes("<html><body>DUPRÉ</body></html>")), "CDA_INVALID", /^\//, ["DUPRÉ"]);
    refused(() => incomingFromCda(tinyPdf()), "XML_MALFORMED", /.*/);
  });

  it("refuses a document without an INS, with a wrong INS key, or a non-LOINC type — naming the XPath", () => {
    refused(
      () => incomingFromCda(bytes(n1Document({ insOid: "1.2.250.1.999.1.1" }))),
      "CDA_INVALID",
      "/ClinicalDocument/recordTarget/patientRole/id",
      [PATIENT.ins],
    );
    const badKey = `${PATIENT.ins.slice(0, 13)}${PATIENT.ins.endsWith("00") ? "01" : "00"}`;
    refused(
      () => incomingFromCda(bytes(n1Document({ ins: badKey }))),
      "CDA_INVALID",
      /recordTarget\/patientRole\/id/,
      [badKey],
    );
    const snomed = n1Document().replace(
      'codeSystem="2.16.840.1.113883.6.1"',
      'codeSystem="2.16.840.1.113883.6.96"',
    );
    refused(() => incomingFromCda(bytes(snomed)), "CDA_INVALID", "/ClinicalDocument/code/@codeSystem", [
      "11490-0",
    ]);
    const noId = n1Document().replace(/<id root="1\.2\.250\.1\.999\.1\.2\.3" extension="CR-1"\/>/, "");
    refused(() => incomingFromCda(bytes(noId)), "CDA_INVALID", /\/ClinicalDocument\/id/);
  });
});
