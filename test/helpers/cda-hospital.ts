/**
 * Hospital-shaped CDA R2 documents for the reader's tests, written for this project after the
 * ANS examples of `ansforge/TestContenuCDA-3-0` (ExemplesCDA/DOC_NON_STRUCTURE_CDA-R2-N1.xml,
 * LDL-SES_2022.01.xml): a non-structured N1 document (IHE XDS-SD) with its PDF in base64, in UTF-8
 * or ISO-8859-1, optionally replacing an earlier version. Fictional patient (INS key computed with
 * `withCheckKey`), practitioners (RPPS starting 999) and establishment (FINESS 699990016).
 */
import { randomBytes } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";

export const FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "cda");
export const otherProducerLdlSes = (): string =>
  readFileSync(path.join(FIXTURES, "ldl-ses-other-producer.xml"), "utf8");

export const PATIENT = { ins: "285067512345639", family: "DUPRÉ", given: "LÉA ANNE", birth: "19850614" };

/**
 * A small but complete one-page PDF (header, catalog, pages, page, xref, trailer). `padBytes`
 * adds an unreferenced binary stream object of that length, as a hospital PDF's compressed
 * images and fonts make it larger (the benchmarks' ~100 KB documents).
 */
export function tinyPdf(label = "Compte rendu fictif", padBytes = 0): Buffer {
  const objs = [
    "<< /Type /Catalog /Pages 2 0 R >>",
    "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
    "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 100] /Contents 4 0 R >>",
  ];
  const stream = `BT /F1 12 Tf 10 50 Td (${label}) Tj ET`;
  objs.push(`<< /Length ${String(stream.length)} >>\nstream\n${stream}\nendstream`);
  if (padBytes > 0)
    objs.push(
      `<< /Length ${String(padBytes)} >>\nstream\n${randomBytes(padBytes).toString("latin1")}\nendstream`,
    );
  let out = "%PDF-1.4\n";
  const offsets: number[] = [];
  objs.forEach((o, i) => {
    offsets.push(out.length);
    out += `${String(i + 1)} 0 obj\n${o}\nendobj\n`;
  });
  const xref = out.length;
  out += `xref\n0 ${String(objs.length + 1)}\n0000000000 65535 f \n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n \n`;
  out += `trailer\n<< /Size ${String(objs.length + 1)} /Root 1 0 R >>\nstartxref\n${String(xref)}\n%%EOF\n`;
  return Buffer.from(out, "latin1");
}

export interface N1Options {
  readonly encoding?: "UTF-8" | "ISO-8859-1";
  readonly pdf?: Buffer;
  /** Plain text body instead of a PDF. */
  readonly text?: string;
  /**
   * The document's own `ClinicalDocument/id` (default root 1.2.250.1.999.1.2.3, extension `CR-1`,
   * or `CR-2` for a replacement); the API and MLLP read it as `root^extension`.
   */
  readonly id?: { readonly root?: string; readonly extension: string };
  /** A replacement (relatedDocument RPLC): the extension of the parent's id, under this document's root. */
  readonly replaces?: string;
  /** `versionNumber` (default 1, or 2 for a replacement); the `setId` stays `CR-SET-9`. */
  readonly version?: number;
  /** The RPPS of the `informationRecipient` (its IdNatPS `8` + RPPS; default a practitioner not in the demo CPTS). */
  readonly recipientRpps?: string;
  readonly ins?: string;
  readonly insOid?: string;
  /** Inserted right after the XML declaration (e.g. a DOCTYPE). */
  readonly prolog?: string;
}

