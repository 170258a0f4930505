/**
 * The read side: transfer lists by the reader's scope (coordinator, recipient, sender) with
 * filters and keyset pagination, a transfer's status and history, the coordinator's dashboard
 * figures (HAS indicator: discharge letters sent on the day of discharge), the patients of a
 * follow-up list, and the CI-SIS CDA R2 document of a stored transfer.
 */
export { transferCda } from "./cda.ts";
export { patientSummaries } from "./patient-summary.ts";
export type { PatientSummary } from "./patient-summary.ts";
export { canSeeTransfer, isOverdue, listTransfers } from "./query.ts";
export type { TransferListItem, TransferScope } from "./query.ts";
export { cptsStats, outboxDepth, sentSince, transfersByState } from "./stats.ts";
export { transferStatus } from "./status.ts";
export type { TransferStatus } from "./status.ts";
