/**
 * The transfer record every step shares: its states (forward only) and types, the transfers
 * tables (engine-agnostic knex on a database or a transaction), the short human reference (kind
 * prefix and Crockford Base32 with a check symbol) and the French names of the sheet kinds.
 */
export { KIND_FR, kindFr } from "./kinds.ts";
export { TRANSFERS_MIGRATIONS } from "./migrations.ts";
export { parseReference, transferReference } from "./reference.ts";
export { TRANSFER_COLUMNS, TransferRepository, toTransfer } from "./repository.ts";
export type { TransferRow } from "./repository.ts";
export { STATE_RANK, TRANSFER_STATES } from "./types.ts";
export type {
  RoutingLine,
  Transfer,
  TransferContext,
  TransferEvent,
  TransferRecipient,
  TransferState,
} from "./types.ts";
