/**
 * Identifier and code systems of the FHIR export, and the bundle's `urn:uuid` references.
 *
 * French identifiers (ANS "Annuaire Santé" and FR Core):
 * - INS-NIR: OID 1.2.250.1.213.1.4.8 (NIA .9);
 * - IdNatPS (RPPS "8" + number, ADELI "0" + number): OID 1.2.250.1.71.4.2.1;
 * - IdNatStruct (FINESS "1" + number): OID 1.2.250.1.71.4.2.2.
 */
import { createHash } from "node:crypto";
import type { CodeableConcept, Coding, Identifier } from "./types.ts";

export const SYSTEM = {
  insNir: "urn:oid:1.2.250.1.213.1.4.8",
  insNia: "urn:oid:1.2.250.1.213.1.4.9",
  idNatPs: "urn:oid:1.2.250.1.71.4.2.1",
  idNatStruct: "urn:oid:1.2.250.1.71.4.2.2",
  loinc: "http://loinc.org",
  rfc3986: "urn:ietf:rfc:3986",
  /** FR Core identifier types (INS-NIR, INS-NIA, IDNPS, IDNST). */
  frIdentifierType: "https://hl7.fr/ig/fhir/core/CodeSystem/fr-core-cs-v2-0203",
  /** HL7 v2 table 0203 (identifier type), for FHIR's own `PRN`. */
  v2IdentifierType: "http://terminology.hl7.org/CodeSystem/v2-0203",
  /** ISO 21089 record lifecycle events (AuditEvent type). */
  lifecycle: "http://terminology.hl7.org/CodeSystem/iso-21089-lifecycle",
  auditSourceType: "http://terminology.hl7.org/CodeSystem/security-source-type",
  participationType: "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
  objectRole: "http://terminology.hl7.org/CodeSystem/object-role",
  confidentiality: "http://terminology.hl7.org/CodeSystem/v3-Confidentiality",
  consentScope: "http://terminology.hl7.org/CodeSystem/consentscope",
  consentPolicy: "http://terminology.hl7.org/CodeSystem/v3-ActCode",
  formatCode: "http://ihe.net/fhir/ihe.formatcode.fhir/CodeSystem/formatcode",
  /** Passerelle's own codes: a form section, an audit action, the patient pseudonym, a Matrix id. */
  formSection: "urn:passerelle:fhir:form-section",
  auditAction: "urn:passerelle:fhir:audit-action",
  patientPseudonym: "urn:passerelle:fhir:patient-pseudonym",
  matrixUser: "urn:passerelle:fhir:matrix-user",
  actor: "urn:passerelle:fhir:actor",
  transfer: "urn:passerelle:fhir:transfer",
  pdfSha256: "urn:passerelle:fhir:pdf-sha256",
  sheet: "urn:passerelle:fhir:sheet",
  entityType: "http://terminology.hl7.org/CodeSystem/audit-entity-type",
} as const;

/** A name-based UUID (RFC 9562 v8 layout over SHA-256): the same transfer gives the same bundle. */
export function nameUuid(...parts: readonly string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x80; // version 8
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80; // variant 10
  const x = h.subarray(0, 16).toString("hex");
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const urnUuid = (uuid: string): string => `urn:uuid:${uuid}`;

const typeOf = (code: string, display: string): CodeableConcept => ({
  coding: [{ system: SYSTEM.frIdentifierType, code, display }],
});

/** An official identifier: its type (`code`, `display`), naming system and value. */
const official = (code: string, display: string, system: string, value: string): Identifier => ({
  use: "official",
  type: typeOf(code, display),
  system,
  value,
});

/** The patient's INS: NIR (first digit 1–4) or NIA (7–8, a temporary number). */
export function insIdentifier(ins: string): Identifier {
  const value = ins.replace(/[\s.-]/g, "").toUpperCase();
  return value.startsWith("7") || value.startsWith("8")
    ? official("INS-NIA", "NIA", SYSTEM.insNia, value)
    : official("INS-NIR", "NIR définitif", SYSTEM.insNir, value);
}

/** IdNatPS from an RPPS number: "8" + RPPS. */
export function rppsIdentifier(rpps: string): Identifier {
  return official("IDNPS", "Identifiant national de professionnel de santé", SYSTEM.idNatPs, `8${rpps}`);
}

/** IdNatPS from an ADELI number: "0" + ADELI. */
export function adeliIdentifier(adeli: string): Identifier {
  return { ...rppsIdentifier(adeli), value: `0${adeli}` };
}

/** IdNatStruct from a FINESS number: "1" + FINESS. */
export function finessIdentifier(finess: string): Identifier {
  return official("IDNST", "Identifiant national de structure", SYSTEM.idNatStruct, `1${finess}`);
}

export const loinc = (code: string, display: string): Coding => ({ system: SYSTEM.loinc, code, display });