export function n1Document(o: N1Options = {}): string {
  const body =
    o.text === undefined
      ? `<text mediaType="application/pdf" representation="B64">\n${(o.pdf ?? tinyPdf())
          .toString("base64")
          .replace(/.{76}/g, "$&\n")}\n</text>`
      : `<text mediaType="text/plain">${o.text}</text>`;
  const root = o.id?.root ?? "1.2.250.1.999.1.2.3";
  const version = o.version ?? (o.replaces === undefined ? 1 : 2);
  const related =
    o.replaces === undefined
      ? ""
      : `<relatedDocument typeCode="RPLC"><parentDocument><id root="${root}" extension="${o.replaces}"/>` +
        `<setId root="${root}" extension="CR-SET-9"/><versionNumber value="${String(version - 1)}"/></parentDocument></relatedDocument>`;
  return `<?xml version="1.0" encoding="${o.encoding ?? "UTF-8"}"?>${o.prolog ?? ""}
<ClinicalDocument xmlns="urn:hl7-org:v3" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <realmCode code="FR"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.8.2.1"/>
  <templateId root="1.2.250.1.213.1.1.1.1"/>
  <templateId root="1.3.6.1.4.1.19376.1.2.20"/>
  <id root="${root}" extension="${o.id?.extension ?? (o.replaces === undefined ? "CR-1" : "CR-2")}"/>
  <code code="11490-0" displayName="Lettre de liaison à la sortie d'un établissement de soins" codeSystem="2.16.840.1.113883.6.1"/>
  <title>Lettre de liaison à la sortie (PDF)</title>
  <effectiveTime value="20240315174500+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  <setId root="${root}" extension="CR-SET-9"/>
  <versionNumber value="${String(version)}"/>
  <recordTarget><patientRole>
    <id root="${o.insOid ?? "1.2.250.1.213.1.4.8"}" extension="${o.ins ?? PATIENT.ins}"/>
    <patient>
      <name><family qualifier="BR">${PATIENT.family}</family><given>${PATIENT.given}</given><given qualifier="BR">LÉA</given>
        <family qualifier="CL">${PATIENT.family}</family><given qualifier="CL">LÉA</given></name>
      <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/>
      <birthTime value="${PATIENT.birth}"/>
    </patient>
  </patientRole></recordTarget>
  <author><time value="20240315174500+0100"/><assignedAuthor>
    <id root="1.2.250.1.71.4.2.1" extension="899900123458"/>
    <assignedPerson><name><prefix>Dr</prefix><given>Hélène</given><family>Bérard</family></name></assignedPerson>
    <representedOrganization><id root="1.2.250.1.71.4.2.2" extension="1699990016"/><name>Centre hospitalier de Fictiville</name></representedOrganization>
  </assignedAuthor></author>
  <custodian><assignedCustodian><representedCustodianOrganization>
    <id root="1.2.250.1.71.4.2.2" extension="1699990016"/><name>Centre hospitalier de Fictiville</name>
  </representedCustodianOrganization></assignedCustodian></custodian>
  <informationRecipient><intendedRecipient><id root="1.2.250.1.71.4.2.1" extension="8${o.recipientRpps ?? "99900678907"}"/>
    <informationRecipient><name><given>Paul</given><family>Roux</family></name></informationRecipient></intendedRecipient></informationRecipient>
  <legalAuthenticator><time value="20240315180000+0100"/><signatureCode code="S"/><assignedEntity>
    <id root="1.2.250.1.71.4.2.1" extension="899900123458"/>
    <assignedPerson><name><given>Hélène</given><family>Bérard</family></name></assignedPerson>
  </assignedEntity></legalAuthenticator>
  ${related}
  <componentOf><encompassingEncounter><effectiveTime><low value="20240308"/><high value="20240315"/></effectiveTime>
    <location><healthCareFacility><code code="SA01" codeSystem="1.2.250.1.71.4.2.4"/>
      <serviceProviderOrganization><name>Cardiologie</name></serviceProviderOrganization></healthCareFacility></location>
  </encompassingEncounter></componentOf>
  <component><nonXMLBody>${body}</nonXMLBody></component>
</ClinicalDocument>
`;
}

/** The document's bytes in its declared encoding. */
export function encode(xml: string, encoding: "UTF-8" | "ISO-8859-1" = "UTF-8", bom = false): Buffer {
  const bytes = Buffer.from(xml, encoding === "UTF-8" ? "utf8" : "latin1");
  return bom ? Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), bytes]) : bytes;
}
