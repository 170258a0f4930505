/** The structured sheet event and the transport's input and output types. */
import type { EncryptedFile } from "./attachment.ts";

/** Event type of the structured sheet event (namespaced, per spec §7.1 "Types of room events"). */
export const SHEET_EVENT_TYPE = "fr.passerelle.sheet";

/** Content of a {@link SHEET_EVENT_TYPE} event; always sent encrypted. */
export interface SheetEventContent {
  readonly version: 1;
  readonly sheet_id: string;
  readonly kind: string;
  /** Form id and version, e.g. `discharge@1`. */
  readonly form: string;
  /** Hex SHA-256 of the signed PDF (plaintext). */
  readonly pdf_sha256: string;
  /** The encrypted PDF attachment, as in the `m.file` event. */
  readonly file: EncryptedFile;
  readonly filename: string;
  /** The validated sheet data (JSON). */
  readonly data: unknown;
}

/** One sheet to deliver. `transferId` makes the sends idempotent (it seeds the transaction ids). */
export interface OutgoingSheet {
  readonly transferId: string;
  readonly sheetId: string;
  readonly kind: string;
  readonly form: string;
  readonly pdf: Uint8Array;
  readonly data: unknown;
  /** Short French text for humans; sent encrypted. */
  readonly summaryFr: string;
}

export interface SentSheet {
  readonly fileEventId: string;
  readonly sheetEventId: string;
  readonly textEventId: string;
  readonly pdfSha256: string;
  readonly contentUri: string;
}
