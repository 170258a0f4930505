/**
 * The shape every authenticated API route shares: the role gate (403) and the body's media type
 * (415, RFC 9110 §15.5.16) checked first, in that order; the async wrapper that turns what the
 * route throws into a problem document (RFC 9457); and the caller, handed to the route body.
 */
import type { Request, Response, Router } from "express";
import type { Role } from "../../directory/index.ts";
import { handler, requireBody } from "../http.ts";
import type { Principal } from "../principal.ts";
import { principalOf, requireRole } from "../principal.ts";

export interface RouteGuards {
  /** The caller must hold one of these roles (403 otherwise); any authenticated caller when absent. */
  readonly roles?: readonly Role[];
  /** The request body's media type (415 otherwise); when absent, the route reads no body. */
  readonly body?: "application/json" | "application/pdf";
}

/** A route body: the request, the response and the authenticated caller. */
export type RouteBody = (req: Request, res: Response, caller: Principal) => Promise<void>;

/** Adds `method path` to `r`: the `guards`, then `body` with the caller. */
export function route(
  r: Router,
  method: "get" | "post",
  path: string,
  guards: RouteGuards,
  body: RouteBody,
): void {
  r[method](
    path,
    ...(guards.roles === undefined ? [] : [requireRole(...guards.roles)]),
    ...(guards.body === undefined ? [] : [requireBody(guards.body)]),
    handler((req, res) => body(req, res, principalOf(res))),
  );
}
