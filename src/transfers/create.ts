/**
 * `createTransfer`: the one entry point of the CLI and (later) the HTTP API. Validates the sheet,
 * resolves the recipients in the directory, renders and signs the PDF, then writes in ONE
 * transaction the transfer, its recipients, the outbox state `queued` and the audit entries
 * (created, validated, signed, queued) — so a crash leaves either all of it or nothing.
 */
import { randomUUID } from "node:crypto";
import type { PatientRef } from "../audit/index.ts";
import { auditEvent, patientPseudonym } from "../audit/index.ts";
import { PasserelleError } from "../core/index.ts";
import type { Member } from "../directory/index.ts";
import { DirectoryRepository, memberAuditId } from "../directory/index.ts";
import type { FormRegistry, ValidatedSheet } from "../forms/index.ts";
import { validateSheet } from "../forms/index.ts";
import type { Signer } from "../pdf/index.ts";
import { produceSignedSheet } from "../pdf/index.ts";
import { inTransaction } from "../storage/index.ts";
import { contextKey, defaultSenderUnit } from "./context.ts";
import { refuse } from "./refusal.ts";
import type { TransferContext } from "./types.ts";

/** What `createTransfer` needs besides the database, the audit trail and the clock. */
export interface CreateTransferDeps extends TransferContext {
  readonly forms: FormRegistry;
  readonly signer: Signer;
  /** The HMAC key of patient pseudonyms (`loadPseudonymKey`). */
  readonly pseudonymKey: Uint8Array;
  /** Id generator (tests); defaults to random UUIDs. Called once per transfer. */
  readonly newId?: () => string;
  /** Told after the transfer is committed as queued (wire it to `OutboxWorker.wake`). */
  readonly onQueued?: (transferId: string) => void;
}

export interface CreateTransferInput {
  /** The sheet `{ form, data }` as parsed JSON (validated here). */
  readonly sheet: unknown;
  /** Recipients' RPPS numbers (11 digits). */
  readonly to: readonly string[];
  /** Audit actor: `rpps:…`, `cli:…`, `api:…` or a Matrix user id. */
  readonly actor: string;
  /** Opaque reference of the sending structure/unit; derived from the sheet when absent. */
  readonly senderUnit?: string;
}

export interface CreatedTransfer {
  readonly transferId: string;
  readonly sheetId: string;
  readonly pdfSha256: string;
  readonly patientRef: PatientRef;
  readonly contextKey: string;
}

const RPPS = /^\d{11}$/;

/** Creates and queues a transfer; throws a `PasserelleError` naming the field at fault. */
export async function createTransfer(
  deps: CreateTransferDeps,
  input: CreateTransferInput,
): Promise<CreatedTransfer> {
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
    throw new PasserelleError("VALIDATION_FAILED", "data.patient.ins is required to send a sheet", {
      issues: [
        { path: "data.patient.ins", rule: "required", message: { en: "required", fr: "obligatoire" } },
      ],
    });
  }
  const patient = patientPseudonym(ins, deps.pseudonymKey);
  const members = await resolveRecipients(deps, input, transferId, patient);
  const senderUnit = input.senderUnit ?? defaultSenderUnit(sheet.data);
  const key = contextKey(
    patient,
    senderUnit,
    members.map((m) => m.id),
  );

  const signed = await produceSignedSheet(sheet, { signer: deps.signer, clock: deps.clock });
  const now = deps.clock.now().toISOString();
  const common = {
    actor: input.actor,
    transfer: transferId,
    sheet: signed.sheetId,
    pdfSha256: signed.sha256,
    patient,
  };
  await inTransaction(deps.db.knex, async (trx) => {
    await trx("transfers").insert({
      id: transferId,
      form: sheet.ref,
      kind: sheet.form.id,
      sheet_id: signed.sheetId,
      pdf_sha256: signed.sha256,
      pdf: signed.pdf,
      payload_json: JSON.stringify(sheet.data),
      patient_ref: patient,
      sender: input.actor,
      sender_unit: senderUnit,
      context_key: key,
      state: "queued",
      attempts: 0,
      next_attempt_at: now,
      created_at: now,
      updated_at: now,
      escalations: 0,
    });
    await trx("transfer_recipients").insert(
      members.map((m) => ({
        transfer_id: transferId,
        member_id: m.id,
        member_ref: memberAuditId(m),
        matrix_id: m.matrixId,
      })),
    );
    await trx("transfer_events").insert(
      (["created", "queued"] as const).map((step) => ({ transfer_id: transferId, step, at: now })),
    );
    await deps.trail.appendWithin(trx, [
      auditEvent("transfer.created", common),
      auditEvent("transfer.validated", common),
      auditEvent("transfer.signed", common),
      auditEvent("transfer.queued", common),
    ]);
  });
  deps.onQueued?.(transferId);
  return {
    transferId,
    sheetId: signed.sheetId,
    pdfSha256: signed.sha256,
    patientRef: patient,
    contextKey: key,
  };
}

/** Directory members for the RPPS list: known, active, with a Matrix id — or a refusal, audited. */
async function resolveRecipients(
  deps: CreateTransferDeps,
  input: CreateTransferInput,
  transferId: string,
  patient: PatientRef,
): Promise<(Member & { matrixId: string })[]> {
  if (input.to.length === 0) {
    throw new PasserelleError("VALIDATION_FAILED", "to: at least one recipient is required", {
      issues: [{ path: "to", rule: "required", message: { en: "required", fr: "obligatoire" } }],
    });
  }
  const directory = new DirectoryRepository(deps.db.knex);
  const found: (Member & { matrixId: string })[] = [];
  for (const [i, rpps] of input.to.entries()) {
    const path = `to[${i}]`;
    if (!RPPS.test(rpps)) {
      throw new PasserelleError("VALIDATION_FAILED", `${path}: not an RPPS number`, {
        issues: [{ path, rule: "rpps", message: { en: "11 digits expected", fr: "11 chiffres attendus" } }],
      });
    }
    const m = await directory.findByRpps(rpps);
    const reason =
      m === undefined
        ? "recipient.unknown"
        : !m.active
          ? "recipient.inactive"
          : m.matrixId === undefined
            ? "recipient.no_matrix_id"
            : undefined;
    if (reason !== undefined || m?.matrixId === undefined) {
      await refuse(deps, {
        transferId,
        actor: input.actor,
        reason: reason ?? "recipient.unknown",
        patient,
        member: `rpps:${rpps}`,
      });
      const text = {
        "recipient.unknown": "is not in the directory",
        "recipient.inactive": "is no longer active",
        "recipient.no_matrix_id": "has no Matrix account",
      }[reason ?? "recipient.unknown"];
      throw new PasserelleError(
        m === undefined ? "NOT_FOUND" : "FORBIDDEN",
        `${path}: recipient ${text}; nothing was sent`,
        {
          issues: [
            {
              path,
              rule: reason ?? "recipient.unknown",
              message: { en: `recipient ${text}`, fr: "destinataire refusé (annuaire)" },
            },
          ],
        },
      );
    }
    if (!found.some((f) => f.id === m.id)) found.push({ ...m, matrixId: m.matrixId });
  }
  return found;
}
