/** Types shared by the transfers module: states, stored records and what the services need. */
import { DELIVERY_STATES } from "../../audit/index.ts";
import type { AuditTrail } from "../../audit/index.ts";
import type { Clock } from "../../core/index.ts";
import type { Database } from "../../storage/index.ts";

/**
 * A transfer's state. `queued` → `sent` → `delivered` → `read` → `acknowledged` | `answered`;
 * `failed` after the last send attempt. The state only moves forward (see {@link STATE_RANK}).
 */
export const TRANSFER_STATES = DELIVERY_STATES;
export type TransferState = (typeof TRANSFER_STATES)[number];

/** Progress order of the delivery states (`failed` is terminal and outside the order). */
export const STATE_RANK: Readonly<Record<TransferState, number>> = {
  queued: 0,
  sent: 1,
  delivered: 2,
  read: 3,
  acknowledged: 4,
  answered: 5,
  failed: -1,
};

/**
 * A step of the history: a state reached, or `retried` / `escalated`; `ack_unproven` (an
 * acknowledgement sent in clear: a weak signal), `resend_requested` and `resent` (`!renvoyer`).
 */
export type TransferStep =
  TransferState | "created" | "retried" | "escalated" | "ack_unproven" | "resend_requested" | "resent";

/** A stored transfer, without its PDF and payload (see `TransferRepository.payload`). */
export interface Transfer {
  readonly id: string;
  /** The short human reference (e.g. `LDL-7K3Q-2FX`, see `reference.ts`): what people are shown; `id` stays for APIs. */
  readonly reference: string;
  readonly form: string;
  readonly kind: string;
  readonly sheetId: string;
  readonly pdfSha256: string;
  /** HMAC pseudonym of the INS (audit `patient`). */
  readonly patientRef: string;
  readonly sender: string;
  readonly senderUnit: string;
  readonly contextKey: string;
  readonly roomId?: string;
  readonly state: TransferState;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  readonly lastReason?: string;
  readonly sheetEventId?: string;
  readonly fileEventId?: string;
  readonly textEventId?: string;
  readonly createdAt: string;
  readonly sentAt?: string;
  readonly escalatedAt?: string;
  readonly escalations: number;
}

/** One recipient of a transfer: a directory member and their Matrix id at the time of sending. */
export interface TransferRecipient {
  readonly memberId: number;
  /** `rpps:…` (audit member id). */
  readonly memberRef: string;
  readonly matrixId: string;
  readonly deliveredAt?: string;
  readonly readAt?: string;
  readonly acknowledgedAt?: string;
  /** The Matrix device that sent the (encrypted) acknowledgement. */
  readonly acknowledgedDeviceId?: string;
}

/** One line of the state history. */
export interface TransferEvent {
  readonly step: TransferStep;
  readonly at: string;
  readonly matrixEventId?: string;
  readonly memberRef?: string;
  readonly reason?: string;
  /** The Matrix device that sent this step's event (an acknowledgement). */
  readonly deviceId?: string;
}

/** What the transfer services work with. */
export interface TransferContext {
  readonly db: Database;
  readonly trail: AuditTrail;
  readonly clock: Clock;
}

/** Why a recipient receives the transfer (a hospital's document: see src/documents routing). */
export interface RoutingLine {
  readonly rpps: string;
  /** `message`, `document`, `stay`, `circle` or `coordinator`. */
  readonly source: string;
  readonly reason: string;
}
