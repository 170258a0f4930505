/**
 * `createTransfer`: the one entry point of the CLI and (later) the HTTP API. Validates the sheet,
 * resolves the recipients in the directory (`recipients.ts`), renders and signs the PDF, then
 * writes in ONE transaction the transfer, its recipients, the outbox state `queued` and the audit
 * entries (created, validated, signed, queued) — so a crash leaves either all of it or nothing.
 * {@link prepareTransfer} and {@link storeTransfer} are the two halves, for services (the
 * tele-expertise answer) that store a transfer together with other changes.
 */
import { randomUUID } from "node:crypto";
import type { Knex } from "knex";
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent, patientPseudonym } from "../../audit/index.ts";
import { fieldError } from "../../core/index.ts";
import { memberAuditId } from "../../directory/index.ts";
import type { FormRegistry, ValidatedSheet } from "../../forms/index.ts";
import { validateSheet } from "../../forms/index.ts";
import type { SignedSheet, Signer } from "../../pdf/index.ts";
import type { TrustPolicy } from "../../trust/index.ts";
import { produceSignedSheet } from "../../pdf/index.ts";
import { inTransaction } from "../../storage/index.ts";
import { contextKey, defaultSenderUnit } from "../rooms/index.ts";
import { answerDueAt } from "./deadline.ts";
import type { ResolvedRecipients, UnitRef } from "./recipients.ts";
import { resolveRecipients } from "./recipients.ts";
import { transferReference } from "../record/index.ts";
import { refuse } from "./refusal.ts";
import type { RoutingLine, TransferContext } from "../record/index.ts";

/** What `createTransfer` needs besides the database, the audit trail and the clock. */
export interface CreateTransferDeps extends TransferContext {
  readonly forms: FormRegistry;
  readonly signer: Signer;
  /** The HMAC key of patient pseudonyms (`loadPseudonymKey`). */
  readonly pseudonymKey: Uint8Array;
  /** Id generator (tests); defaults to random UUIDs. Called once per transfer. */
  readonly newId?: () => string;
  /**
   * The homeservers recipients may be on (src/trust); every server when absent. The service sets
   * it from `PASSERELLE_MATRIX_ALLOWED_SERVERS`.
   */
  readonly trust?: TrustPolicy;
  /**
   * Renders and signs the sheet: `produceSignedSheet` on this thread when absent; the service
   * passes a `SheetPool` (src/pdf/pool), so that a burst renders on every core.
   */
  readonly sheets?: { produce: typeof produceSignedSheet };
  /** Told after the transfer is committed as queued (wire it to `OutboxWorker.wake`). */
  readonly onQueued?: (transferId: string) => void;
}

export interface CreateTransferInput {
  /** The sheet `{ form, data }` as parsed JSON (validated here). */
  readonly sheet: unknown;
  /**
   * Recipients' RPPS numbers (11 digits). May be empty with `toUnit`, or for a tele-expertise
   * request naming its expert (`expert.rpps`).
   */
  readonly to?: readonly string[];
  /** A hospital unit (structure of kind `unit`): its staff with the role `recipient` receive the sheet. */
  readonly toUnit?: UnitRef;
  /** Audit actor: `rpps:…`, `cli:…`, `api:…` or a Matrix user id. */
  readonly actor: string;
  /** Opaque reference of the sending structure/unit; derived from the sheet when absent. */
  readonly senderUnit?: string;
}

export interface CreatedTransfer {
  readonly transferId: string;
  /** The short human reference (see `reference.ts`). */
  readonly reference: string;
  readonly sheetId: string;
  readonly pdfSha256: string;
  readonly patientRef: PatientRef;
  readonly contextKey: string;
}

/** A validated, resolved and signed transfer, not stored yet. */
export interface PreparedTransfer extends Omit<
  SignedTransfer,
  "form" | "kind" | "data" | "signed" | "routing" | "evidenceAsked" | "replaces"
> {
  readonly sheet: ValidatedSheet;
  readonly signed: SignedSheet;
}

/** A recipient as stored: directory member id, audit id (`rpps:…`) and Matrix id. */
export interface StoredRecipient {
  readonly id: number;
  readonly ref: string;
  readonly matrixId: string;
}

/** Fixed room and recipients (a reply in the room of an earlier transfer). */
export interface ReplyTarget {
  readonly inReplyTo: string;
  readonly members: readonly StoredRecipient[];
  readonly senderUnit: string;
  readonly contextKey: string;
}

/** Creates and queues a transfer; throws a `PasserelleError` naming the field at fault. */
export async function createTransfer(
  deps: CreateTransferDeps,
  input: CreateTransferInput,
): Promise<CreatedTransfer> {
  const prepared = await prepareTransfer(deps, input);
  await inTransaction(deps.db.knex, (trx) => storeTransfer(trx, deps, prepared));
  deps.onQueued?.(prepared.transferId);
  return {
    transferId: prepared.transferId,
    reference: transferReference(prepared.sheet.form.id, prepared.transferId),
    sheetId: prepared.signed.sheetId,
    pdfSha256: prepared.signed.sha256,
    patientRef: prepared.patient,
    contextKey: prepared.contextKey,
  };
}

