/**
 * `answerTeleexpertise`: the requested specialist answers a tele-expertise request (avenant 9 à la
 * convention médicale, acte TLE). The one service function behind the room command `!answer`
 * (`room-commands.ts`) and, later, the HTTP handler.
 *
 * The answer data (the `answer` section of `teleexpertise-answer@1`: opinion, recommendations,
 * consultationNeeded, consultationDelay; `answeredAt` defaults to now) is completed from the
 * request (its sheet id, requester, patient identity, specialty) and the specialist's directory
 * entry (name, RPPS), validated as a `teleexpertise-answer` sheet — errors name `data.answer.…` —
 * rendered and signed. In ONE transaction the request moves to `answered` (history and audit
 * `transfer.answered` with the Matrix event id of the command) and the answer is queued as a new
 * transfer linked to the request (`in_reply_to`, unique: one answer per request), in the same
 * room: same context, same members (the specialist and the requester).
 */
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import { fieldError, PasserelleError } from "../../core/index.ts";
import type { Member } from "../../directory/index.ts";
import { DirectoryRepository, memberAuditId } from "../../directory/index.ts";
import { inTransaction } from "../../storage/index.ts";
import type { CreatedTransfer, CreateTransferDeps } from "../intake/index.ts";
import { prepareTransfer, storeTransfer } from "../intake/index.ts";
import { transferReference, TransferRepository } from "../record/index.ts";
import type { Transfer } from "../record/index.ts";

/** Who answers: a directory member, by Matrix id (room command) or RPPS (HTTP). */
export type SpecialistRef = { readonly matrixId: string } | { readonly rpps: string };

export interface AnsweredTeleexpertise {
  readonly requestId: string;
  readonly answer: CreatedTransfer;
}

const OPEN_STATES = ["sent", "delivered", "read", "acknowledged"] as const;
const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);

/**
 * Answers request `transferId` with `answerData`; `matrixEventId` is the command's event (audit).
 * @throws PasserelleError `NOT_FOUND` (no such request), `FORBIDDEN` (not its specialist),
 *   `CONFLICT` (already answered, or not delivered yet), `VALIDATION_FAILED` naming the field.
 */
export async function answerTeleexpertise(
  deps: CreateTransferDeps,
  transferId: string,
  answerData: unknown,
  specialist: SpecialistRef,
  matrixEventId?: string,
): Promise<AnsweredTeleexpertise> {
  const repo = new TransferRepository(deps.db.knex);
  const request = await repo.get(transferId);
  if (request?.kind !== "teleexpertise-request") {
    throw fieldError("NOT_FOUND", "transferId: no such tele-expertise request", "transferId", "exists", {
      en: "unknown request",
      fr: "demande inconnue",
    });
  }
  if (!(OPEN_STATES as readonly string[]).includes(request.state)) {
    throw new PasserelleError(
      "CONFLICT",
      request.state === "answered" ? "the request is already answered" : "the request is not delivered yet",
    );
  }
  if ("rpps" in specialist && !/^\d{11}$/.test(specialist.rpps)) {
    throw fieldError("VALIDATION_FAILED", "specialist.rpps: not an RPPS number", "specialist.rpps", "rpps", {
      en: "11 digits expected",
      fr: "11 chiffres attendus",
    });
  }
  const directory = new DirectoryRepository(deps.db.knex);
  const member =
    "matrixId" in specialist
      ? await directory.findByMatrixId(specialist.matrixId)
      : await directory.findByRpps(specialist.rpps);
  const recipients = await repo.recipients(request.id);
  const actor = "matrixId" in specialist ? specialist.matrixId : `rpps:${specialist.rpps}`;
  const self = member === undefined ? undefined : recipients.find((r) => r.memberId === member.id);
  if (member === undefined || !member.active || !member.roles.includes("specialist") || self === undefined) {
    await deps.trail.append(
      auditEvent("transfer.answered", {
        ...common(request, actor, matrixEventId),
        outcome: "failure",
        reason: member?.roles.includes("specialist") === true ? "not_recipient" : "not_specialist",
        ...(member === undefined ? {} : { member: memberAuditId(member) }),
      }),
    );
    throw fieldError(
      "FORBIDDEN",
      "specialist: only the requested specialist may answer",
      "specialist",
      "specialist",
      { en: "not the requested specialist", fr: "pas l’expert sollicité" },
    );
  }
  const payload = (await repo.payload(request.id))?.data as
    Record<string, Record<string, unknown>> | undefined;
  const prepared = await prepareTransfer(
    deps,
    { sheet: answerSheet(request, payload ?? {}, member, answerData, deps.clock.now()), actor },
    {
      inReplyTo: request.id,
      members: recipients.map((r) => ({ id: r.memberId, ref: r.memberRef, matrixId: r.matrixId })),
      senderUnit: request.senderUnit,
      contextKey: request.contextKey,
    },
  );
  const at = deps.clock.now().toISOString();
  await inTransaction(deps.db.knex, async (trx) => {
    const n = await trx("transfers")
      .update({ state: "answered", updated_at: at })
      .where("id", request.id)
      .whereIn("state", [...OPEN_STATES]);
    if (n === 0) throw new PasserelleError("CONFLICT", "the request is already answered");
    await trx("transfer_recipients")
      .update({ acknowledged_at: at })
      .where({ transfer_id: request.id, member_id: self.memberId })
      .whereNull("acknowledged_at");
    await new TransferRepository(trx).addEvent(request.id, {
      step: "answered",
      at,
      memberRef: self.memberRef,
      ...(matrixEventId === undefined ? {} : { matrixEventId }),
    });
    await deps.trail.appendWithin(trx, [
      auditEvent("transfer.answered", { ...common(request, actor, matrixEventId), member: self.memberRef }),
    ]);
    await storeTransfer(trx, deps, prepared);
  });
  deps.onQueued?.(prepared.transferId);
  return {
    requestId: request.id,
    answer: {
      transferId: prepared.transferId,
      reference: transferReference("teleexpertise-answer", prepared.transferId),
      sheetId: prepared.signed.sheetId,
      pdfSha256: prepared.signed.sha256,
      patientRef: prepared.patient,
      contextKey: prepared.contextKey,
    },
  };
}

function common(request: Transfer, actor: string, matrixEventId: string | undefined) {
  return {
    actor,
    transfer: request.id,
    sheet: request.sheetId,
    patient: request.patientRef as PatientRef,
    ...(request.roomId === undefined ? {} : { room: request.roomId }),
    ...(matrixEventId === undefined ? {} : { event: matrixEventId }),
  };
}

/** The `teleexpertise-answer@1` sheet: request, expert and patient from the stored data, the answer from the specialist. */
function answerSheet(
  request: Transfer,
  data: Record<string, Record<string, unknown>>,
  member: Member,
  answer: unknown,
  now: Date,
): unknown {
  const given = typeof answer === "object" && answer !== null && !Array.isArray(answer) ? answer : { answer };
  const requestedAt = str(data.request?.requestedAt);
  const requesterName = str(data.requester?.name);
  return {
    form: "teleexpertise-answer@1",
    data: {
      request: {
        sheetId: request.sheetId,
        ...(requestedAt === undefined ? {} : { requestedAt }),
        ...(requesterName === undefined ? {} : { requesterName }),
      },
      expert: {
        name: member.displayName,
        specialty: str(data.expert?.specialty) ?? member.specialityLabel ?? "",
        rpps: member.rpps ?? "",
      },
      patient: data.patient ?? {},
      answer: { answeredAt: now.toISOString(), ...given },
    },
  };
}
