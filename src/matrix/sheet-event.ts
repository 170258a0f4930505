/**
 * The sheet message and the transport's input and output types.
 *
 * A sheet is ONE `m.room.message` of msgtype `m.file` (client-server API §11.3.6.1 "m.file"),
 * always encrypted: the PDF as an `EncryptedFile`, a caption (`body` differs from `filename`, the
 * media captions of spec v1.10), and the structured data under the namespaced content key
 * {@link SHEET_KEY} (spec §7.1 "Namespacing": keys of an unspecified content use Java-package
 * naming). Sheets sent before were three events: a custom `fr.passerelle.sheet` event, an `m.file`
 * and an `m.text` naming it ({@link LegacySheetEventContent}); they are still recognised.
 */
import type { EncryptedFile } from "./attachment.ts";

/** Content key of the structured sheet data within the `m.file` message. */
export const SHEET_KEY = "fr.passerelle.sheet";
/** Event type of the structured sheet event of the earlier three-event sheets (same name as the key). */
export const SHEET_EVENT_TYPE = "fr.passerelle.sheet";

/** The structured part of a sheet message ({@link SHEET_KEY}). */
export interface SheetData {
  readonly version: 2;
  readonly sheet_id: string;
  readonly kind: string;
  /** Form id and version, e.g. `discharge@1`. */
  readonly form: string;
  /** Hex SHA-256 of the signed PDF (plaintext). */
  readonly pdf_sha256: string;
  /** The transfer's short human reference, e.g. `LDL-7K3Q-2FX`. */
  readonly reference: string;
  /** The validated sheet data (JSON). */
  readonly data: unknown;
}

/** Content of a sheet message (sent encrypted). */
export interface SheetMessageContent {
  readonly msgtype: "m.file";
  /** The caption (differs from `filename`). */
  readonly body: string;
  readonly format?: "org.matrix.custom.html";
  readonly formatted_body?: string;
  readonly filename: string;
  readonly info: { readonly mimetype: "application/pdf"; readonly size: number };
  readonly file: EncryptedFile;
  readonly [SHEET_KEY]: SheetData;
  readonly "m.relates_to"?: { readonly "m.in_reply_to": { readonly event_id: string } };
  /** On a re-send: the original sheet message, so that `!ack` on the re-send acknowledges the original. */
  readonly "fr.passerelle.sheet_event_id"?: string;
}

/** Content of a {@link SHEET_EVENT_TYPE} event of the earlier three-event sheets. */
export interface LegacySheetEventContent {
  readonly version: 1;
  readonly sheet_id: string;
  readonly kind: string;
  readonly form: string;
  readonly pdf_sha256: string;
  readonly file: EncryptedFile;
  readonly filename: string;
  readonly data: unknown;
}

/** One sheet to deliver. `transferId` makes the send idempotent (it seeds the transaction id). */
export interface OutgoingSheet {
  readonly transferId: string;
  readonly sheetId: string;
  readonly kind: string;
  readonly form: string;
  readonly reference: string;
  readonly pdf: Uint8Array;
  readonly data: unknown;
  /** Caption for humans, plain text and HTML; sent encrypted. */
  readonly caption: { readonly body: string; readonly html?: string };
  /** Attachment file name (ASCII); sent encrypted. */
  readonly filename: string;
  /**
   * The earlier sheet's event this one concerns (a withdrawal, a replacement, an answer), asked for
   * when the room's turn comes (the earlier sheet may have just been posted): the message replies to it.
   */
  readonly replyTo?: () => Promise<string | undefined>;
  /**
   * A re-send of a sheet already posted (`!renvoyer`): its own transaction id (`resendId`, one per
   * request), a reply to the original message, which the content also names (`SHEET_REF_KEY`).
   */
  readonly resend?: { readonly resendId: string; readonly originalEventId: string };
}

export interface SentSheet {
  /** The sheet message's event id. */
  readonly eventId: string;
  readonly pdfSha256: string;
  readonly contentUri: string;
}

/**
 * A sheet ready to post: its room checked (encrypted, only the expected members, the local view
 * caught up) and its PDF encrypted and uploaded. Nothing is in the room yet; the file's key is
 * only ever sent inside the encrypted event.
 */
export interface PreparedSheet {
  readonly roomId: string;
  readonly sheet: OutgoingSheet;
  readonly pdfSha256: string;
  readonly file: EncryptedFile;
}

/** A post under way (see `SheetTransport.postSheet`). */
export interface PostingSheet {
  /**
   * Resolves once the event is encrypted and handed to the SDK to send: a post started after this
   * is sent after it. Resolves too, at the latest, when the post has ended.
   */
  readonly queued: Promise<void>;
  /** The posted event (the homeserver's answer). */
  readonly sent: Promise<SentSheet>;
}
