/**
 * Short encrypted text messages from the hub besides sheets: escalation reminders in a transfer's
 * room, notices to the CPTS coordinator, replies to room commands. Same guard as sheets (the room
 * must be encrypted and hold only the expected members) and an idempotent transaction id
 * (client-server API §7.6.2 "PUT /rooms/{roomId}/send/{eventType}/{txnId}").
 */

/** Content key of the structured part of an escalation notice (encrypted, ids and hours only). */
export const ESCALATION_KEY = "fr.passerelle.escalation";

/** One text message to send. */
export interface OutgoingNotice {
  /** The Matrix transaction id: the same id never posts twice. `passerelle.` + letters, digits, `.`, `_`, `-`. */
  readonly txnId: string;
  /** French text for humans (never patient data). */
  readonly bodyFr: string;
  /** A sheet event this notice is about: the message replies to it and names it, so that `!ack` in reply to it acknowledges the sheet. */
  readonly sheetEventId?: string;
  /** The event this notice answers (a room command), when not the sheet: the message replies to it. */
  readonly replyTo?: string;
  /** Structured fields (ids and numbers only), under {@link ESCALATION_KEY}. */
  readonly escalation?: { readonly transfer_id: string; readonly delay_hours: number };
}

/** What escalation and room commands need from the messaging layer (implemented by `MatrixSheetTransport`). */
export interface NoticeTransport {
  /**
   * Sends `notice` as an encrypted `m.text` after the room checks; resolves with its event id.
   * @param readyMs how long to wait for the hub's local view of the room (a room just made).
   */
  sendNotice(
    roomId: string,
    expectedMembers: readonly string[],
    notice: OutgoingNotice,
    readyMs?: number,
  ): Promise<string>;
}
