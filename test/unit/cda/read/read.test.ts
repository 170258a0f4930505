import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { readCda, readingJson } from "../../../../src/cda/read/index.ts";
import { isPasserelleError, type PasserelleError } from "../../../../src/core/index.ts";
import { encode, n1Document, otherProducerLdlSes, PATIENT, tinyPdf } from "../../../helpers/cda-hospital.ts";

const fail = (f: () => unknown): PasserelleError => {
  try {
    f();
  } catch (e) {
    if (isPasserelleError(e)) return e;
    throw e;
  }
  throw new Error("expected a PasserelleError");
};

describe("readCda: non-structured N1 document", () => {
  it("reads the header and the embedded PDF (bytes and sha256)", () => {
    const pdf = tinyPdf();
    const r = readCda(encode(n1Document({ pdf })));
    expect(r.id).toBe("1.2.250.1.999.1.2.3^CR-1");
    expect(r.setId).toBe("1.2.250.1.999.1.2.3^CR-SET-9");
    expect(r.versionNumber).toBe(1);
    expect(r.code).toMatchObject({ code: "11490-0", system: "2.16.840.1.113883.6.1" });
    expect(r.effectiveTime).toBe("2024-03-15T17:45:00+01:00");
    expect(r.patient).toMatchObject({
      ins: PATIENT.ins,
      insOid: "1.2.250.1.213.1.4.8",
      insKind: "INS-NIR",
      family: "DUPRÉ",
      given: "LÉA ANNE",
      firstGiven: "LÉA",
      birthDate: "1985-06-14",
      sex: "F",
    });
    expect(r.author).toMatchObject({
      id: "899900123458",
      rpps: "99900123458",
      name: "Dr Hélène Bérard",
      structure: { id: "1699990016", finess: "699990016", name: "Centre hospitalier de Fictiville" },
    });
    expect(r.legalAuthenticator).toMatchObject({ rpps: "99900123458", time: "2024-03-15T18:00:00+01:00" });
    expect(r.custodian).toEqual({
      id: "1699990016",
      finess: "699990016",
      name: "Centre hospitalier de Fictiville",
    });
    expect(r.recipients).toEqual([
      expect.objectContaining({ type: "PRCP", rpps: "99900678907", name: "Paul Roux" }),
    ]);
    expect(r.encounter).toMatchObject({ start: "2024-03-08", end: "2024-03-15", unit: "Cardiologie" });
    expect(r.volet).toBeUndefined();
    if (r.body.kind !== "nonXML") throw new Error("expected a nonXMLBody");
    expect(r.body.embedded.mediaType).toBe("application/pdf");
    expect(Buffer.compare(r.body.embedded.bytes, pdf)).toBe(0);
    expect(r.body.embedded.sha256).toBe(createHash("sha256").update(pdf).digest("hex"));
    const json = readingJson(r);
    expect(json.pdf).toEqual({
      mediaType: "application/pdf",
      sha256: r.body.embedded.sha256,
      bytes: pdf.length,
    });
    expect(json.replaces).toBeNull();
  });

  it("reads a replacement (relatedDocument RPLC) and its version", () => {
    const r = readCda(encode(n1Document({ replaces: "CR-1" })));
    expect(r.replaces).toBe("1.2.250.1.999.1.2.3^CR-1");
    expect(r.related).toEqual([
      {
        type: "RPLC",
        id: "1.2.250.1.999.1.2.3^CR-1",
        setId: "1.2.250.1.999.1.2.3^CR-SET-9",
        versionNumber: 1,
      },
    ]);
    expect(r.versionNumber).toBe(2);
  });

  it("reads a plain-text N1 body", () => {
    const r = readCda(encode(n1Document({ text: "Compte rendu en texte." })));
    if (r.body.kind !== "nonXML") throw new Error("expected a nonXMLBody");
    expect(r.body.embedded.mediaType).toBe("text/plain");
    expect(r.body.embedded.bytes.toString("utf8")).toBe("Compte rendu en texte.");
    expect(readingJson(r).attachment).toBeDefined();
  });

  it("decodes ISO-8859-1 as declared, and UTF-8 with or without a byte-order mark, to the same reading", () => {
    const latin1 = encode(n1Document({ encoding: "ISO-8859-1" }), "ISO-8859-1");
    expect(latin1.includes(Buffer.from("DUPRÉ", "utf8"))).toBe(false); // really Latin-1 bytes
    const utf8 = readCda(encode(n1Document()));
    for (const bytes of [latin1, encode(n1Document(), "UTF-8", true)]) {
      const r = readCda(bytes);
      expect(r.patient).toEqual(utf8.patient);
      expect(r.author.name).toBe("Dr Hélène Bérard");
    }
  });

  it("decodes UTF-16 (little- and big-endian) by its byte-order mark", () => {
    const xml = n1Document().replace('encoding="UTF-8"', 'encoding="UTF-16"');
    const le = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(xml, "utf16le")]);
    const be = Buffer.from(le);
    be.swap16();
    for (const bytes of [le, be]) expect(readCda(bytes).patient.family).toBe("DUPRÉ");
  });

  it("refuses Latin-1 bytes declared as UTF-8, naming the rule", () => {
    const e = fail(() => readCda(encode(n1Document({ encoding: "UTF-8" }), "ISO-8859-1")));
    expect(e.code).toBe("XML_MALFORMED");
    expect(e.issues[0]).toMatchObject({ path: "/", rule: "encoding" });
  });

  it("reads an authoring device as the author", () => {
    const xml = n1Document().replace(
      /<assignedPerson><name><prefix>Dr<\/prefix>[\s\S]*?<\/assignedPerson>/,
      "<assignedAuthoringDevice><manufacturerModelName>M-2</manufacturerModelName><softwareName>DPI Fictif</softwareName></assignedAuthoringDevice>",
    );
    const r = readCda(encode(xml));
    expect(r.author.device).toBe("DPI Fictif, M-2");
    expect(r.author.name).toBeUndefined();
  });

  it("reads a three-digit time-zone offset (+100) as +01:00", () => {
    const r = readCda(encode(n1Document().replace('"20240315180000+0100"', '"20240315180000+100"')));
    expect(r.legalAuthenticator?.time).toBe("2024-03-15T18:00:00+01:00");
  });

  it("accepts the test INS OID and reports its kind", () => {
    const r = readCda(encode(n1Document({ insOid: "1.2.250.1.213.1.4.10" })));
    expect(r.patient).toMatchObject({ ins: PATIENT.ins, insKind: "INS-NIR test" });
  });
});

