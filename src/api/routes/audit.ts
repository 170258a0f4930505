/** Audit (auditor): query, verify, JSON Lines export; and the coordinator's dashboard figures. */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Router } from "express";
import { exportAudit, queryAudit } from "../../audit/index.ts";
import { cptsStats } from "../../transfers/index.ts";
import { handler } from "../http.ts";
import { requireRole } from "../principal.ts";
import type { ApiServices } from "../services.ts";
import { idParam, intParam, isoParam, queryOf } from "../validate.ts";

const opaque = (name: string, v: string | undefined): string | undefined =>
  v === undefined ? undefined : idParam(name, v);

export function auditRoutes(services: ApiServices): Router {
  const r = Router();
  r.get(
    "/audit",
    requireRole("auditor"),
    handler(async (req, res) => {
      const q = queryOf(req, ["from", "to", "transfer", "after", "limit"] as const);
      const from = isoParam("from", q.from);
      const to = isoParam("to", q.to);
      const transfer = opaque("transfer", q.transfer);
      const page = await queryAudit(services.db.knex, {
        ...(from === undefined ? {} : { from }),
        ...(to === undefined ? {} : { to }),
        ...(transfer === undefined ? {} : { transfer }),
        ...(q.after === undefined
          ? {}
          : { afterSeq: intParam("after", q.after, 0, 0, Number.MAX_SAFE_INTEGER) }),
        limit: intParam("limit", q.limit, 100, 1, 1000),
      });
      res.json({
        entries: page.entries,
        ...(page.nextAfterSeq === undefined ? {} : { next: page.nextAfterSeq }),
      });
    }),
  );
  r.post(
    "/audit/verify",
    requireRole("auditor"),
    handler(async (_req, res) => {
      res.json(await services.trail.verify());
    }),
  );
  r.get(
    "/audit/export",
    requireRole("auditor"),
    handler(async (req, res) => {
      const q = queryOf(req, ["from", "to", "sheet"] as const);
      const from = isoParam("from", q.from);
      const to = isoParam("to", q.to);
      const sheet = opaque("sheet", q.sheet);
      const dir = await mkdtemp(path.join(tmpdir(), "passerelle-export-"));
      try {
        const file = path.join(dir, "audit.jsonl");
        await exportAudit(
          services.trail,
          services.db.knex,
          file,
          sheet !== undefined
            ? { sheet }
            : { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) },
        );
        res.type("application/jsonl").setHeader("Content-Disposition", 'attachment; filename="audit.jsonl"');
        await pipeline(createReadStream(file), res);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    }),
  );
  r.get(
    "/stats",
    requireRole("coordinator"),
    handler(async (req, res) => {
      queryOf(req, []);
      res.json(await cptsStats(services.db.knex, services.clock.now()));
    }),
  );
  return r;
}
