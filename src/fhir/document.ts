/**
 * A transfer as a FHIR R4 document `Bundle` (FHIR R4 §3.3 "Documents"; ANS CI-SIS LDL-SES /
 * LDL-EES and the "Télé-expertise" guide; FR Core identifiers):
 * - first entry the `Composition` (LOINC type per form, one section per form section, the signed
 *   PDF, the tele-expertise request, the audit trail), then every resource it references;
 * - `Patient` (INS), `Practitioner`/`PractitionerRole` (IdNatPS), `Organization` (IdNatStruct);
 * - the signed PDF as a `Binary` behind a `DocumentReference` (SHA-1 in the attachment as FHIR
 *   wants, SHA-256 as an identifier, as in the audit trail);
 * - a tele-expertise request as a `ServiceRequest` with its `Consent`;
 * - the transfer's audit entries as `AuditEvent`s, observed by the hub `Device`.
 * Every fullUrl is a stable `urn:uuid`; every reference resolves inside the bundle.
 */
import { createHash } from "node:crypto";
import type { AuditEntry } from "../audit/index.ts";
import type { FormDefinition, SheetData } from "../forms/index.ts";
import type { Transfer } from "../transfers/index.ts";
import { addAuditEvents } from "./audit-events.ts";
import { EntryCollector } from "./entries.ts";
import { addParties } from "./parties.ts";
import { compositionSections, DOCUMENT_TYPE } from "./sections.ts";
import { addServiceRequest } from "./service-request.ts";
import { loinc, nameUuid, SYSTEM, urnUuid } from "./systems.ts";
import type {
  Binary,
  Bundle,
  Composition,
  CompositionSection,
  Device,
  DocumentReference,
  Reference,
} from "./types.ts";

/** What the export reads about one transfer. */
export interface FhirTransfer {
  readonly transfer: Transfer;
  readonly form: FormDefinition;
  /** The validated sheet data (the only place, with the PDF, that holds the patient's identity). */
  readonly data: SheetData;
  readonly pdf: Buffer;
  /** The transfer's audit entries in chain order. */
  readonly audit: readonly AuditEntry[];
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const COMPOSITION = "composition";

const ownSection = (code: string, title: string, div: string, entry: Reference[]): CompositionSection => ({
  title,
  code: { coding: [{ system: SYSTEM.formSection, code }], text: title },
  text: { status: "generated", div: `<div xmlns="http://www.w3.org/1999/xhtml">${div}</div>` },
  ...(entry.length === 0 ? {} : { entry }),
});

/** Maps a transfer to its FHIR R4 document bundle. Pure: the same input gives the same bundle. */
export function transferBundle(t: FhirTransfer): Bundle {
  const { transfer, form, data } = t;
  const c = new EntryCollector(transfer.id);
  c.add(COMPOSITION, () => ({ resourceType: "Composition" }) as Composition); // placeholder, replaced below
  const parties = addParties(c, form.id, data);
  const type = DOCUMENT_TYPE[form.id];
  const typeConcept = { coding: [loinc(type.code, type.display)], text: form.title.fr };
  const sheetIdentifier = UUID.test(transfer.sheetId)
    ? { system: SYSTEM.rfc3986, value: urnUuid(transfer.sheetId.toLowerCase()) }
    : { system: SYSTEM.sheet, value: transfer.sheetId };

  const binary = c.add("binary", (): Binary => ({
    resourceType: "Binary",
    contentType: "application/pdf",
    data: t.pdf.toString("base64"),
  }));
  const document = c.add("document-reference", (): DocumentReference => ({
    resourceType: "DocumentReference",
    masterIdentifier: sheetIdentifier,
    identifier: [
      { system: SYSTEM.transfer, value: transfer.id },
      { system: SYSTEM.pdfSha256, value: transfer.pdfSha256 },
    ],
    status: "current",
    docStatus: "final",
    type: typeConcept,
    subject: parties.patient,
    date: transfer.createdAt,
    author: [parties.author],
    ...(parties.custodian === undefined ? {} : { custodian: parties.custodian }),
    description: `${form.title.fr} (PDF signé PAdES B-B)`,
    securityLabel: [{ coding: [{ system: SYSTEM.confidentiality, code: "R", display: "restricted" }] }],
    content: [
      {
        attachment: {
          contentType: "application/pdf",
          url: binary.reference,
          size: t.pdf.length,
          hash: createHash("sha1").update(t.pdf).digest("base64"),
          title: `${form.id}.pdf`,
          creation: transfer.createdAt,
        },
        format: {
          system: SYSTEM.formatCode,
          code: "urn:ihe:iti:xds:2017:mimeTypeSufficient",
          display: "mimeType Sufficient",
        },
      },
    ],
  }));

  const extra: CompositionSection[] = [
    ownSection(
      "document.signed-pdf",
      "Document signé (PDF PAdES)",
      `<p>SHA-256 : ${transfer.pdfSha256}</p>`,
      [document],
    ),
  ];
  if (form.id === "teleexpertise-request" && parties.performer !== undefined) {
    const refs = addServiceRequest(c, data, {
      transferId: transfer.id,
      state: transfer.state,
      patient: parties.patient,
      requester: parties.author,
      performer: parties.performer,
      document,
    });
    extra.push(
      ownSection(
        "teleexpertise.service-request",
        "Demande de télé-expertise",
        "<p>Demande et consentement du patient</p>",
        refs,
      ),
    );
  }
  const hub = c.add("device:hub", (): Device => ({
    resourceType: "Device",
    deviceName: [{ name: "Passerelle", type: "user-friendly-name" }],
    type: { text: "Passerelle hub (messagerie sécurisée Matrix)" },
  }));
  const events = addAuditEvents(c, t.audit, { document, patient: parties.patient, hub });
  const lines = t.audit.map((e) => `<li>${e.time} ${e.action} (${e.outcome})</li>`).join("");
  extra.push(ownSection("audit.trail", "Traçabilité des événements", `<ul>${lines}</ul>`, [...events, hub]));

  const composition: Composition = {
    resourceType: "Composition",
    identifier: sheetIdentifier,
    status: "final",
    type: typeConcept,
    subject: parties.patient,
    date: transfer.createdAt,
    author: [parties.author],
    title: form.title.fr,
    confidentiality: "R",
    attester: [{ mode: "legal", time: transfer.createdAt, party: parties.author }],
    ...(parties.custodian === undefined ? {} : { custodian: parties.custodian }),
    section: [...compositionSections(form, data, parties.sectionEntries), ...extra],
  };
  const entries = c
    .entries([COMPOSITION])
    .map((e) => (e.fullUrl === c.urlOf(COMPOSITION) ? { ...e, resource: composition } : e));
  return {
    resourceType: "Bundle",
    identifier: {
      system: SYSTEM.rfc3986,
      value: urnUuid(nameUuid("passerelle-fhir-bundle", transfer.id, transfer.pdfSha256)),
    },
    type: "document",
    timestamp: transfer.createdAt,
    entry: entries,
  };
}
