/**
 * Who is calling, and what they may do. Roles come from the directory member matching the token's
 * RPPS (a local token may narrow them to the one role it was issued for); a service account (local
 * token without RPPS) has its token's role. Authentication middleware and role gates.
 */
import type { RequestHandler, Response } from "express";
import { fieldError, PasserelleError } from "../core/index.ts";
import type { Member, Role } from "../directory/index.ts";
import { memberAuditId } from "../directory/index.ts";
import { handler } from "./http.ts";
import type { ApiServices } from "./services.ts";

export interface Principal {
  /** Audit actor: `rpps:…` for practitioners, `api:…` for service accounts. */
  readonly actor: string;
  /** Stable per-token key for rate limiting. */
  readonly subject: string;
  readonly issuer: "local" | "oidc";
  readonly roles: readonly Role[];
  readonly member?: Member;
}

/** FORBIDDEN (403) naming the field and the rule the caller does not meet. */
export const refuse = (path: string, rule: string, en: string, fr: string): PasserelleError =>
  fieldError("FORBIDDEN", en, path, rule, { en, fr });

const forbidden = (en: string, fr: string, path = "authorization"): PasserelleError =>
  refuse(path, "role", en, fr);

/** The principal of an authenticated request (set by {@link authenticate}). */
export function principalOf(res: Response): Principal {
  const p: unknown = res.locals.principal;
  if (typeof p !== "object" || p === null) throw new PasserelleError("UNAUTHENTICATED", "not authenticated");
  return p as Principal;
}

/** `Authorization: Bearer <JWT>` → {@link Principal} in `res.locals`; else 401 / 403. */
export function authenticate(services: ApiServices): RequestHandler {
  return handler(async (req, res) => {
    const header = req.headers.authorization;
    const m = header === undefined ? null : /^Bearer ([A-Za-z0-9._~+/=-]+)$/.exec(header.trim());
    if (m?.[1] === undefined) {
      res.setHeader("WWW-Authenticate", 'Bearer realm="passerelle"');
      throw fieldError("UNAUTHENTICATED", "a bearer token is required", "authorization", "bearer", {
        en: "Authorization: Bearer <token> required",
        fr: "jeton d’accès requis",
      });
    }
    const claims = await services.tokens.verify(m[1]).catch((e: unknown) => {
      res.setHeader("WWW-Authenticate", 'Bearer realm="passerelle", error="invalid_token"');
      throw e;
    });
    let principal: Principal;
    if (claims.rpps !== undefined) {
      const member = await services.directory.repository.findByRpps(claims.rpps);
      if (member === undefined || !member.active) {
        throw forbidden(
          "this RPPS is not an active member of the CPTS",
          "ce RPPS n’est pas membre actif de la CPTS",
        );
      }
      const roles = claims.role === undefined ? member.roles : member.roles.filter((r) => r === claims.role);
      if (roles.length === 0) {
        throw forbidden("the member does not hold the token's role", "le membre n’a pas le rôle du jeton");
      }
      principal = {
        actor: memberAuditId(member),
        subject: `${claims.issuer}:${claims.subject}`,
        issuer: claims.issuer,
        roles,
        member,
      };
    } else {
      const sub = claims.subject.replace(/[^A-Za-z0-9._@:-]/g, "_").slice(0, 190) || "unknown";
      principal = {
        actor: `api:${sub}`,
        subject: `${claims.issuer}:${claims.subject}`,
        issuer: claims.issuer,
        roles: claims.role === undefined ? [] : [claims.role],
      };
    }
    res.locals.principal = principal;
  }, true);
}

/** Allows the request when the principal holds one of `roles`; else 403. */
export function requireRole(...roles: readonly Role[]): RequestHandler {
  return (_req, res, next) => {
    const p = principalOf(res);
    if (!p.roles.some((r) => roles.includes(r))) {
      next(
        forbidden(`one of the roles ${roles.join(", ")} is required`, `rôle requis : ${roles.join(", ")}`),
      );
      return;
    }
    next();
  };
}

export const hasRole = (p: Principal, ...roles: readonly Role[]): boolean =>
  p.roles.some((r) => roles.includes(r));
