/**
 * `createHttpApp(services, config)`: the versioned REST API under `/api/v1`, described
 * by the OpenAPI 3.1 document at `/api/v1/openapi.json`. Thin routes over the same service
 * functions as the CLI; security headers (helmet), rate limit per token (express-rate-limit),
 * body limits, problem details (RFC 9457) for every error, an access log without URLs or bodies.
 */
import express from "express";
import type { Express } from "express";
import { ipKeyGenerator, rateLimit } from "express-rate-limit";
import helmet from "helmet";
import type { HttpConfig } from "../config/index.ts";
import { fieldError, PasserelleError } from "../core/index.ts";
import { accessLog, errorMiddleware, methodGuard, queryGuard } from "./http.ts";
import { ApiMetrics } from "./metrics.ts";
import { authenticate, principalOf } from "./principal.ts";
import { adtRoutes } from "./routes/adt.ts";
import { auditRoutes } from "./routes/audit.ts";
import { cdaRoutes } from "./routes/cda.ts";
import { circleRoutes } from "./routes/circles.ts";
import { directoryRoutes } from "./routes/directory.ts";
import { documentRoutes } from "./routes/documents.ts";
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

const limited = (what: string) => (_req: unknown, _res: unknown, next: (e: unknown) => void) => {
  next(new PasserelleError("RATE_LIMITED", `too many requests ${what}; retry later`));
};

/**
 * Two windows of one minute: per client address before authentication (10× the limit: a flood of
 * made-up tokens cannot open a fresh window each), then per verified token subject.
 */
function limiters(config: HttpConfig) {
  const common = { windowMs: 60_000, standardHeaders: "draft-8", legacyHeaders: false } as const;
  return {
    perAddress: rateLimit({
      ...common,
      limit: config.rateLimitPerMinute * 10,
      keyGenerator: (req) => `ip:${ipKeyGenerator(req.ip ?? "unknown")}`,
      handler: limited("from this address"),
    }),
    perToken: rateLimit({
      ...common,
      limit: config.rateLimitPerMinute,
      identifier: "per-token",
      keyGenerator: (_req, res) => `token:${principalOf(res).subject}`,
      handler: limited("for this token"),
    }),
  };
}

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
  const { perAddress, perToken } = limiters(config);
  api.use(perAddress);
  api.use(methodGuard());
  api.use(queryGuard(services.forms));
  api.use(opsRoutes(services, metrics));
  // Bodies are read only for authenticated callers.
  api.use(authenticate(services));
  api.use(perToken);
  api.use(express.json({ limit: JSON_LIMIT, strict: true }));
  api.use(express.raw({ type: "application/pdf", limit: PDF_LIMIT }));
  api.use(formRoutes(services));
  api.use(sheetRoutes(services));
  api.use(transferRoutes(services));
  api.use(fhirRoutes(services));
  api.use(cdaRoutes(services));
  api.use(transferActionRoutes(services));
  api.use(directoryRoutes(services));
  api.use(auditRoutes(services));
  api.use(adtRoutes(services));
  api.use(circleRoutes(services));
  api.use(documentRoutes(services));
  app.use(API_PREFIX, api);

  app.use((_req, _res, next) => {
    next(
      fieldError("NOT_FOUND", "no such route", "url", "route", { en: "unknown route", fr: "route inconnue" }),
    );
  });
  app.use(errorMiddleware(services.log));
  return app;
}
