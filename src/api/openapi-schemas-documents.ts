/**
 * JSON Schemas (2020-12) of the document intake (`POST /documents`) and the coordinator queue
 * « à orienter », merged into the OpenAPI document's components by `openapi-schemas.ts`:
 * the metadata part of a PDF sent as `multipart/form-data` (RFC 7578), the FHIR R4
 * `DocumentReference` and document `Bundle` (`application/fhir+json`) as far as the intake reads
 * them (other FHIR elements are allowed and ignored), the receipt, the queue and an assignment.
 */
import { identifierSchema } from "../forms/index.ts";
import { obj, rpps, str, time, type Schema } from "./openapi-parts.ts";

const text = (maxLength: number) => ({ type: "string", minLength: 1, maxLength, pattern: "\\S" }) as const;
/** A document id as producers write them (OID^extension, URN, UUID): printable ASCII, no space. */
const documentId = {
  type: "string",
  minLength: 1,
  maxLength: 200,
  pattern: "^[!-~]+$",
  description: "The document's own unique id (idempotency key): printable ASCII without spaces.",
} as const;
const day = { type: "string", format: "date", pattern: "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" } as const;
/** INS-NIR, INS-NIA, and the test and demonstration INS-NIR authorities (référentiel INS). */
export const INS_OIDS = [
  "1.2.250.1.213.1.4.8",
  "1.2.250.1.213.1.4.9",
  "1.2.250.1.213.1.4.10",
  "1.2.250.1.213.1.4.11",
] as const;
/** A LOINC code (number, hyphen, check digit). */
const loincCode = { type: "string", pattern: "^[0-9]{1,7}-[0-9]$", description: "LOINC code" } as const;
const recipients = {
  type: "array",
  items: rpps,
  minItems: 1,
  maxItems: 20,
  uniqueItems: true,
} as const;
const fhirIdentifier = obj({ system: { type: "string", maxLength: 200 }, value: text(200) }, ["value"], true);
const coding = obj({ system: str, code: str, display: str }, [], true);
const attachment = obj(
  {
    contentType: {
      type: "string",
      pattern: "^(application/pdf|application/hl7-cda\\+xml|application/xml|text/xml)(;.*)?$",
    },
    data: { type: "string", minLength: 1, description: "base64 (RFC 4648 §4)" },
    title: str,
  },
  ["contentType", "data"],
  true,
);

export const DOCUMENT_SCHEMAS = {
  DocumentMetadata: obj(
    {
      documentId,
      replaces: documentId,
      patient: obj(
        {
          ins: identifierSchema("ins"),
          insOid: { enum: [...INS_OIDS] },
          family: text(100),
          given: text(150),
          birthDate: day,
          sex: { enum: ["F", "M", "U"] },
        },
        ["ins", "insOid", "family", "given", "birthDate", "sex"],
      ),
      typeCode: loincCode,
      title: text(200),
      authorRpps: rpps,
      recipients,
      visitNumber: text(64),
    },
    ["patient", "typeCode"],
  ),
  FhirDocumentReference: {
    ...obj(
      {
        resourceType: { const: "DocumentReference" },
        status: { const: "current" },
        masterIdentifier: fhirIdentifier,
        subject: obj({ identifier: fhirIdentifier, reference: str }, ["identifier"], true),
        type: obj({ coding: { type: "array", minItems: 1, items: coding } }, ["coding"], true),
        author: {
          type: "array",
          items: obj({ identifier: fhirIdentifier, reference: str }, [], true),
        },
        relatesTo: {
          type: "array",
          items: obj(
            {
              code: { enum: ["replaces", "transforms", "signs", "appends"] },
              target: obj({ identifier: fhirIdentifier, reference: str }, [], true),
            },
            ["code", "target"],
            true,
          ),
        },
        content: {
          type: "array",
          minItems: 1,
          items: obj({ attachment }, ["attachment"], true),
        },
        contained: { type: "array", items: { type: "object" } },
      },
      ["resourceType", "status", "subject", "type", "content"],
      true,
    ),
    description:
      "FHIR R4 DocumentReference: subject.identifier the INS (urn:oid:1.2.250.1.213.1.4.8, .9 NIA), type.coding LOINC, author[].identifier the IdNatPS (urn:oid:1.2.250.1.71.4.2.1, 8 + RPPS), masterIdentifier the document id, relatesTo replaces, content[0].attachment a PDF or a CDA R2 in base64. A contained Patient gives the INS traits.",
  },
  FhirDocumentBundle: {
    ...obj(
      {
        resourceType: { const: "Bundle" },
        type: { const: "document" },
        identifier: fhirIdentifier,
        timestamp: str,
        entry: {
          type: "array",
          minItems: 2,
          maxItems: 100,
          items: obj(
            {
              fullUrl: str,
              resource: obj(
                { resourceType: { type: "string", pattern: "^[A-Z][A-Za-z]{1,63}$" } },
                ["resourceType"],
                true,
              ),
            },
            ["resource"],
            true,
          ),
        },
      },
      ["resourceType", "type", "entry"],
      true,
    ),
    description:
      "FHIR R4 document Bundle: the Composition first (identifier or Bundle.identifier the document id, type LOINC, subject the Patient with the INS, author the Practitioner with the IdNatPS), then the document as a Binary or a DocumentReference (PDF or CDA R2 in base64).",
  },
  DocumentReceipt: obj(
    {
      documentId: str,
      transferId: str,
      outcome: { enum: ["queued", "to_route", "masked"] },
      duplicate: { type: "boolean" },
      routing: {
        type: "array",
        items: obj(
          {
            rpps: str,
            source: { enum: ["message", "document", "stay", "circle", "coordinator"] },
            reason: str,
          },
          ["rpps", "source", "reason"],
        ),
      },
    },
    ["documentId", "outcome", "duplicate", "routing"],
  ),
  ToRouteList: obj(
    {
      items: {
        type: "array",
        items: obj(
          {
            ref: { type: "string", pattern: "^d[0-9a-f]{40}$", minLength: 41, maxLength: 41 },
            documentId: str,
            receivedAt: time,
            typeCode: str,
            title: str,
            patient: obj({ family: str, given: str, birthDate: str, sex: str }, []),
          },
          ["ref", "documentId", "receivedAt", "typeCode"],
        ),
      },
    },
    ["items"],
  ),
  AssignRequest: obj({ recipients }, ["recipients"]),
} as const satisfies Record<string, Schema>;
