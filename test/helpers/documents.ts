/**
 * Hospital documents for the documents service's tests: a CDA R2 N1 document written for this
 * project after the ANS examples (`ansforge/TestContenuCDA-3-0`, DOC_NON_STRUCTURE_CDA-R2-N1.xml)
 * with the header parts routing reads — `informationRecipient` (a person: `8` + RPPS under
 * 1.2.250.1.71.4.2.1; or an organisation whose id has RPPS-like digits under 1.2.250.1.71.4.2.2),
 * `participant` (médecin traitant, functionCode PCP), version links (setId, versionNumber,
 * relatedDocument RPLC) — and an {@link IncomingDocument} around it. Fictional patient,
 * practitioners and establishment (FINESS 699990016).
 */
import type { IncomingDocument } from "../../src/documents/index.ts";
import { NO_FLAGS } from "../../src/documents/index.ts";
import { PATIENT, tinyPdf } from "./cda-hospital.ts";

export interface DocOptions {
  readonly id: string;
  readonly ins?: string;
  readonly setId?: string;
  readonly version?: number;
  readonly replaces?: string;
  readonly code?: string;
  readonly title?: string;
  /** Persons named as information recipients (RPPS). */
  readonly recipients?: readonly string[];
  /** Organisations named as recipients, with RPPS-like digits in their id. */
  readonly orgRecipients?: readonly string[];
  /** Participants (médecin traitant) by RPPS. */
  readonly participants?: readonly string[];
  /** The encounter's id (the visit number) in the CDA header. */
  readonly encounterId?: string;
}

const ROOT = "1.2.250.1.999.1.2.3";

export function documentCda(o: DocOptions): Buffer {
  const rcpt = (o.recipients ?? [])
    .map(
      (r) =>
        `<informationRecipient typeCode="PRCP"><intendedRecipient><id root="1.2.250.1.71.4.2.1" extension="8${r}"/>` +
        `<informationRecipient><name><given>Paul</given><family>Roux</family></name></informationRecipient></intendedRecipient></informationRecipient>`,
    )
    .join("\n");
  const orgs = (o.orgRecipients ?? [])
    .map(
      (r) =>
        `<informationRecipient typeCode="PRCP"><intendedRecipient><id root="1.2.250.1.71.4.2.2" extension="8${r}"/>` +
        `<receivedOrganization><id root="1.2.250.1.71.4.2.1" extension="8${r}"/><name>Cabinet médical des Tilleuls</name></receivedOrganization></intendedRecipient></informationRecipient>`,
    )
    .join("\n");
  const parts = (o.participants ?? [])
    .map(
      (r) =>
        `<participant typeCode="INF"><functionCode code="PCP" codeSystem="2.16.840.1.113883.5.88"/><time nullFlavor="UNK"/>` +
        `<associatedEntity classCode="PROV"><id root="1.2.250.1.71.4.2.1" extension="8${r}"/>` +
        `<associatedPerson><name><given>Marc</given><family>Petit</family></name></associatedPerson></associatedEntity></participant>`,
    )
    .join("\n");
  const related =
    o.replaces === undefined
      ? ""
      : `<relatedDocument typeCode="RPLC"><parentDocument><id root="${ROOT}" extension="${o.replaces}"/></parentDocument></relatedDocument>`;
  const version =
    o.setId === undefined
      ? ""
      : `<setId root="${ROOT}" extension="${o.setId}"/><versionNumber value="${String(o.version ?? 1)}"/>`;
  const xml = `<?xml version="1.0" encoding="UTF-8"?>
<ClinicalDocument xmlns="urn:hl7-org:v3">
  <realmCode code="FR"/>
  <typeId root="2.16.840.1.113883.1.3" extension="POCD_HD000040"/>
  <templateId root="2.16.840.1.113883.2.8.2.1"/>
  <templateId root="1.2.250.1.213.1.1.1.1"/>
  <id root="${ROOT}" extension="${o.id}"/>
  <code code="${o.code ?? "11490-0"}" codeSystem="2.16.840.1.113883.6.1"/>
  <title>${o.title ?? "Lettre de liaison à la sortie"}</title>
  <effectiveTime value="20260309174500+0100"/>
  <confidentialityCode code="N" codeSystem="2.16.840.1.113883.5.25"/>
  <languageCode code="fr-FR"/>
  ${version}
  <recordTarget><patientRole>
    <id root="1.2.250.1.213.1.4.8" extension="${o.ins ?? PATIENT.ins}"/>
    <patient><name><family qualifier="BR">MARCHAL</family><given>Odette</given></name>
      <administrativeGenderCode code="F" codeSystem="2.16.840.1.113883.5.1"/><birthTime value="19480312"/></patient>
  </patientRole></recordTarget>
  <author><time value="20260309174500+0100"/><assignedAuthor>
    <id root="1.2.250.1.71.4.2.1" extension="899900123458"/>
    <assignedPerson><name><given>Hélène</given><family>Bérard</family></name></assignedPerson>
  </assignedAuthor></author>
  <custodian><assignedCustodian><representedCustodianOrganization>
    <id root="1.2.250.1.71.4.2.2" extension="1699990016"/><name>Centre hospitalier de Valmont</name>
  </representedCustodianOrganization></assignedCustodian></custodian>
  ${rcpt}
  ${orgs}
  ${parts}
  ${related}
  <componentOf><encompassingEncounter>${o.encounterId === undefined ? "" : `<id root="1.2.250.1.999.9.2" extension="${o.encounterId}"/>`}<effectiveTime><low value="20260302"/><high value="20260309"/></effectiveTime>
    <location><healthCareFacility><serviceProviderOrganization><name>Gériatrie</name></serviceProviderOrganization></healthCareFacility></location>
  </encompassingEncounter></componentOf>
  <component><nonXMLBody><text mediaType="application/pdf" representation="B64">${tinyPdf().toString("base64")}</text></nonXMLBody></component>
</ClinicalDocument>
`;
  return Buffer.from(xml, "utf8");
}

/** An incoming CDA document as a channel hands it over. */
export function incomingCda(
  o: DocOptions & { readonly to?: readonly string[] } & Partial<
      Pick<IncomingDocument, "flags" | "visitNumber" | "cancellation">
    >,
): IncomingDocument {
  return {
    channel: "mllp",
    documentId: `${ROOT}^${o.id}`,
    typeCode: o.code ?? "11490-0",
    patient: { ins: o.ins ?? PATIENT.ins, insOid: "1.2.250.1.213.1.4.8" },
    recipients: (o.to ?? []).map((rpps) => ({ rpps })),
    flags: o.flags ?? NO_FLAGS,
    ...(o.visitNumber === undefined ? {} : { visitNumber: o.visitNumber }),
    ...(o.cancellation === undefined ? {} : { cancellation: o.cancellation }),
    content: { kind: "cda", cda: documentCda(o) },
  };
}

export { ROOT as DOC_ROOT, tinyPdf };
