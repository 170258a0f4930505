/**
 * FHIR R4 export of a transfer: a `Bundle` of type `document` — Composition (LOINC per
 * ANS CI-SIS LDL-SES / LDL-EES), Patient with the INS, Practitioner/PractitionerRole with the
 * IdNatPS, Organization with the FINESS (FR Core identifier systems), the signed PDF as a Binary
 * behind a DocumentReference, a tele-expertise request as a ServiceRequest with its Consent, and
 * the audit entries as AuditEvents (ANS "Traçabilité des événements"). Domain code: no express.
 */
export { transferBundle } from "./document.ts";
export type { FhirTransfer } from "./document.ts";
export { exportTransferFhir } from "./load.ts";
export { DOCUMENT_TYPE, SECTION_CODES } from "./sections.ts";
export { LIFECYCLE } from "./audit-events.ts";
export { requestStatus } from "./service-request.ts";
export { SYSTEM, nameUuid, insIdentifier, rppsIdentifier, finessIdentifier } from "./systems.ts";
export type * from "./types.ts";
