/** Reads and writes of the transfers tables; engine-agnostic knex on a database or a transaction. */
import type { Queryable } from "../../storage/index.ts";
import { transferReference } from "./reference.ts";
import type {
  RoutingLine,
  Transfer,
  TransferEvent,
  TransferRecipient,
  TransferState,
  TransferStep,
} from "./types.ts";

/** A row of `transfers` as stored (PDF excluded unless asked). */
export interface TransferRow {
  id: string;
  form: string;
  kind: string;
  sheet_id: string;
  pdf_sha256: string;
  patient_ref: string;
  sender: string;
  sender_unit: string;
  context_key: string;
  room_id: string | null;
  state: TransferState;
  attempts: number;
  next_attempt_at: string;
  lease_owner: string | null;
  lease_expires_at: string | null;
  last_reason: string | null;
  file_event_id: string | null;
  sheet_event_id: string | null;
  text_event_id: string | null;
  created_at: string;
  updated_at: string;
  sent_at: string | null;
  escalated_at: string | null;
  escalations: number;
}

/** Columns of {@link TransferRow} (everything but the PDF and the payload). */
export const TRANSFER_COLUMNS = [
  "id",
  "form",
  "kind",
  "sheet_id",
  "pdf_sha256",
  "patient_ref",
  "sender",
  "sender_unit",
  "context_key",
  "room_id",
  "state",
  "attempts",
  "next_attempt_at",
  "lease_owner",
  "lease_expires_at",
  "last_reason",
  "file_event_id",
  "sheet_event_id",
  "text_event_id",
  "created_at",
  "updated_at",
  "sent_at",
  "escalated_at",
  "escalations",
] as const;

const opt = <K extends string>(k: K, v: string | null): { [P in K]?: string } =>
  (v === null ? {} : { [k]: v }) as { [P in K]?: string };

/** Maps a stored row to a {@link Transfer}. */
export function toTransfer(r: TransferRow): Transfer {
  return {
    id: r.id,
    reference: transferReference(r.kind, r.id),
    form: r.form,
    kind: r.kind,
    sheetId: r.sheet_id,
    pdfSha256: r.pdf_sha256,
    patientRef: r.patient_ref,
    sender: r.sender,
    senderUnit: r.sender_unit,
    contextKey: r.context_key,
    state: r.state,
    attempts: r.attempts,
    nextAttemptAt: r.next_attempt_at,
    createdAt: r.created_at,
    escalations: r.escalations,
    ...opt("roomId", r.room_id),
    ...opt("lastReason", r.last_reason),
    ...opt("sheetEventId", r.sheet_event_id),
    ...opt("fileEventId", r.file_event_id),
    ...opt("textEventId", r.text_event_id),
    ...opt("sentAt", r.sent_at),
    ...opt("escalatedAt", r.escalated_at),
  };
}

interface RecipientRow {
  member_id: number;
  member_ref: string;
  matrix_id: string;
  delivered_at: string | null;
  read_at: string | null;
  acknowledged_at: string | null;
  acknowledged_device_id: string | null;
}

interface EventRow {
  step: TransferStep;
  at: string;
  matrix_event_id: string | null;
  member_ref: string | null;
  reason: string | null;
  device_id: string | null;
}

/** Transfer look-ups and history writes. */
export class TransferRepository {
  readonly #q: Queryable;
  constructor(q: Queryable) {
    this.#q = q;
  }

  async get(id: string): Promise<Transfer | undefined> {
    const row = (await this.#q("transfers")
      .select([...TRANSFER_COLUMNS])
      .where("id", id)
      .first()) as TransferRow | undefined;
    return row === undefined ? undefined : toTransfer(row);
  }

