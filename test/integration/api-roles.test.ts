/**
 * The HTTP API's roles (issue 6) over real sqlite and PostgreSQL, audit, directory and signer: who sees which
 * transfer, who may create, acknowledge, answer, read the audit and the dashboard, and that every
 * read of a sheet is audited (access.viewed, access.downloaded).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../../src/demo/cpts.ts";
import { exampleSheet } from "../helpers/sheets.ts";
import { tempDir } from "../helpers/tmp.ts";
import { call, problemOf } from "./api/client.ts";
import { engines, envFor } from "./postgres.ts";
import type { ApiFixture } from "./api/fixture.ts";
import { demo, openApiFixture } from "./api/fixture.ts";

let f: ApiFixture;
let cleanup: () => Promise<void>;
let discharge: string; // dr.berard (geriatrics unit) → GP + nurse
let request: string; // dr.martin (city GP) → cardiologist (tele-expertise)

const parisToday = new Intl.DateTimeFormat("en-CA", { timeZone: "Europe/Paris" }).format(new Date());

async function ids(token: string, query = ""): Promise<string[]> {
  const r = await call(`${f.api}/transfers${query}`, { token });
  expect(r.status, JSON.stringify(r.json)).toBe(200);
  return (r.json as { items: { id: string }[] }).items.map((t) => t.id).sort();
}

describe.each(engines())("API roles on $name", (engine) => {
  beforeAll(async () => {
    await engine.setup();
    const t = await tempDir("passerelle-api-roles-");
    cleanup = t.cleanup;
    f = await openApiFixture(t.dir, { env: envFor(await engine.fresh(), t.dir) });
    const sheet = exampleSheet("discharge");
    sheet.data.stay = { ...sheet.data.stay, admissionDate: "2026-01-05", dischargeDate: parisToday };
    const a = await call(`${f.api}/transfers`, {
      token: await f.token("dr.berard"),
      json: { sheet, to: [demo("dr.martin").rpps, demo("ide.bernard").rpps] },
    });
    expect(a.status, JSON.stringify(a.json)).toBe(201);
    discharge = (a.json as { id: string }).id;
    const b = await call(`${f.api}/transfers`, {
      token: await f.token("dr.martin", "sender"),
      json: { sheet: exampleSheet("teleexpertise-request"), to: [demo("dr.roussel").rpps] },
    });
    expect(b.status, JSON.stringify(b.json)).toBe(201);
    request = (b.json as { id: string }).id;
    // A second cardiologist, in the unit of the requested one: sees the unit's requests.
    const units = await f.services.directory.repository.listStructures();
    const cardio = units.find((s) => s.name === DEMO_UNITS.cardiologie);
    await f.services.directory.addMember(
      {
        rpps: "99900003023",
        name: "Dr Lucie Caron",
        professionCode: "10",
        roles: ["recipient"],
        matrixId: "@dr.caron:localhost",
        ...(cardio === undefined ? {} : { structureId: cardio.id }),
      },
      "system:test",
    );
  }, 60_000);
  afterAll(async () => {
    await f.close();
    await cleanup();
    await engine.teardown();
  });

  describe("visibility by role", () => {
    it("a sender sees their unit's transfers; a recipient those addressed to them; a coordinator all", async () => {
      expect(await ids(await f.token("dr.berard"))).toEqual([discharge]);
      expect(await ids(await f.token("dr.martin", "recipient"))).toEqual([discharge]);
      expect(await ids(await f.token("dr.martin", "sender"))).toEqual([request]);
      // The nurse is the example request's requester: she is in its room, and its answer comes back to her.
      expect(await ids(await f.token("ide.bernard", "recipient"))).toEqual([discharge, request].sort());
      expect(await ids(await f.token("ide.haddad", "recipient"))).toEqual([]);
      expect(await ids(await f.token("dr.roussel", "specialist"))).toEqual([request]);
      expect(await ids(await f.token("coord.morel", "coordinator"))).toEqual([discharge, request].sort());
    });

    it("a recipient sees what is addressed to their structure", async () => {
      const { issueLocalToken } = await import("../../src/api/index.ts");
      const caron = await issueLocalToken(f.tokenKey, {
        role: "recipient",
        rpps: "99900003023",
        ttlSeconds: 600,
      });
      expect(await ids(caron)).toEqual([request]);
    });

    it("someone else's transfer is a 404 on every transfer route, and nothing is audited", async () => {
      const haddad = await f.token("ide.haddad", "recipient");
      const head = (await f.services.trail.head()).seq;
      for (const sub of ["", "/history", "/pdf"]) {
        const r = await call(`${f.api}/transfers/${discharge}${sub}`, { token: haddad });
        expect(r.status, sub).toBe(404);
        expect(r.contentType).toContain("application/problem+json");
        expect(problemOf(r).code).toBe("NOT_FOUND");
      }
      const ack = await call(`${f.api}/transfers/${discharge}/acknowledge`, {
        token: haddad,
        method: "POST",
      });
      expect(ack.status).toBe(404);
      expect((await f.services.trail.head()).seq).toBe(head);
    });

    it("an auditor reads the audit only; the coordinator the dashboard and the chain's verdict, not the entries", async () => {
      const auditor = await f.token("coord.morel", "auditor");
      const coordinator = await f.token("coord.morel", "coordinator");
      expect((await call(`${f.api}/transfers`, { token: auditor })).status).toBe(403);
      expect((await call(`${f.api}/transfers/${discharge}`, { token: auditor })).status).toBe(403);
      expect((await call(`${f.api}/audit`, { token: auditor })).status).toBe(200);
      expect((await call(`${f.api}/audit`, { token: coordinator })).status).toBe(403);
      expect((await call(`${f.api}/stats`, { token: auditor })).status).toBe(403);
      expect((await call(`${f.api}/audit/export`, { token: coordinator })).status).toBe(403);
      const verdict = await call(`${f.api}/audit/verify`, { token: coordinator, method: "POST" });
      expect(verdict.status).toBe(200);
      expect(JSON.stringify(verdict.json)).not.toMatch(/"(payload|actor|patient)"/);
    });

    it("only senders create transfers and previews", async () => {
      const nurse = await f.token("ph.laurent", "recipient");
      const before = await f.services.db.knex("transfers").count({ n: "*" }).first();
      const r = await call(`${f.api}/transfers`, {
        token: nurse,
        json: { sheet: exampleSheet("discharge"), to: [demo("dr.martin").rpps] },
      });
      expect(r.status).toBe(403);
      expect(problemOf(r).code).toBe("FORBIDDEN");
      const p = await call(`${f.api}/sheets/preview`, { token: nurse, json: exampleSheet("discharge") });
      expect(p.status).toBe(403);
      expect(await f.services.db.knex("transfers").count({ n: "*" }).first()).toEqual(before);
    });

    it("a token for a role the member does not hold, or an unknown RPPS, is refused", async () => {
      const { issueLocalToken } = await import("../../src/api/index.ts");
      const fake = await issueLocalToken(f.tokenKey, {
        role: "coordinator",
        rpps: demo("ide.haddad").rpps,
        ttlSeconds: 60,
      });
      expect((await call(`${f.api}/me`, { token: fake })).status).toBe(403);
      const stranger = await issueLocalToken(f.tokenKey, {
        role: "sender",
        rpps: "99900009988",
        ttlSeconds: 60,
      });
      expect((await call(`${f.api}/me`, { token: stranger })).status).toBe(403);
    });
  });

  describe("sheet access is audited", () => {
    it("GET /transfers/{id} appends access.viewed and the PDF access.downloaded, with the reader as actor", async () => {
      const martin = await f.token("dr.martin", "recipient");
      const view = await call(`${f.api}/transfers/${discharge}`, { token: martin });
      expect(view.status).toBe(200);
      expect(view.json).toMatchObject({ id: discharge, state: "queued", form: "discharge@1" });
      const pdf = await call(`${f.api}/transfers/${discharge}/pdf`, { token: martin });
      expect(pdf.status).toBe(200);
      expect(pdf.contentType).toBe("application/pdf");
      expect(pdf.body.subarray(0, 5).toString()).toBe("%PDF-");
      const audit = await call(`${f.api}/audit?transfer=${discharge}`, {
        token: await f.token("coord.morel", "auditor"),
      });
      const entries = (audit.json as { entries: { action: string; actor: string; pdfSha256?: string }[] })
        .entries;
      expect(entries.filter((e) => e.action === "access.viewed").map((e) => e.actor)).toEqual([
        `rpps:${demo("dr.martin").rpps}`,
      ]);
      const dl = entries.filter((e) => e.action === "access.downloaded");
      expect(dl).toHaveLength(1);
      expect(dl[0]?.pdfSha256).toMatch(/^[0-9a-f]{64}$/);
      // The downloaded PDF verifies through the API.
      const v = await call(`${f.api}/verify`, {
        token: martin,
        body: pdf.body,
        contentType: "application/pdf",
      });
      expect(v.status).toBe(200);
      expect(v.json).toMatchObject({
        valid: true,
        signatureValid: true,
        byteRangeCoversWholeFile: true,
        chainTrusted: true,
      });
      // No patient data in the audit.
      expect(JSON.stringify(audit.json)).not.toMatch(/MARCHAL|248037511204721|Odette/);
    });
  });

  describe("acknowledge and answer", () => {
    it("a recipient acknowledges once (then duplicate); a sender cannot", async () => {
      const berard = await f.token("dr.berard");
      const no = await call(`${f.api}/transfers/${discharge}/acknowledge`, { token: berard, method: "POST" });
      expect(no.status).toBe(403);
      const nurse = await f.token("ide.bernard", "recipient");
      const yes = await call(`${f.api}/transfers/${discharge}/acknowledge`, { token: nurse, method: "POST" });
      expect(yes.status, JSON.stringify(yes.json)).toBe(200);
      expect(yes.json).toEqual({ id: discharge, state: "acknowledged", outcome: "recorded" });
      const again = await call(`${f.api}/transfers/${discharge}/acknowledge`, {
        token: nurse,
        method: "POST",
      });
      expect(again.json).toEqual({ id: discharge, state: "acknowledged", outcome: "duplicate" });
      const hist = await call(`${f.api}/transfers/${discharge}/history`, { token: nurse });
      const steps = (hist.json as { events: { step: string; memberRef?: string }[] }).events;
      expect(steps.filter((e) => e.step === "acknowledged")).toEqual([
        expect.objectContaining({ memberRef: `rpps:${demo("ide.bernard").rpps}` }),
      ]);
    });

    it("answers: only the requested specialist; not wired on this branch → 409 naming the reason", async () => {
      const answer = exampleSheet("teleexpertise-answer").data;
      const gp = await call(`${f.api}/transfers/${request}/answer`, {
        token: await f.token("dr.martin", "sender"),
        json: { data: answer },
      });
      expect(gp.status).toBe(403);
      const r = await call(`${f.api}/transfers/${request}/answer`, {
        token: await f.token("dr.roussel", "specialist"),
        json: { data: answer },
      });
      expect(r.status).toBe(409);
      expect(problemOf(r).paths).toEqual(["id"]);
    });
  });

  describe("dashboard", () => {
    it("counts discharge letters sent on the day of discharge and tele-expertise requests by state", async () => {
      const r = await call(`${f.api}/stats`, { token: await f.token("coord.morel", "coordinator") });
      expect(r.status).toBe(200);
      expect(r.json).toMatchObject({
        dischargeSameDay: { letters: 1, sameDay: 1, share: 1 },
        overdue: { total: 0 },
        teleexpertise: { requests: 1, answered: 0, medianHoursToAnswer: null },
      });
      expect(
        (r.json as { teleexpertise: { byState: Record<string, number> } }).teleexpertise.byState.queued,
      ).toBe(1);
    });

    it("filters by state and form, pages with a cursor", async () => {
      const coord = await f.token("coord.morel", "coordinator");
      expect(await ids(coord, "?state=acknowledged")).toEqual([discharge]);
      expect(await ids(coord, "?form=teleexpertise-request")).toEqual([request]);
      expect(await ids(coord, "?form=discharge@1&overdue=false")).toEqual([discharge]);
      const p1 = await call(`${f.api}/transfers?limit=1`, { token: coord });
      const page1 = p1.json as { items: { id: string }[]; next?: string };
      expect(page1.items).toHaveLength(1);
      expect(page1.next).toBeDefined();
      const p2 = await call(`${f.api}/transfers?limit=1&cursor=${page1.next ?? ""}`, { token: coord });
      const page2 = p2.json as { items: { id: string }[]; next?: string };
      expect(page2.items).toHaveLength(1);
      expect(page2.next).toBeUndefined();
      expect([page1.items[0]?.id, page2.items[0]?.id].sort()).toEqual([discharge, request].sort());
    });
  });
});
