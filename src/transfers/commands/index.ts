/**
 * Room commands addressed to the hub beyond acknowledgements: `!answer` (a tele-expertise
 * answer, through the same service function as the HTTP API) and `!renvoyer` (a recipient's
 * request to send a sheet again, queued as a re-send the outbox delivers), each answered in the
 * room with a short French notice that names fields, never what was written.
 */
export { handleRoomCommand } from "./room-commands.ts";
