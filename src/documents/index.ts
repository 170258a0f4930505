/**
 * The hospital's own documents (CDA R2 or PDF) received over HL7 v2 MDM/ORU, the HTTP API or the
 * CLI: one contract every channel hands to the documents service ({@link receiveDocument}), routing
 * that explains itself, the coordinators' queue « à orienter », and the {@link DocumentPdf} seam.
 * Domain code: no express, no matrix-js-sdk, no HL7 library.
 */
export { NO_FLAGS } from "./types.ts";
export type {
  DocumentContent,
  DocumentFlags,
  IncomingDocument,
  IncomingPatient,
  ReceivedDocument,
  RecipientHint,
  RoutingSource,
} from "./types.ts";
export { receiveDocument } from "./service.ts";
export type { DocumentDeps } from "./service.ts";
export { assignDocument, escalateToRoute, listToRoute } from "./queue.ts";
export type { ToRouteItem } from "./queue.ts";
export { documentPdf } from "./pdf.ts";
export type { DocumentPdf } from "./pdf.ts";
export { evidenceAsked } from "./deliver.ts";
export { DOCUMENT_MIGRATIONS } from "./migrations.ts";
