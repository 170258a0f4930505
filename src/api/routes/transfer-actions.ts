/**
 * Actions on a transfer: `POST /transfers/{id}/acknowledge` (a recipient; the same
 * `recordAcknowledgement` as an `!ack` in the room) and `POST /transfers/{id}/answer` (the requested
 * specialist; the service function is wired by the tele-expertise work — absent, a 409).
 */
import { Router } from "express";
import { fieldError, PasserelleError } from "../../core/index.ts";
import { recordAcknowledgement } from "../../transfers/index.ts";
import { route } from "./route.ts";
import { hasRole } from "../principal.ts";
import type { ApiServices } from "../services.ts";
import { enabled } from "../services.ts";
import { checkBody } from "../validate.ts";
import { visibleStatus } from "./transfers.ts";

export function transferActionRoutes(services: ApiServices): Router {
  const r = Router();
  const ctx = { db: services.db, trail: services.trail, clock: services.clock };
  route(r, "post", "/transfers/:id/acknowledge", {}, async (req, res, p) => {
    const s = await visibleStatus(services, req, p);
    const member = p.member;
    const isRecipient = member !== undefined && s.recipients.some((x) => x.memberId === member.id);
    if (member?.matrixId === undefined || !isRecipient) {
      throw fieldError(
        "FORBIDDEN",
        "only a recipient of the transfer can acknowledge it",
        "id",
        "recipient",
        { en: "not a recipient", fr: "vous n’êtes pas destinataire" },
      );
    }
    const outcome = await recordAcknowledgement(
      ctx,
      { transferId: s.transfer.id },
      member.matrixId,
      services.clock.now(),
    );
    if (outcome === "ignored") throw new PasserelleError("FORBIDDEN", "not a recipient of the transfer");
    const after = await services.transferStatus(s.transfer.id);
    res.json({ id: s.transfer.id, state: after.transfer.state, outcome });
  });

  route(r, "post", "/transfers/:id/answer", { body: "application/json" }, async (req, res, p) => {
    const s = await visibleStatus(services, req, p);
    const body = checkBody(services.forms, req.body, "AnswerRequest");
    const member = p.member;
    if (
      !hasRole(p, "specialist") ||
      member?.rpps === undefined ||
      !s.recipients.some((x) => x.memberId === member.id)
    ) {
      throw fieldError("FORBIDDEN", "only the requested specialist can answer", "id", "specialist", {
        en: "not the requested specialist",
        fr: "réservé au spécialiste sollicité",
      });
    }
    if (s.transfer.kind !== "teleexpertise-request") {
      throw fieldError("CONFLICT", "only a tele-expertise request can be answered", "id", "kind", {
        en: "not a tele-expertise request",
        fr: "pas une demande de téléexpertise",
      });
    }
    const answer = enabled(services, "answerTeleexpertise");
    const done = await answer(s.transfer.id, body.data, { rpps: member.rpps });
    res.json({ id: done.requestId, state: "answered", answerId: done.answer.transferId });
  });

  return r;
}
