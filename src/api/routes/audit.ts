/** Audit (auditor): query, verify, JSON Lines export; and the coordinator's dashboard figures. */
import { createReadStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import { Router } from "express";
import { exportAudit, queryAudit } from "../../audit/index.ts";
import { cptsStats } from "../../transfers/index.ts";
import { route } from "./route.ts";
import type { ApiServices } from "../services.ts";
import { instantOf, queryOf } from "../validate.ts";

/** The `from` and `to` query parameters as instants, those absent left out. */
function periodOf(q: { from?: string; to?: string }): { from?: string; to?: string } {
  const from = instantOf(q.from);
  const to = instantOf(q.to);
  return { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
}

export function auditRoutes(services: ApiServices): Router {
  const r = Router();
  route(r, "get", "/audit", { roles: ["auditor"] }, async (req, res) => {
    const q = queryOf(services.forms, req, "GET /audit");
    const transfer = q.transfer;
    const page = await queryAudit(services.db.knex, {
      ...periodOf(q),
      ...(transfer === undefined ? {} : { transfer }),
      ...(q.after === undefined ? {} : { afterSeq: q.after }),
      limit: q.limit ?? 100,
    });
    res.json({
      entries: page.entries,
      ...(page.nextAfterSeq === undefined ? {} : { next: page.nextAfterSeq }),
    });
  });
  // The verdict names sequence numbers and reasons, never entry contents: coordinators may run it
  // from their dashboard; reading and exporting entries stay with auditors.
  route(r, "post", "/audit/verify", { roles: ["auditor", "coordinator"] }, async (_req, res) => {
    res.json(await services.trail.verify());
  });
  route(r, "get", "/audit/export", { roles: ["auditor"] }, async (req, res) => {
    const q = queryOf(services.forms, req, "GET /audit/export");
    const period = periodOf(q);
    const sheet = q.sheet;
    const dir = await mkdtemp(path.join(tmpdir(), "passerelle-export-"));
    try {
      const file = path.join(dir, "audit.jsonl");
      await exportAudit(services.trail, services.db.knex, file, sheet !== undefined ? { sheet } : period);
      res.type("application/jsonl").setHeader("Content-Disposition", 'attachment; filename="audit.jsonl"');
      await pipeline(createReadStream(file), res);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
  route(r, "get", "/stats", { roles: ["coordinator"] }, async (req, res) => {
    queryOf(services.forms, req, "GET /stats");
    res.json(await cptsStats(services.db.knex, services.clock.now()));
  });
  return r;
}
