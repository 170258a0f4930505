/**
 * The HTTP intake's adapters: a request body (CDA R2, multipart PDF + metadata, FHIR R4) → the
 * contract every channel hands to the documents service (src/documents).
 */
export { incomingFromCda } from "./cda.ts";
export { incomingFromFhir } from "./fhir.ts";
export { boundaryOf, incomingFromMultipart, parseMultipart } from "./multipart.ts";
export { documentRefs, type DocumentRefs } from "./refs.ts";