describe("readCda: errors name the XPath and the rule, never a value", () => {
  it("a wrong INS key", () => {
    const bad = PATIENT.ins.slice(0, 13) + "00";
    const e = fail(() => readCda(encode(n1Document({ ins: bad }))));
    expect(e.code).toBe("CDA_INVALID");
    expect(e.message).toBe(
      "/ClinicalDocument/recordTarget/patientRole/id[@root='1.2.250.1.213.1.4.8']: INS check key",
    );
    expect(e.issues[0]?.rule).toBe("INS check key");
    expect(JSON.stringify({ m: e.message, i: e.issues })).not.toContain(bad.slice(0, 13));
  });

  it("a malformed timestamp, a PDF that is not one, bad base64, a missing patient", () => {
    const ts = fail(() => readCda(encode(n1Document().replace('value="19850614"', 'value="1985-06-14"'))));
    expect(ts.issues[0]).toMatchObject({
      rule: "TS format",
      path: "/ClinicalDocument/recordTarget/patientRole/patient/birthTime/@value",
    });
    const notPdf = fail(() => readCda(encode(n1Document({ pdf: Buffer.from("GIF89a not a pdf") }))));
    expect(notPdf.issues[0]).toMatchObject({
      rule: "PDF header",
      path: "/ClinicalDocument/component/nonXMLBody/text",
    });
    const b64 = fail(() =>
      readCda(encode(n1Document().replace(/representation="B64">\n/, 'representation="B64">*'))),
    );
    expect(b64.issues[0]?.rule).toBe("base64");
    const noPatient = fail(() =>
      readCda(encode(n1Document().replace(/<recordTarget>[\s\S]*<\/recordTarget>/, ""))),
    );
    expect(noPatient.issues[0]).toMatchObject({ rule: "required", path: "/ClinicalDocument/recordTarget" });
    const notCda = fail(() =>
      readCda(encode('<?xml version="1.0"?><html xmlns="http://www.w3.org/1999/xhtml"/>')),
    );
    expect(notCda.issues[0]?.rule).toBe("root element");
  });
});

