/**
 * The express glue shared by every route: ONE async wrapper ({@link handler}), ONE error
 * middleware ({@link errorMiddleware}), the content-type guard and the access log (route
 * template, status and duration only — never a URL with its ids, never a body).
 */
import type { ErrorRequestHandler, NextFunction, Request, RequestHandler, Response } from "express";
import { fieldError } from "../core/index.ts";
import type { FormRegistry } from "../forms/index.ts";
import { allowedMethods, operationOf } from "./openapi.ts";
import { queryOf } from "./validate.ts";
import { PROBLEM_CONTENT_TYPE, toPasserelleError, toProblem } from "./problem.ts";
import type { Log } from "../core/index.ts";

/** An async route body; what it throws goes to the error middleware. */
export type AsyncHandler = (req: Request, res: Response) => Promise<void>;

/**
 * The async wrapper: every route is written as `handler(async (req, res) => …)`; a rejection goes
 * to the error middleware. `middleware: true` calls `next()` after a successful run.
 */
export function handler(fn: AsyncHandler, middleware = false): RequestHandler {
  return (req: Request, res: Response, next: NextFunction): void => {
    fn(req, res).then(
      () => {
        if (middleware) next();
      },
      (e: unknown) => {
        next(e);
      },
    );
  };
}

/** Sends a problem document for `e`. */
export function sendProblem(res: Response, e: unknown): void {
  const problem = toProblem(toPasserelleError(e));
  res.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(JSON.stringify(problem));
}

/** The error middleware: every error becomes a problem document; 5xx are logged by code only. */
export function errorMiddleware(log: Log): ErrorRequestHandler {
  return (err: unknown, req, res, next) => {
    if (res.headersSent) {
      next(err);
      return;
    }
    const e = toPasserelleError(err);
    if (e.httpStatus >= 500) {
      log.error(
        {
          code: e.code,
          route: routeTemplate(req, typeof res.locals.base === "string" ? res.locals.base : undefined),
        },
        "request failed",
      );
    }
    sendProblem(res, e);
  };
}

/**
 * 405 for a method a documented path does not have (RFC 9110 §15.5.6), with `Allow` listing the
 * path's methods from the OpenAPI document's table; `OPTIONS` answers 204 with the same `Allow`.
 * Runs before authentication: the methods of a path are public, as the document is.
 */
export function methodGuard(): RequestHandler {
  return (req, res, next) => {
    const allowed = allowedMethods(req.path);
    if (allowed === undefined || allowed.includes(req.method)) {
      next();
      return;
    }
    res.setHeader("Allow", allowed.join(", "));
    if (req.method === "OPTIONS") {
      res.status(204).end();
      return;
    }
    next(
      fieldError("METHOD_NOT_ALLOWED", "method not allowed on this path", "method", "allow", {
        en: `allowed: ${allowed.join(", ")}`,
        fr: `méthodes permises : ${allowed.join(", ")}`,
      }),
    );
  };
}

/**
 * The query parameters of every documented operation checked against its `parameters` in the
 * document (validate.ts): an operation without query parameters refuses any.
 */
export function queryGuard(forms: FormRegistry): RequestHandler {
  return (req, _res, next) => {
    const key = operationOf(req.method, req.path);
    if (key !== undefined && Object.keys(req.query).length > 0) {
      try {
        queryOf(forms, req, key);
      } catch (e) {
        next(e);
        return;
      }
    }
    next();
  };
}

/** Requires the request body's media type (`application/json`, `application/pdf`) — else 415. */
export function requireBody(type: "application/json" | "application/pdf"): RequestHandler {
  return (req, _res, next) => {
    if (req.is(type) === false || req.headers["content-type"] === undefined) {
      next(
        fieldError(
          "UNSUPPORTED_MEDIA_TYPE",
          `the request body must be ${type}`,
          "content-type",
          "mediaType",
          { en: `${type} expected`, fr: `${type} attendu` },
        ),
      );
      return;
    }
    next();
  };
}

/** The matched route template (`/api/v1/transfers/:id`), or `(unmatched)`: never the raw URL. */
export function routeTemplate(req: Request, base: string = req.baseUrl): string {
  const route: unknown = req.route;
  const path =
    typeof route === "object" && route !== null && "path" in route && typeof route.path === "string"
      ? route.path
      : undefined;
  return path === undefined ? "(unmatched)" : `${base}${path}`;
}

/** Access log: method, route template, status, duration in ms. */
export function accessLog(log: Log): RequestHandler {
  return (req, res, next) => {
    const started = process.hrtime.bigint();
    const base = req.baseUrl; // the router's mount point; reset once an error leaves the router
    res.locals.base = base;
    res.on("finish", () => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      log.info(
        {
          method: req.method,
          route: routeTemplate(req, base),
          status: String(res.statusCode),
          ms: ms.toFixed(1),
        },
        "http",
      );
    });
    next();
  };
}

/** A named path parameter as one string ("" when absent or repeated). */
export function pathParam(req: Request, name: string): string {
  const v: unknown = (req.params as Record<string, unknown>)[name];
  return typeof v === "string" ? v : "";
}
