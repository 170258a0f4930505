/**
 * Creating a transfer, the one entry point of the CLI, the HTTP API and the HL7 feed: validates
 * the sheet against its form, resolves the recipients in the directory (professionals by RPPS, a
 * hospital unit by structure id or FINESS, under the trust policy), sets a tele-expertise
 * request's answer deadline (end of day, Europe/Paris), renders and signs the PDF (PAdES B-B),
 * then stores the transfer, its recipients, the outbox state `queued` and the audit entries in
 * one transaction. A refusal is audited (`transfer.failed`) and nothing is stored.
 */
export { createTransfer, prepareTransfer, storeSignedTransfer, storeTransfer } from "./create.ts";
export type { CreateTransferDeps, CreateTransferInput, CreatedTransfer, StoredRecipient } from "./create.ts";
export { reachableMember } from "./recipients.ts";
export type { Recipient } from "./recipients.ts";
