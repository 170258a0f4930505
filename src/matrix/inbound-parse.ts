/**
 * Pure parsing of decrypted message contents into acknowledgements and commands (unit-tested).
 * See inbound.ts for the Matrix rules (m.annotation reactions, rich replies and their fallback).
 */
import { SHEET_EVENT_TYPE, SHEET_KEY } from "./sheet-event.ts";

/**
 * Content key by which the hub's other messages name the sheet they concern (encrypted): the
 * `m.file` and `m.text` of the earlier three-event sheets, and reminders.
 */
export const SHEET_REF_KEY = "fr.passerelle.sheet_event_id";

/**
 * Whether a decrypted event is a sheet: the `m.file` message carrying the structured data under
 * `fr.passerelle.sheet`, or the custom `fr.passerelle.sheet` event of an earlier three-event sheet.
 */
export function isSheetMessage(type: string, content: Readonly<Record<string, unknown>>): boolean {
  if (type === SHEET_EVENT_TYPE) return true;
  const data = content[SHEET_KEY];
  return (
    type === "m.room.message" &&
    content.msgtype === "m.file" &&
    typeof data === "object" &&
    data !== null &&
    typeof (data as { sheet_id?: unknown }).sheet_id === "string"
  );
}

/** Reaction keys that acknowledge: ✅ with or without the emoji variation selector (U+FE0F). */
export function isAckKey(key: unknown): boolean {
  return typeof key === "string" && key.replace(/\uFE0F/g, "").trim() === "\u2705";
}

/**
 * Removes a reply fallback from a plain-text body: the leading lines starting with `> ` and the
 * blank line after them (client-server API §11.19.2 "Fallbacks for rich replies", now optional).
 */
export function stripReplyFallback(body: string): string {
  const lines = body.split("\n");
  let i = 0;
  while (i < lines.length && (lines[i] ?? "").startsWith(">")) i++;
  if (i > 0 && lines[i]?.trim() === "") i++;
  return i > 0 ? lines.slice(i).join("\n") : body;
}

export type Inbound =
  | { readonly kind: "reaction"; readonly target: string }
  | { readonly kind: "ack"; readonly replyTo?: string; readonly text: string }
  | { readonly kind: "command"; readonly replyTo?: string; readonly text: string };

interface Relates {
  rel_type?: unknown;
  event_id?: unknown;
  key?: unknown;
  "m.in_reply_to"?: { event_id?: unknown };
}

/** Classifies a decrypted event; `undefined` for anything that is neither an ack nor a `!` command. */
export function classifyMessage(type: string, content: Record<string, unknown>): Inbound | undefined {
  const rel = (content["m.relates_to"] ?? {}) as Relates;
  if (type === "m.reaction") {
    if (rel.rel_type === "m.annotation" && typeof rel.event_id === "string" && isAckKey(rel.key))
      return { kind: "reaction", target: rel.event_id };
    return undefined;
  }
  if (type !== "m.room.message" || typeof content.body !== "string") return undefined;
  if (content.msgtype !== "m.text" && content.msgtype !== "m.notice") return undefined;
  if (rel.rel_type === "m.replace") return undefined; // edits do not acknowledge twice
  const text = stripReplyFallback(content.body).trim();
  if (!text.startsWith("!")) return undefined;
  const replyTo = rel["m.in_reply_to"]?.event_id;
  const kind = /^!ack(\s|$)/i.test(text) ? "ack" : "command";
  return typeof replyTo === "string" ? { kind, replyTo, text } : { kind, text };
}
