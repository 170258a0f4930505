/**
 * `POST /adt/events`: the JSON equivalent of an HL7 v2.5 ADT message (IHE PAM France),
 * for hospitals without an ADT interface. The body is validated field by field, stored and audited
 * by the same `receiveAdtJson` as the MLLP intake, then the ADT processor is woken.
 *
 * Who may post: the caller holds the `sender` role and is either a service account (a local token
 * without RPPS: the hospital's admission system) or a member of a hospital structure (the hospital
 * itself or one of its units) posting for that hospital's FINESS (`stay.facility`).
 */
import { Router } from "express";
import type { DirectoryRepository, Structure } from "../../directory/index.ts";
import { route } from "./route.ts";
import type { Principal } from "../principal.ts";
import { hasRole, refuse } from "../principal.ts";
import type { ApiServices } from "../services.ts";
import { enabled } from "../services.ts";

/** The hospital a member belongs to: their structure if it is a hospital, else its hospital parent. */
async function hospitalOf(
  repo: DirectoryRepository,
  structureId: number | undefined,
): Promise<Structure | undefined> {
  const s = structureId === undefined ? undefined : await repo.getStructure(structureId);
  if (s === undefined || s.kind === "hospital") return s;
  const parent = s.parentId === undefined ? undefined : await repo.getStructure(s.parentId);
  return parent?.kind === "hospital" ? parent : undefined;
}

/**
 * The hospital a `sender` posts for: none for a service account (a local token without RPPS: the
 * hospital's own system), else the caller's hospital; anyone else is refused (403). Shared with
 * the document intake.
 */
export async function hospitalSender(services: ApiServices, p: Principal): Promise<Structure | undefined> {
  if (!hasRole(p, "sender"))
    throw refuse("authorization", "role", "the sender role is required", "rôle requis : sender");
  if (p.member === undefined) return undefined;
  const hospital = await hospitalOf(services.directory.repository, p.member.structureId);
  if (hospital?.finess === undefined) {
    throw refuse(
      "authorization",
      "hospital",
      "only a hospital's staff or its service account may post ADT events or documents",
      "réservé au personnel ou au compte de service d’un établissement",
    );
  }
  return hospital;
}

/** Service accounts post for any facility; hospital staff only for their hospital's FINESS. */
async function checkSender(services: ApiServices, p: Principal, body: unknown): Promise<void> {
  const hospital = await hospitalSender(services, p);
  if (hospital === undefined) return;
  const stay = typeof body === "object" && body !== null ? (body as { stay?: unknown }).stay : undefined;
  const facility =
    typeof stay === "object" && stay !== null ? (stay as { facility?: unknown }).facility : undefined;
  if (typeof facility === "string" && facility !== hospital.finess) {
    throw refuse(
      "stay.facility",
      "facility",
      "not the caller's hospital",
      "pas l’établissement de l’appelant",
    );
  }
}

export function adtRoutes(services: ApiServices): Router {
  const r = Router();
  route(r, "post", "/adt/events", { roles: ["sender"], body: "application/json" }, async (req, res, p) => {
    await checkSender(services, p, req.body);
    const receive = enabled(services, "receiveAdt");
    const a = await receive(req.body, p.actor);
    res.status(202).json({ outcome: a.outcome, messageId: a.messageId, patientRef: a.patientRef });
  });
  return r;
}
