/**
 * Room mapping: one end-to-end-encrypted, invite-only Matrix room per transfer context (patient
 * pseudonym, sending unit, recipient set), looked up in `transfer_rooms` or created through the
 * `SheetTransport` with the recipients invited; creations of one context are serialised.
 */
export { contextKey, defaultSenderUnit } from "./context.ts";
export { ensureRoom } from "./rooms.ts";