describe("readCda: structured LDL-SES from another producer", () => {
  const r = readCda(encode(otherProducerLdlSes()));

  it("reads the header whatever the prefix, the order of optional elements and the whitespace", () => {
    expect(r.volet).toBe("LDL-SES");
    expect(r.id).toBe("1.2.250.1.999.1.2.3^DLS-2024-000123");
    expect(r.title).toBe("Lettre de liaison à la sortie");
    expect(r.versionNumber).toBe(2);
    expect(r.replaces).toBe("1.2.250.1.999.1.2.3^DLS-2024-000100");
    expect(r.patient).toMatchObject({
      ins: PATIENT.ins,
      family: "Dupré",
      usedFamily: "Martin-Dupré",
      given: "Léa Anne",
      usedGiven: "Léa",
      otherIds: ["1.2.250.1.999.1.1^IPP000777"],
    });
    expect(r.encounter).toMatchObject({
      start: "2024-03-08",
      end: "2024-03-15",
      unit: "Médecine interne — unité 3B",
      facility: { finess: "699990016" },
    });
    expect(r.recipients.map((x) => [x.type, x.rpps, x.name])).toEqual([
      ["PRCP", "99900678907", "Dr Paul Roux"],
      ["TRC", "99900246804", "Nadia Benali"],
    ]);
    expect(r.recipients[1]?.structure?.name).toBe("Cabinet infirmier des Tilleuls");
  });

  it("flattens the narrative (CDATA, br, lists, tables, inline markup) and keeps sub-sections and entries", () => {
    if (r.body.kind !== "structured") throw new Error("expected a structuredBody");
    const [reason, synthesis, treatments, local] = r.body.sections;
    expect(reason?.text).toBe("Décompensation cardiaque globale");
    expect(synthesis?.text).toBe(
      [
        "Évolution favorable sous diurétiques.",
        "Poids de sortie : 71 kg.",
        "Événements",
        "1. Hypokaliémie corrigée",
        "2. Aucune BMR",
        "Examen | Résultat",
        "NT-proBNP | 1 250 ng/L",
      ].join("\n"),
    );
    expect(synthesis?.entries).toEqual([
      {
        code: expect.objectContaining({ code: "ORG-070" }),
        value: "183452005",
        valueCode: expect.objectContaining({ code: "183452005" }),
      },
      { code: expect.objectContaining({ code: "MED-145" }), value: "false" },
    ]);
    expect(treatments?.text).toBe("Furosémide 40 mg | 1 cp le matin");
    expect(local).toMatchObject({ title: "Section propre à l'établissement", text: "Texte libre." });
    expect(local?.sections[0]).toMatchObject({ title: "Sous-section", text: "Détail." });
  });

  it("fills the sheet fields it can find (header and the reason's text)", () => {
    expect(r.sheet?.form).toBe("discharge");
    expect(r.sheet?.data).toMatchObject({
      patient: {
        lastName: "Martin-Dupré",
        birthName: "Dupré",
        firstNames: "Léa Anne",
        ins: PATIENT.ins,
        sex: "F",
      },
      establishment: {
        name: "Centre hospitalier de Fictiville",
        finess: "699990016",
        unit: "Médecine interne — unité 3B",
      },
      practitioners: { hospitalDoctor: { name: "Dr Hélène Bérard", rpps: "99900123458" } },
      stay: { admissionDate: "2024-03-08", dischargeDate: "2024-03-15" },
      reason: { text: "Décompensation cardiaque globale" },
      recipients: { writtenAt: "2024-03-15T17:45:00+01:00" },
    });
  });

  it("reads the same document declared and encoded in ISO-8859-1", () => {
    const xml = otherProducerLdlSes().replace('encoding="UTF-8"', 'encoding="ISO-8859-1"').replace("—", "-");
    const latin = readCda(encode(xml, "ISO-8859-1"));
    expect(latin.patient).toEqual(r.patient);
    expect(latin.encounter?.unit).toBe("Médecine interne - unité 3B");
  });
});
