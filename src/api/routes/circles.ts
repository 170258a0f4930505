/**
 * Care circles over HTTP: `POST /circles/join`, `/circles/leave`, `/circles/objection`,
 * `/circles/list`. The INS travels in the JSON body only, never in a URL or a log. Each calls the
 * same `CircleService` as the CLI and the Matrix `!circle` command, which audits every change
 * (`circle.joined`, `circle.left`, `circle.objection_*`) with the caller as actor.
 *
 * Roles: a professional (recipient or specialist) joins or leaves for themself (their RPPS from the
 * token); a coordinator may act for another member (`rpps`), record or lift an objection, and list
 * any circle; a current member of a circle may list it.
 */
import { Router } from "express";
import type { CircleService } from "../../circles/index.ts";
import { fieldError } from "../../core/index.ts";
import { route } from "./route.ts";
import type { Principal } from "../principal.ts";
import { hasRole, refuse } from "../principal.ts";
import type { ApiServices } from "../services.ts";
import { enabled } from "../services.ts";
import type { RequestBody, RequestSchemas } from "../openapi-schemas.ts";
import { checkBody } from "../validate.ts";

/** The RPPS a join/leave acts for: the caller's own, or (coordinator) another member's. */
function targetRpps(p: Principal, rpps: string | undefined): string {
  const own = p.member?.rpps;
  if (rpps !== undefined && rpps !== own) {
    if (!hasRole(p, "coordinator"))
      throw refuse(
        "rpps",
        "coordinator",
        "only a coordinator acts for another member",
        "réservé au coordinateur",
      );
    return rpps;
  }
  if (own === undefined) {
    throw fieldError("VALIDATION_FAILED", "rpps: required for a caller without RPPS", "rpps", "required", {
      en: "required",
      fr: "obligatoire",
    });
  }
  if (!hasRole(p, "recipient", "specialist", "coordinator")) {
    throw refuse(
      "authorization",
      "role",
      "one of the roles recipient, specialist, coordinator is required",
      "rôle requis : recipient, specialist, coordinator",
    );
  }
  return own;
}

export function circleRoutes(services: ApiServices): Router {
  const r = Router();
  /** A circle route: the caller, its checked body (schema `name`) and the service; answers JSON. */
  const post = <N extends keyof RequestSchemas>(
    path: string,
    name: N,
    work: (p: Principal, body: RequestBody<N>, circles: CircleService) => Promise<unknown>,
  ): void => {
    route(r, "post", path, { body: "application/json" }, async (req, res, p) => {
      const body = checkBody(services.forms, req.body, name);
      res.json(await work(p, body, enabled(services, "circles")));
    });
  };
  post("/circles/join", "CircleChange", async (p, body, circles) => {
    const rpps = targetRpps(p, body.rpps);
    const done = await circles.join(
      {
        ins: body.ins,
        rpps,
        source: "api",
        ...(body.consent === undefined ? {} : { consent: body.consent }),
        ...(body.since === undefined ? {} : { since: body.since }),
      },
      p.actor,
    );
    return { patientRef: done.patientRef, memberRef: `rpps:${rpps}`, created: done.created };
  });
  post("/circles/leave", "CircleLeave", async (p, body, circles) => {
    const rpps = targetRpps(p, body.rpps);
    const done = await circles.leave(body.ins, rpps, p.actor);
    return { patientRef: circles.patientRef(body.ins), memberRef: `rpps:${rpps}`, removed: done.removed };
  });
  post("/circles/objection", "CircleObjection", async (p, body, circles) => {
    if (!hasRole(p, "coordinator"))
      throw refuse("authorization", "role", "the coordinator role is required", "rôle requis : coordinator");
    if (body.objected) await circles.recordObjection(body.ins, "api", p.actor);
    else await circles.liftObjection(body.ins, "api", p.actor);
    return { patientRef: circles.patientRef(body.ins), objected: body.objected };
  });
  post("/circles/list", "CircleQuery", async (p, body, circles) => {
    const circle = await circles.list(body.ins);
    const member = p.member;
    const inCircle =
      member !== undefined &&
      hasRole(p, "recipient", "specialist") &&
      circle.members.some((m) => m.memberId === member.id);
    if (!hasRole(p, "coordinator") && !inCircle) {
      throw refuse(
        "authorization",
        "circle",
        "only a coordinator or a member of this circle",
        "réservé au coordinateur ou aux membres du cercle",
      );
    }
    return {
      patientRef: circle.patientRef,
      ...(circle.objectionAt === undefined ? {} : { objectionAt: circle.objectionAt }),
      members: circle.members.map((m) => ({
        memberRef: m.memberRef,
        ...(m.rpps === undefined ? {} : { rpps: m.rpps }),
        displayName: m.displayName,
        professionCode: m.professionCode,
        since: m.since,
        source: m.source,
        consent: m.consent,
      })),
    };
  });
  return r;
}
