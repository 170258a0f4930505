/**
 * The HL7 v2 adapter for the hospital's documents (CI-SIS volet « Transmission de document(s) CDA
 * en HL7v2 » v2.1: MDM^T02/T10, ORU^R01): a parsed message becomes the documents service's
 * {@link IncomingDocument}, or a refusal naming segment and field.
 */
export { parseDocumentMessage } from "./parse.ts";
export type { DocumentParse } from "./parse.ts";
