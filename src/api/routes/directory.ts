/** `GET /me` and the directory: members (name prefix, profession), one member by RPPS, structures. */
import { Router } from "express";
import type { PasserelleError } from "../../core/index.ts";
import { fieldError } from "../../core/index.ts";
import { pathParam } from "../http.ts";
import { route } from "./route.ts";
import type { ApiServices } from "../services.ts";
import { queryOf } from "../validate.ts";
import { memberView } from "../views.ts";

const invalid = (path: string, rule: string, en: string, fr: string): PasserelleError =>
  fieldError("VALIDATION_FAILED", `invalid ${path}`, path, rule, { en, fr });

export function directoryRoutes(services: ApiServices): Router {
  const r = Router();
  const repo = services.directory.repository;
  route(r, "get", "/me", {}, (_req, res, p) => {
    res.json({
      actor: p.actor,
      issuer: p.issuer,
      roles: p.roles,
      ...(p.member === undefined ? {} : { member: memberView(p.member) }),
    });
    return Promise.resolve();
  });
  route(r, "get", "/directory/members", {}, async (req, res) => {
    const q = queryOf(services.forms, req, "GET /directory/members");
    const { q: name, profession } = q;
    const members =
      name !== undefined && name.trim() !== ""
        ? (await repo.searchByName(name, 50)).filter(
            (m) => profession === undefined || m.professionCode === profession,
          )
        : await repo.listActive(profession, 200);
    res.json({ items: members.map(memberView) });
  });
  route(r, "get", "/directory/members/:rpps", {}, async (req, res) => {
    const rpps = pathParam(req, "rpps");
    if (!/^\d{11}$/.test(rpps)) throw invalid("rpps", "rpps", "11 digits expected", "11 chiffres attendus");
    const m = await repo.findByRpps(rpps);
    if (m === undefined || !m.active) {
      throw fieldError("NOT_FOUND", "no active member with this RPPS", "rpps", "notFound", {
        en: "unknown member",
        fr: "membre inconnu",
      });
    }
    res.json(memberView(m));
  });
  route(r, "get", "/directory/structures", {}, async (req, res) => {
    queryOf(services.forms, req, "GET /directory/structures");
    res.json({ items: await repo.listStructures() });
  });
  return r;
}
