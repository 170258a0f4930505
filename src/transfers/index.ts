/**
 * Transfers: a signed sheet's hand-off from creation to acknowledgement. `createTransfer` validates,
 * signs and queues (one transaction with its audit entries); the {@link OutboxWorker} delivers
 * through a {@link SheetTransport} with leases, idempotent sends, backoff and restart safety; the
 * receipt functions record delivery, reads and acknowledgements; `findOverdue` feeds escalation.
 * Room mapping: see `context.ts`. This module never imports matrix-js-sdk (types only).
 */
export { createTransfer } from "./create.ts";
export type { CreateTransferDeps, CreateTransferInput, CreatedTransfer } from "./create.ts";
export { OutboxWorker } from "./worker.ts";
export type { OutboxWorkerOptions } from "./worker.ts";
export { claimDue, claimToken, renewLease } from "./claim.ts";
export { recordDelivery, recordRead, recordAcknowledgement, recordAnswer, recordEcho } from "./receipts.ts";
export type { TransferRef, ReceiptOutcome } from "./receipts.ts";
export { findOverdue, markEscalated, DEFAULT_ESCALATION } from "./overdue.ts";
export type { EscalationDelays } from "./overdue.ts";
export { contextKey, defaultSenderUnit } from "./context.ts";
export { TransferRepository } from "./repository.ts";
export { transferStatus } from "./status.ts";
export type { TransferStatus } from "./status.ts";
export { summaryFr } from "./summary.ts";
export { backoffMs, reasonOf, WORKER_ACTOR } from "./outcome.ts";
export { TRANSFER_STATES, STATE_RANK } from "./types.ts";
export type {
  Transfer,
  TransferContext,
  TransferEvent,
  TransferRecipient,
  TransferState,
  TransferStep,
} from "./types.ts";
export { listTransfers, canSeeTransfer, isOverdue } from "./query.ts";
export type { TransferScope, TransferFilter, TransferListItem } from "./query.ts";
export { cptsStats } from "./stats.ts";
export type { CptsStats } from "./stats.ts";
