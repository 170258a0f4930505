/**
 * Room commands addressed to the hub, beyond acknowledgements: `!answer` (see
 * `answer-command.ts`) and `!renvoyer` (see `resend.ts`). The Matrix inbound listener hands every
 * `!` command here. `!answer` calls the same service function as the HTTP handler
 * ({@link answerTeleexpertise}) and replies in the room with a short French notice: the answer's
 * reference, or which fields were refused — field paths only, never what was written.
 * `!renvoyer` queues a re-send (its reply is the sheet itself) or answers with the refusal.
 */
import { createHash } from "node:crypto";
import { isPasserelleError } from "../../core/index.ts";
import type { NoticeTransport } from "../../matrix/index.ts";
import { parseAnswerCommand, answerTeleexpertise } from "../teleexpertise/index.ts";
import type { CreateTransferDeps } from "../intake/index.ts";
import { parseReference, transferReference, TransferRepository } from "../record/index.ts";
import { ANSWER_HELP_FR } from "../escalation/index.ts";
import { isResendCommand, requestResend, resendRefusedFr, type ResendOutcome } from "./resend.ts";
import type { AnsweredTeleexpertise } from "../teleexpertise/index.ts";

/** What became of a command. */
export type CommandOutcome =
  | { readonly kind: "ignored" }
  | { readonly kind: "answered"; readonly result: AnsweredTeleexpertise }
  | { readonly kind: "refused"; readonly code: string; readonly fields: readonly string[] }
  | { readonly kind: "resend"; readonly outcome: ResendOutcome };

/**
 * Handles a `!` command from `userId` in `roomId` (event `eventId`), `sheetEventId` the hub sheet
 * it replies to, if any.
 */
export async function handleRoomCommand(
  deps: CreateTransferDeps,
  transport: NoticeTransport,
  roomId: string,
  userId: string,
  text: string,
  eventId: string,
  sheetEventId?: string,
): Promise<CommandOutcome> {
  if (isResendCommand(text)) return resendCommand(deps, transport, roomId, userId, eventId, sheetEventId);
  const cmd = parseAnswerCommand(text);
  if (cmd === undefined) return { kind: "ignored" };
  const found =
    cmd.requestId === undefined
      ? await openRequestOf(deps, roomId)
      : await requestNamed(deps, roomId, cmd.requestId);
  const requestId = found === AMBIGUOUS ? undefined : found;
  let outcome: CommandOutcome;
  if (found === AMBIGUOUS) {
    outcome = { kind: "refused", code: "AMBIGUOUS", fields: ["transferId"] };
  } else if (requestId === undefined) {
    outcome = { kind: "refused", code: "NOT_FOUND", fields: ["transferId"] };
  } else {
    const request = await new TransferRepository(deps.db.knex).get(requestId);
    if (request?.roomId !== roomId) outcome = { kind: "refused", code: "NOT_FOUND", fields: ["transferId"] };
    else {
      try {
        const result = await answerTeleexpertise(deps, requestId, cmd.answer, { matrixId: userId }, eventId);
        outcome = { kind: "answered", result };
      } catch (e) {
        if (!isPasserelleError(e)) throw e;
        outcome = { kind: "refused", code: e.code, fields: e.issues.map((i) => i.path) };
      }
    }
  }
  const members = await membersOf(deps, requestId ?? (await anyTransferOf(deps, roomId)));
  if (members.length > 0) {
    await transport.sendNotice(roomId, members, {
      txnId: `passerelle.command.${createHash("sha256").update(eventId).digest("hex").slice(0, 32)}`,
      bodyFr: replyFr(outcome),
    });
  }
  return outcome;
}

/** `!renvoyer`: queued (the worker is woken), or refused with a notice (to the room as it is: the refusal names nothing). */
async function resendCommand(
  deps: CreateTransferDeps,
  transport: NoticeTransport,
  roomId: string,
  userId: string,
  eventId: string,
  sheetEventId: string | undefined,
): Promise<CommandOutcome> {
  const outcome = await requestResend(deps, roomId, userId, eventId, sheetEventId);
  if (outcome.kind === "queued") deps.onQueued?.(outcome.transferId);
  if (outcome.kind === "refused") {
    // A stranger who asks is in the room: the refusal is encrypted for the room's members as they are.
    const members = await membersOf(deps, await anyTransferOf(deps, roomId));
    await transport.sendNotice(roomId, [...members, userId], {
      txnId: `passerelle.command.${createHash("sha256").update(eventId).digest("hex").slice(0, 32)}`,
      bodyFr: resendRefusedFr(outcome.code),
      replyTo: eventId,
    });
  }
  return { kind: "resend", outcome };
}

const AMBIGUOUS = Symbol("ambiguous");

/** The room's tele-expertise request waiting for its answer: {@link AMBIGUOUS} when there are several. */
async function openRequestOf(
  deps: CreateTransferDeps,
  roomId: string,
): Promise<string | typeof AMBIGUOUS | undefined> {
  const rows = (await deps.db
    .knex("transfers")
    .select("id")
    .where({ room_id: roomId, kind: "teleexpertise-request" })
    .whereIn("state", ["sent", "delivered", "read", "acknowledged"])
    .limit(2)) as { id: string }[];
  return rows.length > 1 ? AMBIGUOUS : rows[0]?.id;
}

/** The request named by its id or by its short reference (`DTE-…`, among the room's requests). */
async function requestNamed(deps: CreateTransferDeps, roomId: string, name: string): Promise<string> {
  const reference = parseReference(name);
  if (reference === undefined) return name;
  const ids = (await deps.db
    .knex("transfers")
    .where({ room_id: roomId, kind: "teleexpertise-request" })
    .pluck("id")) as string[];
  return ids.find((id) => transferReference("teleexpertise-request", id) === reference) ?? name;
}

/** Any transfer of the room (its members are the room's). */
async function anyTransferOf(deps: CreateTransferDeps, roomId: string): Promise<string | undefined> {
  const row = (await deps.db.knex("transfers").select("id").where("room_id", roomId).first()) as
    { id: string } | undefined;
  return row?.id;
}

async function membersOf(deps: CreateTransferDeps, transferId: string | undefined): Promise<string[]> {
  if (transferId === undefined) return [];
  return (await new TransferRepository(deps.db.knex).recipients(transferId)).map((r) => r.matrixId);
}

function replyFr(o: CommandOutcome): string {
  switch (o.kind) {
    case "answered":
      return `Réponse enregistrée : elle est signée et envoyée dans ce salon (réf. ${transferReference("teleexpertise-answer", o.result.answer.transferId)}).`;
    case "refused": {
      const why =
        o.code === "VALIDATION_FAILED"
          ? `champ(s) à corriger : ${o.fields.join(", ")}`
          : o.code === "FORBIDDEN"
            ? "seul l’expert sollicité peut répondre"
            : o.code === "CONFLICT"
              ? "la demande a déjà une réponse ou n’est pas encore délivrée"
              : o.code === "AMBIGUOUS"
                ? "plusieurs demandes attendent une réponse dans ce salon, précisez la référence de la demande : !answer DTE-…"
                : "aucune demande de téléexpertise en attente dans ce salon";
      return `Réponse refusée : ${why}. ${ANSWER_HELP_FR}`;
    }
    case "ignored":
    case "resend":
      return "";
  }
}
