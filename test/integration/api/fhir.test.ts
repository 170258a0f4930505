/**
 * GET /api/v1/transfers/{id}/fhir over real HTTP: the document bundle, the role rules of the
 * transfer (sender, recipient, coordinator yes; another recipient 404; auditor 403), and the
 * `access.exported` audit entry — written for each export and never for a refusal. On sqlite and
 * PostgreSQL.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Bundle } from "../../../src/fhir/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { bundleProblems, ofType } from "../../helpers/fhir-bundle-checks.ts";
import type { ApiFixture } from "./fixture.ts";
import { demo, openApiFixture } from "./fixture.ts";
import { engines, envFor } from "../postgres.ts";

let tmp: { dir: string; cleanup: () => Promise<void> };
let h: ApiFixture;

/** Demo CPTS callers: the sender, the GP (the recipient), a nurse (a recipient of others), the coordinator, the auditor. */
type Who = "sender" | "gp" | "nurse" | "coordinator" | "auditor";
const token = (who: Who): Promise<string> =>
  ({
    sender: () => h.token("dr.berard"),
    gp: () => h.token("dr.martin", "recipient"),
    nurse: () => h.token("ide.bernard", "recipient"),
    coordinator: () => h.token("coord.morel", "coordinator"),
    auditor: () => h.token("coord.morel", "auditor"),
  })[who]();
const actor = (localpart: string): string => `rpps:${demo(localpart).rpps}`;
let transferId: string;

const get = async (path: string, who?: Who): Promise<Response> =>
  fetch(
    `${h.api}${path}`,
    who === undefined ? {} : { headers: { authorization: `Bearer ${await token(who)}` } },
  );
const exports = async (): Promise<{ actor: string }[]> =>
  (await h.services.db
    .knex("audit_entries")
    .where({ action: "access.exported", transfer_id: transferId })) as {
    actor: string;
  }[];

describe.each(engines())("GET /transfers/{id}/fhir on $name", (engine) => {
  beforeAll(async () => {
    await engine.setup();
    tmp = await tempDir("passerelle-api-fhir-");
    h = await openApiFixture(tmp.dir, { env: envFor(await engine.fresh(), tmp.dir) });
    const res = await fetch(`${h.api}/transfers`, {
      method: "POST",
      headers: { authorization: `Bearer ${await token("sender")}`, "content-type": "application/json" },
      body: JSON.stringify({ sheet: exampleSheet("discharge"), to: [demo("dr.martin").rpps] }),
    });
    expect(res.status).toBe(201);
    transferId = ((await res.json()) as { id: string }).id;
  }, 120_000);
  afterAll(async () => {
    await h.close();
    await tmp.cleanup();
    await engine.teardown();
  });

  it("gives the sender the FHIR document bundle as application/fhir+json, and audits the export", async () => {
    const res = await get(`/transfers/${transferId}/fhir`, "sender");
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^application\/fhir\+json/);
    const b = (await res.json()) as Bundle;
    expect(bundleProblems(b)).toEqual([]);
    expect(ofType(b, "Composition")[0]?.type.coding?.[0]?.code).toBe("11490-0");
    expect(ofType(b, "Patient")[0]?.identifier?.[0]).toMatchObject({
      system: "urn:oid:1.2.250.1.213.1.4.8",
      value: exampleSheet("discharge").data.patient?.ins,
    });
    expect(ofType(b, "AuditEvent").map((e) => e.subtype?.[0]?.code)).toEqual(
      expect.arrayContaining(["transfer.created", "transfer.signed", "transfer.queued"]),
    );
    expect((await exports()).map((e) => e.actor)).toEqual([actor("dr.berard")]);
  });

  it("is visible to the transfer's recipient and the coordinator, each export audited", async () => {
    expect((await get(`/transfers/${transferId}/fhir`, "gp")).status).toBe(200);
    expect((await get(`/transfers/${transferId}/fhir`, "coordinator")).status).toBe(200);
    expect((await exports()).map((e) => e.actor)).toEqual(
      expect.arrayContaining([actor("dr.martin"), actor("coord.morel")]),
    );
  });

  it("refuses others with a problem document and writes no audit entry", async () => {
    const before = (await exports()).length;
    const cases: [Who | undefined, string, number][] = [
      ["nurse", transferId, 404], // a recipient, but not of this transfer
      ["auditor", transferId, 403], // audit only
      [undefined, transferId, 401],
      ["sender", "no-such-transfer-1", 404],
      ["sender", "bad%20id%3Cscript%3E", 404],
    ];
    for (const [who, id, status] of cases) {
      const res = await get(`/transfers/${id}/fhir`, who);
      expect(res.status, `${who ?? "anonymous"} ${id}`).toBe(status);
      expect(res.headers.get("content-type")).toMatch(/^application\/problem\+json/);
      const problem = (await res.json()) as { status: number; errors: unknown[] };
      expect(problem.status).toBe(status);
    }
    expect((await exports()).length).toBe(before);
  });

  it("is documented in the OpenAPI document", async () => {
    const doc = (await (await fetch(`${h.api}/openapi.json`)).json()) as { paths: Record<string, unknown> };
    expect(Object.keys(doc.paths)).toContain("/transfers/{id}/fhir");
  });
});
