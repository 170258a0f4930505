/**
 * Transfers: a signed sheet's hand-off from creation to acknowledgement. `createTransfer` validates,
 * signs and queues (one transaction with its audit entries); the {@link OutboxWorker} delivers
 * through a {@link SheetTransport} with leases, idempotent sends, backoff and restart safety; the
 * receipt functions record delivery, reads and acknowledgements; the {@link EscalationScheduler}
 * re-notifies overdue sheets and tells the coordinators; `answerTeleexpertise` (also behind the
 * `!answer` room command) returns a signed answer in the request's room.
 * Room mapping: see `context.ts`. This module never imports matrix-js-sdk (types only).
 */
export { createTransfer } from "./create.ts";
export type { CreateTransferDeps, CreateTransferInput, CreatedTransfer } from "./create.ts";
export { OutboxWorker } from "./worker.ts";
export type { OutboxWorkerOptions } from "./worker.ts";
export { claimDue, claimToken, renewLease } from "./claim.ts";
export { recordDelivery, recordRead, recordAcknowledgement, recordAnswer } from "./receipts.ts";
export { recordEcho } from "./echo.ts";
export { evidenceCatchUp, inboundEvidence } from "./inbound-evidence.ts";
export type { EvidenceErrorSink } from "./inbound-evidence.ts";
export type { TransferRef, ReceiptOutcome } from "./receipts.ts";
export { findOverdue, markEscalated, DEFAULT_ESCALATION, ANSWERED_KINDS } from "./overdue.ts";
export type { EscalationDelays, EscalationEvidence } from "./overdue.ts";
export { EscalationScheduler, coordinatorContextKey } from "./escalation.ts";
export type { EscalationOptions, EscalationTransport } from "./escalation.ts";
export { prepareTransfer, storeSignedTransfer, storeTransfer } from "./create.ts";
export type { PreparedTransfer, ReplyTarget, SignedTransfer, StoredRecipient } from "./create.ts";
export { reachableMember } from "./recipients.ts";
export type { Recipient, UnitRef } from "./recipients.ts";
export { answerTeleexpertise } from "./teleexpertise.ts";
export type { AnsweredTeleexpertise, SpecialistRef } from "./teleexpertise.ts";
export { parseAnswerCommand } from "./answer-command.ts";
export type { AnswerCommand } from "./answer-command.ts";
export { handleRoomCommand } from "./room-commands.ts";
export type { CommandOutcome } from "./room-commands.ts";
export { endOfParisDay } from "./deadline.ts";
export { reminderFr, coordinatorNoticeFr } from "./reminders.ts";
export { contextKey, defaultSenderUnit } from "./context.ts";
export { TransferRepository } from "./repository.ts";
export { transferCda } from "./cda.ts";
export type { TransferCda } from "./cda.ts";
export { transferStatus } from "./status.ts";
export type { TransferLinks, TransferStatus } from "./status.ts";
export { sheetCaption, sheetRole, needsFr, asciiSlug } from "./caption.ts";
export type { Caption, CaptionInput, SheetRole } from "./caption.ts";
export { transferReference, parseReference, referencePrefix } from "./reference.ts";
export { KIND_FR, kindFr } from "./kinds.ts";
export { patientSummaries } from "./patient-summary.ts";
export type { PatientSummary } from "./patient-summary.ts";
export { backoffMs, reasonOf, WORKER_ACTOR } from "./outcome.ts";
export { TRANSFER_STATES, STATE_RANK } from "./types.ts";
export type {
  RoutingLine,
  Transfer,
  TransferContext,
  TransferEvent,
  TransferRecipient,
  TransferState,
  TransferStep,
} from "./types.ts";
export { listTransfers, canSeeTransfer, isOverdue } from "./query.ts";
export type { TransferScope, TransferFilter, TransferListItem } from "./query.ts";
export { cptsStats, outboxDepth, sentSince, transfersByState } from "./stats.ts";
export type { CptsStats } from "./stats.ts";
export { TRANSFERS_MIGRATIONS } from "./migrations.ts";
