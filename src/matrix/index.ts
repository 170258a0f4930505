/**
 * Matrix transport. Only this folder imports matrix-js-sdk; the transfers module sees the small
 * {@link SheetTransport} interface. Matrix spec references: client-server API
 * (https://spec.matrix.org/latest/client-server-api/) §7 "Sending events to a room" with
 * transaction ids, §11.12 "End-to-end encryption" (m.room.encryption, encrypted attachments).
 */
import type { OutgoingSheet, PostingSheet, PreparedSheet, SentSheet } from "./sheet-event.ts";

/** What the transfers module needs from the messaging layer. */
export interface SheetTransport {
  /** Creates an encrypted, invite-only room named after a neutral `reference`; returns its id. */
  createRoom(reference: string, invite: readonly string[]): Promise<string>;
  invite(roomId: string, userId: string): Promise<void>;
  /**
   * Checks the room (encrypted, only `expectedMembers` besides the hub, waiting up to `readyMs` for
   * the hub's local view to catch up, else `UNAVAILABLE`), encrypts and uploads the PDF. Nothing is
   * posted: sheets of one room may be prepared at once and posted in order by the caller.
   */
  prepareSheet(
    roomId: string,
    expectedMembers: readonly string[],
    sheet: OutgoingSheet,
    readyMs?: number,
  ): Promise<PreparedSheet>;
  /**
   * Posts a prepared sheet as one encrypted `m.file` message — the PDF, its French caption and the
   * structured data. The transaction id derives from the transfer id (and re-send id): posting the
   * same sheet again is answered with the first event id, never a second event. Posts whose
   * `queued` resolved before the next one started are sent in that order (the homeserver may
   * store posts sent at the same moment in another order).
   */
  postSheet(prepared: PreparedSheet): PostingSheet;
  /** {@link prepareSheet} then {@link postSheet}, for a lone sheet. */
  sendSheet(roomId: string, expectedMembers: readonly string[], sheet: OutgoingSheet): Promise<SentSheet>;
}

export { SHEET_EVENT_TYPE, SHEET_KEY } from "./sheet-event.ts";
export { ESCALATION_KEY } from "./notice.ts";
export type { NoticeTransport, OutgoingNotice } from "./notice.ts";
export type {
  OutgoingSheet,
  PostingSheet,
  PreparedSheet,
  SentSheet,
  SheetData,
  SheetMessageContent,
} from "./sheet-event.ts";
export { MatrixSheetTransport, roomName } from "./hub-transport.ts";
export { MEGOLM } from "./room-guard.ts";
export { encryptAttachment, decryptAttachment, sha256Hex } from "./attachment.ts";
export type { EncryptedFile } from "./attachment.ts";
export { downloadEncryptedFile } from "./media.ts";
export { createMatrixClient, startSyncing, sdkLogger, routeSdkGlobalLogger } from "./client.ts";
export type { CryptoStoreOption } from "./client.ts";
export { DevHomeserver } from "./dev-homeserver.ts";
export type { RegisteredUser } from "./shared-secret-register.ts";
export { openJournaledIndexedDB } from "./idb-journal.ts";
export { openHub } from "./hub.ts";
export type { Hub, HubStart } from "./hub.ts";
export type { AckVia, InboundHandler, InboundListener } from "./inbound.ts";
export { SHEET_REF_KEY, isSheetMessage } from "./inbound-parse.ts";
export { hubPaths } from "./hub-secrets.ts";
export type { HubSession } from "./hub-secrets.ts";
export { serveDirectCommands } from "./direct.ts";
