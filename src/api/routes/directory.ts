/** `GET /me` and the directory: members (name prefix, profession), one member by RPPS, structures. */
import { Router } from "express";
import { PasserelleError } from "../../core/index.ts";
import { handler, pathParam } from "../http.ts";
import { principalOf } from "../principal.ts";
import type { ApiServices } from "../services.ts";
import { queryOf } from "../validate.ts";
import { memberView } from "../views.ts";

const invalid = (path: string, rule: string, en: string, fr: string): PasserelleError =>
  new PasserelleError("VALIDATION_FAILED", `invalid ${path}`, {
    issues: [{ path, rule, message: { en, fr } }],
  });

export function directoryRoutes(services: ApiServices): Router {
  const r = Router();
  const repo = services.directory.repository;
  r.get(
    "/me",
    handler((_req, res) => {
      const p = principalOf(res);
      res.json({
        actor: p.actor,
        issuer: p.issuer,
        roles: p.roles,
        ...(p.member === undefined ? {} : { member: memberView(p.member) }),
      });
      return Promise.resolve();
    }),
  );
  r.get(
    "/directory/members",
    handler(async (req, res) => {
      const q = queryOf(req, ["q", "profession"] as const);
      if (q.q !== undefined && q.q.length > 100)
        throw invalid("q", "maxLength", "at most 100 characters", "100 caractères au plus");
      if (q.profession !== undefined && !/^\d{1,3}$/.test(q.profession)) {
        throw invalid(
          "profession",
          "professionCode",
          "an Annuaire Santé profession code",
          "un code profession de l’Annuaire Santé",
        );
      }
      const members =
        q.q !== undefined && q.q.trim() !== ""
          ? (await repo.searchByName(q.q, 50)).filter(
              (m) => q.profession === undefined || m.professionCode === q.profession,
            )
          : await repo.listActive(q.profession, 200);
      res.json({ items: members.map(memberView) });
    }),
  );
  r.get(
    "/directory/members/:rpps",
    handler(async (req, res) => {
      const rpps = pathParam(req, "rpps");
      if (!/^\d{11}$/.test(rpps)) throw invalid("rpps", "rpps", "11 digits expected", "11 chiffres attendus");
      const m = await repo.findByRpps(rpps);
      if (m === undefined || !m.active) {
        throw new PasserelleError("NOT_FOUND", "no active member with this RPPS", {
          issues: [
            { path: "rpps", rule: "notFound", message: { en: "unknown member", fr: "membre inconnu" } },
          ],
        });
      }
      res.json(memberView(m));
    }),
  );
  r.get(
    "/directory/structures",
    handler(async (req, res) => {
      queryOf(req, []);
      res.json({ items: await repo.listStructures() });
    }),
  );
  return r;
}
