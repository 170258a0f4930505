/** `GET /health` (the process answers), `/ready` (the database answers), `/metrics`, `/openapi.json` — no token needed. */
import { Router } from "express";
import { handler } from "../http.ts";
import type { ApiMetrics } from "../metrics.ts";
import { openApiDocument } from "../openapi.ts";
import type { ApiServices } from "../services.ts";

export function opsRoutes(services: ApiServices, metrics: ApiMetrics): Router {
  const r = Router();
  r.get(
    "/health",
    handler((_req, res) => {
      res.json({ status: "ok", time: services.clock.now().toISOString() });
      return Promise.resolve();
    }),
  );
  r.get(
    "/ready",
    handler(async (_req, res) => {
      try {
        await services.db.knex.raw("select 1");
      } catch {
        res.status(503).json({ status: "unavailable", checks: { database: "down" } });
        return;
      }
      res.json({ status: "ready", checks: { database: "up" } });
    }),
  );
  r.get(
    "/metrics",
    handler(async (_req, res) => {
      const m = await metrics.render();
      res.type(m.contentType).send(m.body);
    }),
  );
  r.get(
    "/openapi.json",
    handler((_req, res) => {
      res.json(openApiDocument(services.forms));
      return Promise.resolve();
    }),
  );
  return r;
}
