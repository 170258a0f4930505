/**
 * Reading a CDA R2 document as a hospital sends it (HL7 CDA R2, ANS CI-SIS « Modèles de contenus
 * CDA » common header): the document's identity and type, the patient with the INS, author, legal
 * authenticator, custodian, recipients, replaced document, encounter; the body (embedded PDF of a
 * non-structured N1 document, or sections as title + text); and, for the volets Passerelle writes
 * (LDL-SES, LDL-EES, TLM-DA, TLM-CR), the liaison sheet's fields.
 *
 * Any problem is a {@link PasserelleError} (`PAYLOAD_TOO_LARGE`, `XML_REFUSED`, `XML_MALFORMED`,
 * `CDA_INVALID`) whose issue names the XPath and the rule, never a value of the document.
 */
import { readBody, type CdaBody } from "./body.ts";
import { integer, readEncounter, relatedDocument, type CdaEncounter, type CdaRelated } from "./encounter.ts";
import {
  attr,
  cd,
  child,
  children,
  descend,
  HL7,
  ii,
  iiString,
  requiredIi,
  textOf,
  ts,
  type Coded,
} from "./dom.ts";
import {
  organization,
  participant,
  person,
  recipient,
  type CdaOrganization,
  type CdaParticipant,
  type CdaPerson,
  type CdaRecipient,
} from "./participants.ts";
import { readPatient, type CdaPatient } from "./patient.ts";
import { sheetFields, voletOf, type CdaVoletName, type SheetFields } from "./volets.ts";
import { parseXml, xmlError, type ParseLimits } from "./xml.ts";

export interface CdaReading {
  /** `root` or `root^extension`. */
  readonly id: string;
  readonly setId?: string;
  readonly versionNumber?: number;
  /** The document type: LOINC code and its display name. */
  readonly code: Coded;
  readonly title?: string;
  readonly effectiveTime?: string;
  readonly confidentiality?: string;
  readonly language?: string;
  readonly templateIds: readonly string[];
  /** The CI-SIS volet Passerelle knows by its templateId, if any. */
  readonly volet?: CdaVoletName;
  readonly patient: CdaPatient;
  readonly author: CdaPerson;
  readonly authors: readonly CdaPerson[];
  readonly legalAuthenticator?: CdaPerson;
  readonly custodian?: CdaOrganization;
  readonly recipients: readonly CdaRecipient[];
  /** Header participants (médecin traitant, referring professional…). */
  readonly participants: readonly CdaParticipant[];
  readonly related: readonly CdaRelated[];
  /** The id of the document this one replaces (relatedDocument RPLC). */
  readonly replaces?: string;
  readonly encounter?: CdaEncounter;
  readonly body: CdaBody;
  /** The liaison sheet's fields, for LDL-SES, LDL-EES, TLM-DA (best effort from the narrative). */
  readonly sheet?: SheetFields;
}

export function readCda(bytes: Uint8Array, limits: ParseLimits = {}): CdaReading {
  const doc = parseXml(bytes, limits);
  if (doc.ns !== HL7 || doc.local !== "ClinicalDocument") {
    throw xmlError(
      "CDA_INVALID",
      doc.path,
      "root element",
      "the root element is not a CDA R2 ClinicalDocument (urn:hl7-org:v3)",
      "l'élément racine n'est pas un ClinicalDocument CDA R2 (urn:hl7-org:v3)",
    );
  }
  const id = iiString(requiredIi(child(doc, "id"), "/ClinicalDocument/id"));
  const code = cd(child(doc, "code"));
  if (code === undefined) {
    throw xmlError(
      "CDA_INVALID",
      "/ClinicalDocument/code/@code",
      "required",
      "the document type code is missing",
      "le code du type de document manque",
    );
  }
  const setIdIi = ii(child(doc, "setId"));
  const versionNumber = integer(child(doc, "versionNumber"));
  const templateIds = children(doc, "templateId")
    .map((t) => attr(t, "root"))
    .filter((r): r is string => r !== undefined);
  const authors = children(doc, "author")
    .map((a) =>
      person(child(a, "assignedAuthor"), "assignedPerson", "representedOrganization", child(a, "time")),
    )
    .filter((p): p is CdaPerson => p !== undefined);
  const author = authors[0];
  if (author === undefined) {
    throw xmlError(
      "CDA_INVALID",
      "/ClinicalDocument/author/assignedAuthor",
      "required",
      "the document has no author",
      "le document n'a pas d'auteur",
    );
  }
  const legal = child(doc, "legalAuthenticator");
  const legalAuthenticator = person(
    child(legal, "assignedEntity"),
    "assignedPerson",
    "representedOrganization",
    child(legal, "time"),
  );
  const custodian = organization(
    descend(doc, "custodian", "assignedCustodian", "representedCustodianOrganization"),
  );
  const related = children(doc, "relatedDocument").flatMap((r) => relatedDocument(r));
  const replaces = related.find((r) => r.type === "RPLC")?.id;
  const encounter = readEncounter(descend(doc, "componentOf", "encompassingEncounter"));
  const title = textOf(child(doc, "title"));
  const effectiveTime = ts(child(doc, "effectiveTime"));
  const confidentiality = attr(child(doc, "confidentialityCode"), "code");
  const language = attr(child(doc, "languageCode"), "code");
  const patient = readPatient(doc);
  const body = readBody(doc);
  const volet = voletOf(templateIds, code.code);
  const sheet = volet === undefined ? undefined : sheetFields(volet, { doc, body, patient, encounter });
  return {
    id,
    ...(setIdIi === undefined ? {} : { setId: iiString(setIdIi) }),
    ...(versionNumber === undefined ? {} : { versionNumber }),
    code,
    ...(title === undefined ? {} : { title }),
    ...(effectiveTime === undefined ? {} : { effectiveTime }),
    ...(confidentiality === undefined ? {} : { confidentiality }),
    ...(language === undefined ? {} : { language }),
    templateIds,
    ...(volet === undefined ? {} : { volet }),
    patient,
    author,
    authors,
    ...(legalAuthenticator === undefined ? {} : { legalAuthenticator }),
    ...(custodian === undefined ? {} : { custodian }),
    recipients: children(doc, "informationRecipient")
      .map(recipient)
      .filter((r): r is CdaRecipient => r !== undefined),
    participants: children(doc, "participant")
      .map(participant)
      .filter((r): r is CdaParticipant => r !== undefined),
    related,
    ...(replaces === undefined ? {} : { replaces }),
    ...(encounter === undefined ? {} : { encounter }),
    body,
    ...(sheet === undefined ? {} : { sheet }),
  };
}
