/**
 * The HTTP API's roles over real sqlite and PostgreSQL, audit, directory and signer: who sees which
 * transfer, who may create, acknowledge, answer, read the audit and the dashboard, and that every
 * read of a sheet is audited (access.viewed, access.downloaded); who may post ADT events and change
 * care circles, and an A01 posted as JSON becoming the circle's admission notice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEMO_UNITS } from "../../../src/demo/cpts.ts";
import { insOf } from "../../helpers/adt.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { call, problemOf } from "./client.ts";
import { engines, envFor } from "../postgres.ts";
import type { ApiFixture } from "./fixture.ts";
import { demo, openApiFixture } from "./fixture.ts";

let f: ApiFixture;
let cleanup: () => Promise<void>;
let discharge: string; // dr.berard (geriatrics unit) → GP + nurse
let request: string; // dr.martin (city GP) → cardiologist (tele-expertise)

/** A JSON ADT event (the shape `receiveAdtJson` takes) for the demo hospital. */
const adtEvent = (controlId: string, ins: string, facility = "699990016") => ({
  trigger: "A01",
  controlId,
  sender: "SIH_DEMO/CH DEMO",
  occurredAt: "2026-03-02T10:15:00+01:00",
  patient: { ins, lastName: "MARCHAL", firstNames: "Odette Marie", birthDate: "1948-03-12" },
  stay: { facility, visit: `V-${controlId}`, unit: "3B", admittedAt: "2026-03-02T10:15:00+01:00" },
});

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

    it("the list shows each transfer's short reference; the patient only to those who handle sheets", async () => {
      type Item = {
        id: string;
        kind: string;
        reference: string;
        patient?: { lastName: string; birthDate?: string };
      };
      const list = async (token: string): Promise<Item[]> =>
        ((await call(`${f.api}/transfers`, { token })).json as { items: Item[] }).items;
      const asRecipient = await list(await f.token("dr.martin", "recipient"));
      expect(asRecipient).toEqual([
        expect.objectContaining({
          id: discharge,
          reference: expect.stringMatching(/^LDL-[0-9A-Z]{4}-[0-9A-Z]{3}$/) as unknown,
          patient: { lastName: "MARCHAL", firstName: "Odette", birthDate: "1948-03-12" },
        }),
      ]);
      const asCoordinator = await list(await f.token("coord.morel", "coordinator"));
      expect(asCoordinator.map((t) => t.reference).sort()).toEqual(
        expect.arrayContaining([asRecipient[0]!.reference]) as unknown,
      );
      expect(asCoordinator.every((t) => t.patient === undefined)).toBe(true);
    });

    it("a recipient sees what is addressed to their structure", async () => {
      const { issueLocalToken } = await import("../../../src/api/index.ts");
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
      for (const sub of ["", "/history", "/pdf", "/cda"]) {
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
      const { issueLocalToken } = await import("../../../src/api/index.ts");
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

    it("the CDA is downloaded by those who may download the PDF, audited access.downloaded like it", async () => {
      const auditor = await f.token("coord.morel", "auditor");
      const downloads = async (): Promise<{ actor: string; pdfSha256?: string }[]> => {
        const audit = await call(`${f.api}/audit?transfer=${request}`, { token: auditor });
        return (
          audit.json as { entries: { action: string; actor: string; pdfSha256?: string }[] }
        ).entries.filter((e) => e.action === "access.downloaded");
      };
      const before = (await downloads()).length;
      const specialist = await f.token("dr.roussel", "specialist");
      const cda = await call(`${f.api}/transfers/${request}/cda`, { token: specialist });
      expect(cda.status).toBe(200);
      expect(cda.contentType).toContain("application/xml");
      expect(cda.body.toString()).toContain(
        '<templateId root="1.2.250.1.213.1.1.1.38" extension="2022.01"/>',
      );
      const after = await downloads();
      expect(after).toHaveLength(before + 1);
      expect(after.at(-1)).toMatchObject({ actor: `rpps:${demo("dr.roussel").rpps}` });
      const view = await call(`${f.api}/transfers/${request}`, { token: specialist });
      expect(after.at(-1)?.pdfSha256).toBe((view.json as { pdfSha256: string }).pdfSha256);
      // Who may not read the PDF may not read the CDA either, and nothing is audited for them.
      expect((await call(`${f.api}/transfers/${request}/cda`, { token: auditor })).status).toBe(403);
      const outsider = await call(`${f.api}/transfers/${request}/cda`, {
        token: await f.token("ide.haddad", "recipient"),
      });
      expect(outsider.status).toBe(404);
      expect(await downloads()).toHaveLength(before + 1);
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
  describe("ADT feed and care circles", () => {
    const count = async (table: string): Promise<number> =>
      Number((await f.services.db.knex(table).count({ n: "*" }).first())?.n ?? 0);
    const post = (path: string, token: string, json: unknown) => call(`${f.api}${path}`, { token, json });

    it("ADT events: a hospital's service account or staff (role sender) for their FINESS; nobody else", async () => {
      const ins = insOf(101);
      const hospital = await f.token({ role: "sender" });
      const ok = await post("/adt/events", hospital, adtEvent("R-1", ins));
      expect(ok.status, JSON.stringify(ok.json)).toBe(202);
      expect(ok.json).toMatchObject({ outcome: "accepted", messageId: expect.any(Number) as number });
      const staff = await post("/adt/events", await f.token("dr.berard"), adtEvent("R-2", ins));
      expect(staff.status, JSON.stringify(staff.json)).toBe(202);
      const stored = await count("adt_messages");
      const head = (await f.services.trail.head()).seq;
      const other = await post("/adt/events", await f.token("dr.berard"), adtEvent("R-3", ins, "699990099"));
      expect(other.status).toBe(403);
      expect(problemOf(other).paths).toEqual(["stay.facility"]);
      for (const token of [
        await f.token("dr.martin", "sender"), // a city sender: no hospital
        await f.token("ph.laurent", "recipient"),
        await f.token("coord.morel", "coordinator"),
        await f.token("coord.morel", "auditor"),
        await f.token({ role: "recipient" }),
      ]) {
        const r = await post("/adt/events", token, adtEvent("R-4", ins));
        expect(r.status, JSON.stringify(r.json)).toBe(403);
        expect(problemOf(r).code).toBe("FORBIDDEN");
      }
      expect(await count("adt_messages")).toBe(stored);
      expect((await f.services.trail.head()).seq).toBe(head);
    });

    it("circles: a professional joins and leaves for themself, a coordinator for another; objection and list by role", async () => {
      const ins = insOf(102);
      const haddad = await f.token("ide.haddad", "recipient");
      const coord = await f.token("coord.morel", "coordinator");
      const j = await post("/circles/join", haddad, { ins });
      expect(j.status, JSON.stringify(j.json)).toBe(200);
      expect(j.json).toMatchObject({ memberRef: `rpps:${demo("ide.haddad").rpps}`, created: true });
      expect((await post("/circles/join", haddad, { ins })).json).toMatchObject({ created: false });
      const head = (await f.services.trail.head()).seq;
      const links = await count("circle_members");
      for (const [token, body] of [
        [haddad, { ins, rpps: demo("ph.laurent").rpps }], // for someone else: coordinators only
        [await f.token("coord.morel", "auditor"), { ins }],
        [await f.token("dr.berard"), { ins }], // a sender-only token
        [await f.token({ role: "sender" }), { ins, rpps: demo("ph.laurent").rpps }],
      ] as const) {
        for (const route of ["/circles/join", "/circles/leave"]) {
          const r = await post(route, token, body);
          expect(r.status, `${route} ${JSON.stringify(r.json)}`).toBe(403);
        }
      }
      for (const body of [
        { ins, objected: true },
        { ins, objected: false },
      ]) {
        expect((await post("/circles/objection", haddad, body)).status).toBe(403);
      }
      expect((await post("/circles/list", await f.token("ide.bernard", "recipient"), { ins })).status).toBe(
        403,
      );
      expect((await post("/circles/list", await f.token("coord.morel", "auditor"), { ins })).status).toBe(
        403,
      );
      expect((await f.services.trail.head()).seq).toBe(head);
      expect(await count("circle_members")).toBe(links);

      const c = await post("/circles/join", coord, {
        ins,
        rpps: demo("ph.laurent").rpps,
        consent: "explicit",
      });
      expect(c.status, JSON.stringify(c.json)).toBe(200);
      const list = await post("/circles/list", haddad, { ins });
      expect(list.status).toBe(200);
      expect(list.json).toMatchObject({
        members: [
          { memberRef: `rpps:${demo("ide.haddad").rpps}`, source: "api", consent: "informed" },
          { memberRef: `rpps:${demo("ph.laurent").rpps}`, source: "api", consent: "explicit" },
        ],
      });
      const o = await post("/circles/objection", coord, { ins, objected: true });
      expect(o.status, JSON.stringify(o.json)).toBe(200);
      expect((await post("/circles/list", coord, { ins })).json).toMatchObject({
        objectionAt: expect.any(String) as string,
      });
      expect((await post("/circles/objection", coord, { ins, objected: false })).status).toBe(200);
      const left = await post("/circles/leave", haddad, { ins });
      expect(left.json).toMatchObject({ removed: true });
      expect((await post("/circles/list", haddad, { ins })).status).toBe(403);

      const patient = (j.json as { patientRef: string }).patientRef;
      const audit = await f.services.db
        .knex("audit_entries")
        .where({ patient_ref: patient })
        .orderBy("seq")
        .select("action", "actor");
      expect(audit).toEqual([
        { action: "circle.joined", actor: `rpps:${demo("ide.haddad").rpps}` },
        { action: "circle.joined", actor: `rpps:${demo("coord.morel").rpps}` },
        { action: "circle.objection_recorded", actor: `rpps:${demo("coord.morel").rpps}` },
        { action: "circle.objection_lifted", actor: `rpps:${demo("coord.morel").rpps}` },
        { action: "circle.left", actor: `rpps:${demo("ide.haddad").rpps}` },
      ]);
      expect(JSON.stringify(await f.services.db.knex("audit_entries").select())).not.toContain(ins);
      expect(JSON.stringify(f.logs)).not.toContain(ins);
    });

    it("an A01 posted as JSON for a patient whose circle has a member → the admission notice is queued for them", async () => {
      const ins = insOf(103);
      const coord = await f.token("coord.morel", "coordinator");
      expect((await post("/circles/join", coord, { ins, rpps: demo("dr.martin").rpps })).status).toBe(200);
      const hospital = await f.token({ role: "sender" });
      const r = await post("/adt/events", hospital, adtEvent("E2E-1", ins));
      expect(r.status, JSON.stringify(r.json)).toBe(202);
      const { messageId } = r.json as { messageId: number };
      const notice = await waitFor(
        "the admission notice transfer",
        () => f.services.transferStatus(`adt-${String(messageId)}-notice`).catch(() => undefined),
        20_000,
        100,
      );
      expect(notice.transfer).toMatchObject({ form: "admission-notice@1", state: "queued" });
      expect(notice.recipients.map((x) => x.memberRef)).toEqual([`rpps:${demo("dr.martin").rpps}`]);
      const again = await post("/adt/events", hospital, adtEvent("E2E-1", ins));
      expect(again.status).toBe(202);
      expect(again.json).toMatchObject({ outcome: "duplicate", messageId });
      // The notice is visible to its recipient through the API.
      expect(await ids(await f.token("dr.martin", "recipient"))).toContain(`adt-${String(messageId)}-notice`);
    });
  });
});
