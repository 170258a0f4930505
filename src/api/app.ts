/**
 * `createHttpApp(services, config)`: the versioned REST API under `/api/v1` (issue 6), described
 * by the OpenAPI 3.1 document at `/api/v1/openapi.json`. Thin routes over the same service
 * functions as the CLI; security headers (helmet), rate limit per token (express-rate-limit),
 * body limits, problem details (RFC 9457) for every error, an access log without URLs or bodies.
 */
import { createHash } from "node:crypto";
import express from "express";
import type { Express } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import helmet from "helmet";
import type { HttpConfig } from "../config/index.ts";
import { PasserelleError } from "../core/index.ts";
import { accessLog, errorMiddleware } from "./http.ts";
import { ApiMetrics } from "./metrics.ts";
import { authenticate } from "./principal.ts";
import { auditRoutes } from "./routes/audit.ts";
import { directoryRoutes } from "./routes/directory.ts";
import { fhirRoutes } from "./routes/fhir.ts";
import { formRoutes } from "./routes/forms.ts";
import { opsRoutes } from "./routes/ops.ts";
import { sheetRoutes } from "./routes/sheets.ts";
import { transferActionRoutes } from "./routes/transfer-actions.ts";
import { transferRoutes } from "./routes/transfers.ts";
import type { ApiServices } from "./services.ts";

export const API_PREFIX = "/api/v1";
/** JSON bodies: a liaison sheet is a few kB; 1 MiB leaves room for long clinical text. */
export const JSON_LIMIT = "1mb";
/** `POST /verify`: signed PDFs. */
export const PDF_LIMIT = "20mb";

/** The rate-limit key of a bearer token (hashed: the key store never holds a token). */
const tokenKey = (authorization: string): string =>
  `token:${createHash("sha256").update(authorization).digest("hex").slice(0, 32)}`;

export function createHttpApp(services: ApiServices, config: HttpConfig): Express {
  const app = express();
  app.disable("x-powered-by");
  app.set("etag", false);
  app.set("query parser", "simple");
  const metrics = new ApiMetrics(services);
  const api = express.Router();
  api.use(accessLog(services.log));
  api.use(helmet());
  api.use((_req, res, next) => {
    res.setHeader("Cache-Control", "no-store"); // sheets and statuses must not sit in shared caches
    next();
  });
  api.use(
    rateLimit({
      windowMs: 60_000,
      limit: config.rateLimitPerMinute,
      standardHeaders: "draft-8",
      legacyHeaders: false,
      // Per token; requests without one, per client address (IPv6 by /56 subnet).
      keyGenerator: (req) =>
        req.headers.authorization === undefined
          ? `ip:${ipKeyGenerator(req.ip ?? "unknown")}`
          : tokenKey(req.headers.authorization),
      handler: (_req, _res, next) => {
        next(new PasserelleError("RATE_LIMITED", "too many requests for this token; retry later"));
      },
    }),
  );
  api.use(express.json({ limit: JSON_LIMIT, strict: true }));
  api.use(express.raw({ type: "application/pdf", limit: PDF_LIMIT }));

  api.use(opsRoutes(services, metrics));
  api.use(authenticate(services));
  api.use(formRoutes(services));
  api.use(sheetRoutes(services));
  api.use(transferRoutes(services));
  api.use(fhirRoutes(services));
  api.use(transferActionRoutes(services));
  api.use(directoryRoutes(services));
  api.use(auditRoutes(services));
  app.use(API_PREFIX, api);

  app.use((_req, _res, next) => {
    next(
      new PasserelleError("NOT_FOUND", "no such route", {
        issues: [{ path: "url", rule: "route", message: { en: "unknown route", fr: "route inconnue" } }],
      }),
    );
  });
  app.use(errorMiddleware(services.log));
  return app;
}
