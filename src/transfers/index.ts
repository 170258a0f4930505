/**
 * Transfers: a signed sheet's hand-off from creation to acknowledgement. `intake/` validates, signs
 * and queues (one transaction with its audit entries); `outbox/` delivers through a
 * `SheetTransport` with leases, idempotent sends, backoff and restart safety, into the room of the
 * transfer's context (`rooms/`); `evidence/` records delivery, reads and acknowledgements;
 * `escalation/` re-notifies overdue sheets and tells the coordinators; `teleexpertise/` returns a
 * signed answer in the request's room; `commands/` handles `!answer` and `!renvoyer`; `query/` is
 * the read side; `record/` the stored transfer they share. This module never imports
 * matrix-js-sdk (types only).
 */
export { handleRoomCommand } from "./commands/index.ts";
export { EscalationScheduler } from "./escalation/index.ts";
export { evidenceCatchUp, inboundEvidence, recordAcknowledgement } from "./evidence/index.ts";
export { createTransfer, reachableMember, storeSignedTransfer } from "./intake/index.ts";
export type {
  CreateTransferDeps,
  CreateTransferInput,
  CreatedTransfer,
  Recipient,
  StoredRecipient,
} from "./intake/index.ts";
export { OutboxWorker } from "./outbox/index.ts";
export {
  canSeeTransfer,
  cptsStats,
  isOverdue,
  listTransfers,
  outboxDepth,
  patientSummaries,
  sentSince,
  transferCda,
  transferStatus,
  transfersByState,
} from "./query/index.ts";
export type { PatientSummary, TransferListItem, TransferScope, TransferStatus } from "./query/index.ts";
export {
  STATE_RANK,
  TRANSFERS_MIGRATIONS,
  TRANSFER_STATES,
  TransferRepository,
  kindFr,
} from "./record/index.ts";
export type { Transfer, TransferContext, TransferState } from "./record/index.ts";
export { contextKey } from "./rooms/index.ts";
export { answerTeleexpertise } from "./teleexpertise/index.ts";
export type { AnsweredTeleexpertise, SpecialistRef } from "./teleexpertise/index.ts";