/** Validates, resolves the recipients (unless `reply` fixes them) and signs. Refusals are audited. */
export async function prepareTransfer(
  deps: CreateTransferDeps,
  input: CreateTransferInput,
  reply?: ReplyTarget,
): Promise<PreparedTransfer> {
  const transferId = (deps.newId ?? randomUUID)();
  let sheet: ValidatedSheet;
  try {
    sheet = validateSheet(input.sheet, deps.forms);
  } catch (e) {
    await refuse(deps, { transferId, actor: input.actor, reason: "sheet.invalid" });
    throw e;
  }
  const ins = sheet.data.patient?.ins;
  if (typeof ins !== "string") {
    throw fieldError(
      "VALIDATION_FAILED",
      "data.patient.ins is required to send a sheet",
      "data.patient.ins",
      "required",
      { en: "required", fr: "obligatoire" },
    );
  }
  const patient = patientPseudonym(ins, deps.pseudonymKey);
  const resolved = reply ?? stored(await resolveRecipients(deps, input, sheet, transferId, patient));
  const senderUnit = reply?.senderUnit ?? input.senderUnit ?? defaultSenderUnit(sheet.data);
  const key =
    reply?.contextKey ??
    contextKey(
      patient,
      senderUnit,
      resolved.members.map((m) => m.id),
    );
  const produce = deps.sheets?.produce.bind(deps.sheets) ?? produceSignedSheet;
  const signed = await produce(sheet, { signer: deps.signer, clock: deps.clock });
  const due = sheet.form.id === "teleexpertise-request" ? answerDueAt(sheet.data) : undefined;
  const unitId = "unitId" in resolved ? resolved.unitId : undefined;
  return {
    transferId,
    actor: input.actor,
    sheet,
    signed,
    patient,
    members: resolved.members,
    senderUnit,
    contextKey: key,
    ...(unitId === undefined ? {} : { unitId }),
    ...(reply === undefined ? {} : { inReplyTo: reply.inReplyTo }),
    ...(due === undefined ? {} : { answerDueAt: due }),
  };
}

/** Writes a prepared transfer as `queued`, with its recipients, history and audit, within `trx`. */
export async function storeTransfer(
  trx: Knex.Transaction,
  deps: CreateTransferDeps,
  p: PreparedTransfer,
): Promise<void> {
  await storeSignedTransfer(trx, deps, {
    ...p,
    form: p.sheet.ref,
    kind: p.sheet.form.id,
    data: p.sheet.data,
  });
}

/**
 * A transfer whose PDF is already signed: a sheet rendered here, or a hospital's own document
 * sealed or rendered by the documents service (kind `document`). `data` is the JSON payload the
 * caption is built from.
 */
export interface SignedTransfer {
  readonly transferId: string;
  readonly actor: string;
  /** Form reference (`discharge@1`) or `document@1`. */
  readonly form: string;
  readonly kind: string;
  readonly data: unknown;
  readonly signed: Pick<SignedSheet, "sheetId" | "pdf" | "sha256">;
  readonly patient: PatientRef;
  readonly members: readonly StoredRecipient[];
  readonly senderUnit: string;
  readonly contextKey: string;
  readonly unitId?: number;
  readonly inReplyTo?: string;
  readonly answerDueAt?: string;
  /** Who receives it and why, in routing order (a hospital's document: src/documents). */
  readonly routing?: readonly RoutingLine[];
  /** The evidence the sender asked for (`reception`, `reading`). */
  readonly evidenceAsked?: readonly string[];
  /** The transfer this one replaces (a new version, delivered in the same room). */
  readonly replaces?: string;
}

/** Writes a signed transfer as `queued`, with its recipients, history and audit, within `trx`. */
export async function storeSignedTransfer(
  trx: Knex.Transaction,
  deps: Pick<CreateTransferDeps, "clock" | "trail">,
  p: SignedTransfer,
): Promise<void> {
  const now = deps.clock.now().toISOString();
  const common = {
    actor: p.actor,
    transfer: p.transferId,
    sheet: p.signed.sheetId,
    pdfSha256: p.signed.sha256,
    patient: p.patient,
  };
  await trx("transfers").insert({
    id: p.transferId,
    form: p.form,
    kind: p.kind,
    sheet_id: p.signed.sheetId,
    pdf_sha256: p.signed.sha256,
    pdf: p.signed.pdf,
    payload_json: JSON.stringify(p.data),
    patient_ref: p.patient,
    sender: p.actor,
    sender_unit: p.senderUnit,
    context_key: p.contextKey,
    state: "queued",
    attempts: 0,
    next_attempt_at: now,
    created_at: now,
    updated_at: now,
    escalations: 0,
    recipient_structure_id: p.unitId ?? null,
    in_reply_to: p.inReplyTo ?? null,
    answer_due_at: p.answerDueAt ?? null,
    evidence_asked:
      p.evidenceAsked === undefined || p.evidenceAsked.length === 0 ? null : p.evidenceAsked.join(","),
    replaces: p.replaces ?? null,
  });
  if (p.routing !== undefined && p.routing.length > 0)
    await trx("transfer_routing").insert(
      p.routing.map((r, position) => ({ transfer_id: p.transferId, position, ...r })),
    );
  await trx("transfer_recipients").insert(
    p.members.map((m) => ({
      transfer_id: p.transferId,
      member_id: m.id,
      member_ref: m.ref,
      matrix_id: m.matrixId,
    })),
  );
  await trx("transfer_events").insert(
    (["created", "queued"] as const).map((step) => ({ transfer_id: p.transferId, step, at: now })),
  );
  await deps.trail.appendWithin(trx, [
    auditEvent("transfer.created", common),
    auditEvent("transfer.validated", common),
    auditEvent("transfer.signed", common),
    auditEvent("transfer.queued", common),
  ]);
}

function stored(r: ResolvedRecipients): { members: StoredRecipient[]; unitId?: number } {
  const members = r.members.map((m) => ({ id: m.id, ref: memberAuditId(m), matrixId: m.matrixId }));
  return r.unitId === undefined ? { members } : { members, unitId: r.unitId };
}
