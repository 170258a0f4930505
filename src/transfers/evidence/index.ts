/**
 * Inbound evidence from the rooms: the hub's own sheet echo (`delivered`, client-server API
 * §7.6.1), read receipts (weak proof), acknowledgements (an encrypted `!ack` or ✅ from a device
 * tied to the recipient, client-server API §11.12) and unproven ones (weak signal, answered in
 * the room). Each piece is claimed durably (`matrix_evidence`) in the transaction that records
 * and audits it, so a replay records nothing twice; `evidenceCatchUp` says which rooms to
 * replay after a restart.
 */
export { deliverIfEchoed } from "./echo.ts";
export { claimEvidence, lockRoom } from "./evidence-store.ts";
export { evidenceCatchUp, inboundEvidence } from "./inbound-evidence.ts";
export { recordAcknowledgement } from "./receipts.ts";
export { notRecipient, senderOf } from "./recipient.ts";
