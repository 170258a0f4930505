/**
 * The hospital's own documents (CDA R2 or PDF) received over HL7 v2 MDM/ORU, the HTTP API or the
 * CLI: one contract every channel hands to the documents service.
 */
export { NO_FLAGS } from "./types.ts";
export type {
  DocumentChannel,
  DocumentContent,
  DocumentFlags,
  IncomingDocument,
  IncomingPatient,
  ReceivedDocument,
  RecipientHint,
  RoutedRecipient,
  RoutingSource,
} from "./types.ts";