  async exists(id: string): Promise<boolean> {
    return (await this.#q("transfers").where("id", id).first("id")) !== undefined;
  }

  /** Id and creation time of the patient's transfers of `kind` created since `since`, oldest first. */
  async ofPatient(
    kind: string,
    patientRef: string,
    since: string,
  ): Promise<{ id: string; createdAt: string }[]> {
    const rows = await this.#q<{ id: string; created_at: string }>("transfers")
      .where("kind", kind)
      .where("patient_ref", patientRef)
      .where("created_at", ">=", since)
      .orderBy("created_at")
      .select("id", "created_at");
    return rows.map((r) => ({ id: r.id, createdAt: r.created_at }));
  }

  /** The transfer whose sheet, file or text event has this Matrix event id. */
  async findByMatrixEvent(eventId: string): Promise<Transfer | undefined> {
    const row = (await this.#q("transfers")
      .select([...TRANSFER_COLUMNS])
      .where("sheet_event_id", eventId)
      .orWhere("file_event_id", eventId)
      .orWhere("text_event_id", eventId)
      .first()) as TransferRow | undefined;
    return row === undefined ? undefined : toTransfer(row);
  }

  /** The signed PDF and the validated sheet data (the only places holding patient identity). */
  async payload(id: string): Promise<{ pdf: Buffer; data: unknown } | undefined> {
    const row = (await this.#q("transfers").select("pdf", "payload_json").where("id", id).first()) as
      { pdf: Buffer; payload_json: string } | undefined;
    if (row === undefined) return undefined;
    return { pdf: Buffer.from(row.pdf), data: JSON.parse(row.payload_json) as unknown };
  }

  /** The transfer with its {@link payload}; undefined when there is no such transfer. */
  async withPayload(id: string): Promise<{ transfer: Transfer; pdf: Buffer; data: unknown } | undefined> {
    const transfer = await this.get(id);
    const payload = transfer === undefined ? undefined : await this.payload(id);
    return transfer === undefined || payload === undefined ? undefined : { transfer, ...payload };
  }

  async recipients(id: string): Promise<TransferRecipient[]> {
    const rows = (await this.#q("transfer_recipients")
      .select(
        "member_id",
        "member_ref",
        "matrix_id",
        "delivered_at",
        "read_at",
        "acknowledged_at",
        "acknowledged_device_id",
      )
      .where("transfer_id", id)
      .orderBy("member_id")) as RecipientRow[];
    return rows.map((r) => ({
      memberId: r.member_id,
      memberRef: r.member_ref,
      matrixId: r.matrix_id,
      ...opt("deliveredAt", r.delivered_at),
      ...opt("readAt", r.read_at),
      ...opt("acknowledgedAt", r.acknowledged_at),
      ...opt("acknowledgedDeviceId", r.acknowledged_device_id),
    }));
  }

  /** Who receives the transfer and why, in routing order (empty for a sheet). */
  async routing(id: string): Promise<RoutingLine[]> {
    return (await this.#q("transfer_routing")
      .select("rpps", "source", "reason")
      .where("transfer_id", id)
      .orderBy("position")) as RoutingLine[];
  }

  /** The state history, oldest first. */
  async events(id: string): Promise<TransferEvent[]> {
    const rows = (await this.#q("transfer_events")
      .select("step", "at", "matrix_event_id", "member_ref", "reason", "device_id")
      .where("transfer_id", id)
      .orderBy("id")) as EventRow[];
    return rows.map((r) => ({
      step: r.step,
      at: r.at,
      ...opt("matrixEventId", r.matrix_event_id),
      ...opt("memberRef", r.member_ref),
      ...opt("reason", r.reason),
      ...opt("deviceId", r.device_id),
    }));
  }

  async addEvent(transferId: string, e: TransferEvent): Promise<void> {
    await this.#q("transfer_events").insert({
      transfer_id: transferId,
      step: e.step,
      at: e.at,
      matrix_event_id: e.matrixEventId ?? null,
      member_ref: e.memberRef ?? null,
      reason: e.reason ?? null,
      device_id: e.deviceId ?? null,
    });
  }

  /** The room of a transfer context, if one was made. */
  async roomOf(contextKey: string): Promise<string | undefined> {
    const row = (await this.#q("transfer_rooms")
      .select("room_id")
      .where("context_key", contextKey)
      .first()) as { room_id: string } | undefined;
    return row?.room_id;
  }
}
