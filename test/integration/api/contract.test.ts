/**
 * The OpenAPI 3.1 document is true: real requests to every documented operation, each
 * request (parameters, body) and response (status, media type, body) validated against the
 * document served at /api/v1/openapi.json with ajv (JSON Schema 2020-12); every operation is
 * exercised, and every route the server answers is documented.
 */
import { randomUUID } from "node:crypto";
import { Ajv2020 } from "ajv/dist/2020.js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { OPERATIONS } from "../../../src/api/openapi.ts";
import { sheetToCda } from "../../../src/cda/index.ts";
import { EMBEDDED_CDA_NAME, extractEmbeddedFiles } from "../../../src/pdf/index.ts";
import { extractSignature } from "../../../src/pdf/verify/verify-locate.ts";
import { withCheckKey } from "../../../src/forms/index.ts";
import { PATIENT } from "../../helpers/adt.ts";
import { encode, n1Document, tinyPdf } from "../../helpers/cda-hospital.ts";
import { multipartBody } from "../../helpers/multipart.ts";
import { exampleSheet, validatedExample } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import type { ApiResponse } from "./client.ts";
import { call } from "./client.ts";
import type { ApiFixture } from "./fixture.ts";
import { demo, openApiFixture } from "./fixture.ts";

interface Doc {
  paths: Record<
    string,
    Record<
      string,
      {
        parameters?: { name: string; in: string; schema?: unknown }[];
        requestBody?: unknown;
        responses: Record<string, unknown>;
      }
    >
  >;
}

let f: ApiFixture;
let cleanup: () => Promise<void>;
let doc: Doc;
const ajv = new Ajv2020({ strict: false, allErrors: true });
ajv.addFormat("date-time", /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/);
ajv.addFormat("date", /^\d{4}-\d{2}-\d{2}$/);
ajv.addFormat("phone", true);
ajv.addFormat("email", true);
ajv.addFormat("binary", true);
const covered = new Set<string>();

const pointer = (...parts: string[]): string =>
  "openapi#/" + parts.map((p) => p.replace(/~/g, "~0").replace(/\//g, "~1")).join("/");

function validate(ref: string, value: unknown, what: string): void {
  const v = ajv.getSchema(ref) ?? ajv.compile({ $ref: ref });
  expect(v(value), `${what}: ${ajv.errorsText(v.errors)}`).toBe(true);
}

/** The `passerelle_outbox_depth` gauge of a /metrics body. */
function outboxDepth(metrics: string): number {
  const m = /^passerelle_outbox_depth (\d+)$/m.exec(metrics);
  if (m?.[1] === undefined) throw new Error("no passerelle_outbox_depth in /metrics");
  return Number(m[1]);
}

/** Sends a request described by (method, template, params) and checks both sides against the document. */
async function op(
  method: "get" | "post",
  template: string,
  init: {
    bad?: boolean;
    path?: Record<string, string>;
    query?: Record<string, string>;
    token?: string;
    json?: unknown;
    body?: Uint8Array;
    contentType?: string;
  } = {},
): Promise<ApiResponse> {
  const operation = doc.paths[template]?.[method];
  expect(operation, `${method} ${template} is documented`).toBeDefined();
  if (operation === undefined) throw new Error("undocumented");
  const params = operation.parameters ?? [];
  let path = template;
  for (const [k, v] of Object.entries(init.path ?? {})) {
    const i = params.findIndex((p) => p.name === k && p.in === "path");
    expect(i, `path parameter ${k}`).toBeGreaterThanOrEqual(0);
    if (init.bad !== true)
      validate(pointer("paths", template, method, "parameters", String(i), "schema"), v, `parameter ${k}`);
    path = path.replace(`{${k}}`, encodeURIComponent(v));
  }
  const qs = new URLSearchParams();
  for (const [k, v] of Object.entries(init.query ?? {})) {
    const i = params.findIndex((p) => p.name === k && p.in === "query");
    expect(i, `query parameter ${k}`).toBeGreaterThanOrEqual(0);
    // A query string carries text: an integer parameter is read from its digits.
    const integer = (params[i]?.schema as { type?: string } | undefined)?.type === "integer";
    const value = integer && /^-?\d+$/.test(v) ? Number(v) : v;
    if (init.bad !== true)
      validate(
        pointer("paths", template, method, "parameters", String(i), "schema"),
        value,
        `parameter ${k}`,
      );
    qs.set(k, v);
  }
  if (init.json !== undefined && init.bad !== true) {
    validate(
      pointer("paths", template, method, "requestBody", "content", "application/json", "schema"),
      init.json,
      "request body",
    );
  }
  const url = `${f.api}${path}${qs.size > 0 ? `?${qs.toString()}` : ""}`;
  const res = await call(url, {
    method: method.toUpperCase(),
    ...(init.token === undefined ? {} : { token: init.token }),
    ...(init.json === undefined ? {} : { json: init.json }),
    ...(init.body === undefined ? {} : { body: init.body }),
    ...(init.contentType === undefined ? {} : { contentType: init.contentType }),
  });
  const status = String(res.status);
  const responses = operation.responses as Record<string, { content?: Record<string, unknown> }>;
  const key = status in responses ? status : "default";
  expect(res.status < 500, `${method} ${template} answered ${status}`).toBe(true);
  const media = res.contentType.split(";")[0]?.trim() ?? "";
  const content = responses[key]?.content ?? {};
  expect(Object.keys(content), `${method} ${template} ${status} media type`).toContain(media);
  if (media.endsWith("json")) {
    validate(
      pointer("paths", template, method, "responses", key, "content", media, "schema"),
      res.json,
      `${method} ${template} ${status}`,
    );
  } else if (media === "application/pdf") {
    expect(res.body.subarray(0, 5).toString()).toBe("%PDF-");
  } else if (media === "application/xml") {
    expect(res.body.subarray(0, 5).toString()).toBe("<?xml");
  } else if (media === "application/jsonl") {
    for (const line of res.body.toString().trim().split("\n"))
      expect(() => JSON.parse(line) as unknown).not.toThrow();
  }
  covered.add(`${method.toUpperCase()} ${template}`);
  return res;
}

beforeAll(async () => {
  const t = await tempDir("passerelle-api-contract-");
  cleanup = t.cleanup;
  f = await openApiFixture(t.dir);
  const r = await call(`${f.api}/openapi.json`);
  doc = r.json as Doc;
  ajv.addSchema(doc, "openapi");
}, 60_000);
afterAll(async () => {
  await f.close();
  await cleanup();
});

describe("the OpenAPI document", () => {
  it("is OpenAPI 3.1 with the JSON Schema 2020-12 dialect", () => {
    expect(doc).toMatchObject({
      openapi: "3.1.0",
      jsonSchemaDialect: "https://json-schema.org/draft/2020-12/schema",
    });
  });

  it("describes every operation's real requests and responses", async () => {
    const sender = await f.token("dr.berard");
    const gp = await f.token("dr.martin", "recipient");
    const auditor = await f.token("coord.morel", "auditor");
    const coordinator = await f.token("coord.morel", "coordinator");
    const specialist = await f.token("dr.roussel", "specialist");

    await op("get", "/health");
    await op("get", "/ready");
    await op("get", "/openapi.json");
    await op("get", "/me", { token: sender });
    await op("get", "/me");
    await op("get", "/forms", { token: sender });
    await op("get", "/forms/{form}", { token: sender, path: { form: "discharge@1" } });
    await op("get", "/forms/{form}", { token: sender, path: { form: "nope" }, bad: true });
    await op("post", "/sheets/preview", { token: sender, json: exampleSheet("discharge") });
    await op("post", "/sheets/preview", {
      token: sender,
      json: { form: "discharge@1", data: {} },
      bad: true,
    });

    const created = await op("post", "/transfers", {
      token: sender,
      json: { sheet: exampleSheet("discharge"), to: [demo("dr.martin").rpps] },
    });
    expect(created.status).toBe(201);
    const id = (created.json as { id: string }).id;
    await op("post", "/transfers", {
      token: sender,
      json: { sheet: exampleSheet("discharge"), to: ["99900009988"] },
      bad: true,
    });
    const tele = await op("post", "/transfers", {
      token: await f.token("dr.martin", "sender"),
      json: { sheet: exampleSheet("teleexpertise-request"), to: [demo("dr.roussel").rpps] },
    });
    const teleId = (tele.json as { id: string }).id;
    // an admission sheet to a hospital unit (its staff with the role recipient: Dr Roussel in cardiology)
    const cardio = (await f.services.directory.repository.findByRpps(demo("dr.roussel").rpps))?.structureId;
    const toUnit = await op("post", "/transfers", {
      token: await f.token("ide.bernard", "sender"),
      json: { sheet: exampleSheet("admission"), toUnit: { structureId: cardio } },
    });
    expect(toUnit.status).toBe(201);
    const unitTransfer = await f.services.transferStatus((toUnit.json as { id: string }).id);
    expect(unitTransfer.recipients.map((r) => r.memberRef)).toEqual([`rpps:${demo("dr.roussel").rpps}`]);
    for (const bad of [
      { structureId: 999_999 },
      { finess: "123" },
      { structureId: cardio, finess: "699990016" },
    ]) {
      await op("post", "/transfers", {
        token: await f.token("ide.bernard", "sender"),
        json: { sheet: exampleSheet("admission"), toUnit: bad },
        bad: true,
      });
    }
    await op("post", "/transfers", {
      token: await f.token("ide.bernard", "sender"),
      json: { sheet: exampleSheet("admission") },
      bad: true,
    });

    await op("get", "/transfers", {
      token: gp,
      query: { state: "queued", form: "discharge@1", overdue: "false", limit: "10" },
    });
    await op("get", "/transfers", { token: gp, query: { limit: "abc" }, bad: true });
    await op("get", "/transfers/{id}", { token: gp, path: { id } });
    await op("get", "/transfers/{id}", { token: specialist, path: { id } });
    await op("get", "/transfers/{id}/history", { token: gp, path: { id } });
    const pdf = await op("get", "/transfers/{id}/pdf", { token: gp, path: { id } });
    await op("get", "/transfers/{id}/fhir", { token: gp, path: { id } });
    // The CDA is the one embedded in the signed PDF, and what `sheetToCda` writes for this sheet id.
    const cda = await op("get", "/transfers/{id}/cda", { token: gp, path: { id } });
    const embedded = extractEmbeddedFiles(pdf.body).find((e) => e.name === EMBEDDED_CDA_NAME);
    expect(embedded?.content.equals(cda.body)).toBe(true);
    const sheetId = (created.json as { sheetId: string }).sheetId;
    expect(cda.body.toString("utf8")).toBe(sheetToCda(await validatedExample("discharge"), { sheetId }).xml);
    await op("get", "/transfers/{id}/cda", { token: gp, path: { id: "no-such-transfer-1" } });
    // A sheet kind without a CI-SIS content model (a notice) has no CDA: 404 naming the id.
    const notice = await op("post", "/transfers", {
      token: sender,
      json: { sheet: exampleSheet("discharge-notice"), to: [demo("dr.martin").rpps] },
    });
    const none = await op("get", "/transfers/{id}/cda", {
      token: gp,
      path: { id: (notice.json as { id: string }).id },
    });
    expect(none.status).toBe(404);
    expect((none.json as { errors: unknown[] }).errors).toEqual([
      expect.objectContaining({ rule: "noCdaModel" }),
    ]);
    await op("post", "/transfers/{id}/acknowledge", { token: gp, path: { id } });
    await op("post", "/transfers/{id}/acknowledge", { token: sender, path: { id } });
    await op("post", "/transfers/{id}/answer", {
      token: specialist,
      path: { id: teleId },
      // the answer section (opinion, recommendations…); the rest comes from the request
      json: { data: exampleSheet("teleexpertise-answer").data.answer },
    });
    // A tele-expertise answer's TLM-CR carries the stored signed answer PDF as its body.
    const answer = await op("post", "/transfers", {
      token: sender,
      json: { sheet: exampleSheet("teleexpertise-answer"), to: [demo("dr.martin").rpps] },
    });
    expect(answer.status).toBe(201);
    const answerId = (answer.json as { id: string }).id;
    const answerPdf = await op("get", "/transfers/{id}/pdf", { token: gp, path: { id: answerId } });
    const tlmCr = await op("get", "/transfers/{id}/cda", { token: gp, path: { id: answerId } });
    expect(tlmCr.body.toString()).toContain('<templateId root="1.3.6.1.4.1.19376.1.2.20"/>');
    const b64 = /<text mediaType="application\/pdf" representation="B64">([^<]+)<\/text>/.exec(
      tlmCr.body.toString(),
    )?.[1];
    expect(Buffer.from(b64 ?? "", "base64").equals(answerPdf.body)).toBe(true);
    await op("post", "/verify", { token: gp, body: pdf.body, contentType: "application/pdf" });
    const tampered = Buffer.from(pdf.body);
    // A byte inside the signed ranges (not in /Contents, whose zero padding the CMS does not cover).
    const [, , tail = 0] = extractSignature(pdf.body).byteRange;
    const at = tail + 1000;
    tampered.writeUInt8(tampered.readUInt8(at) ^ 0x01, at);
    const bad = await op("post", "/verify", { token: gp, body: tampered, contentType: "application/pdf" });
    expect((bad.json as { valid: boolean }).valid).toBe(false);
    await op("post", "/verify", { token: gp, body: Buffer.from("nope"), contentType: "application/pdf" });

    await op("get", "/directory/members", { token: sender, query: { q: "mar", profession: "10" } });
    await op("get", "/directory/members", { token: sender });
    await op("get", "/directory/members/{rpps}", { token: sender, path: { rpps: demo("ide.bernard").rpps } });
    await op("get", "/directory/members/{rpps}", { token: sender, path: { rpps: "12" }, bad: true });
    await op("get", "/directory/structures", { token: sender });

    const audit = await op("get", "/audit", { token: auditor, query: { transfer: id, limit: "2" } });
    expect((audit.json as { next?: number }).next).toBeTypeOf("number");
    await op("get", "/audit", {
      token: auditor,
      query: { from: "2020-01-01T00:00:00Z", to: "2100-01-01T00:00:00Z" },
    });
    await op("get", "/audit", { token: coordinator });
    const verified = await op("post", "/audit/verify", { token: auditor });
    expect((verified.json as { ok: boolean }).ok).toBe(true);
    await op("get", "/audit/export", {
      token: auditor,
      query: { sheet: (created.json as { sheetId: string }).sheetId },
    });
    await op("get", "/stats", { token: coordinator });

    // ADT feed and care circles.
    const ins = PATIENT.ins;
    await op("post", "/circles/join", { token: gp, json: { ins, consent: "explicit" } });
    await op("post", "/circles/join", {
      token: coordinator,
      json: { ins, rpps: demo("ide.bernard").rpps, since: "2026-01-05" },
    });
    await op("post", "/circles/join", { token: gp, json: { ins: "248037511204722" }, bad: true });
    const circle = await op("post", "/circles/list", { token: gp, json: { ins } });
    expect((circle.json as { members: unknown[] }).members).toHaveLength(2);
    await op("post", "/circles/list", { token: sender, json: { ins } });
    await op("post", "/circles/objection", { token: coordinator, json: { ins, objected: true } });
    await op("post", "/circles/objection", { token: coordinator, json: { ins, objected: false } });
    await op("post", "/circles/leave", { token: gp, json: { ins } });
    const hospital = await f.token({ role: "sender" });
    // Nothing else moves the outbox here (no worker runs): the depth before the ADT events is stable.
    const depthBefore = outboxDepth((await op("get", "/metrics")).body.toString());
    const attempt = randomUUID().slice(0, 8); // a retry of this test must not re-post the same control ids
    const event = {
      trigger: "A01",
      controlId: `CONTRACT-${attempt}-1`,
      sender: "SIH_VALMONT/CH VALMONT",
      occurredAt: "2026-03-02T10:15:00+01:00",
      patient: { ins, lastName: "MARCHAL", firstNames: "Odette Marie", birthDate: "1948-03-12" },
      stay: {
        facility: "699990016",
        visit: "2026000123",
        unit: "3B",
        admittedAt: "2026-03-02T10:15:00+01:00",
      },
    };
    const accepted = await op("post", "/adt/events", { token: hospital, json: event });
    expect(accepted.status).toBe(202);
    expect((accepted.json as { outcome: string }).outcome).toBe("accepted");
    await op("post", "/adt/events", {
      token: sender,
      json: { ...event, controlId: `CONTRACT-${attempt}-2` },
    });
    await op("post", "/adt/events", {
      token: hospital,
      json: { ...event, patient: { ...event.patient, ins: "248037511204722" } },
      bad: true,
    });
    // The ADT processor queues one admission notice per accepted A01 (the service account's and the
    // member's, two control ids) after the 202, on its own loop: wait for both.
    let depth = depthBefore;
    const metrics = await waitFor(
      `two admission notices queued (outbox depth ${String(depthBefore)} + 2)`,
      async () => {
        const m = await op("get", "/metrics");
        depth = outboxDepth(m.body.toString());
        return depth === depthBefore + 2 ? m : undefined;
      },
      15_000,
      100,
      () => `outbox depth ${String(depth)}`,
    );
    expect(metrics.body.toString()).toMatch(/passerelle_transfers\{state="acknowledged"\} 1/);
    expect(metrics.body.toString()).toMatch(/passerelle_audit_head_seq [1-9]\d*/);
    expect(metrics.body.toString()).toContain("passerelle_delivery_latency_seconds_bucket");

    // Document intake and the queue « à orienter » (a patient nobody follows: the documents wait).
    const lonely = withCheckKey("ins", "2850675123997");
    const form = multipartBody([
      {
        name: "metadata",
        type: "application/json",
        body: JSON.stringify({
          documentId: `urn:oid:1.2.250.1.999.8.${attempt.replace(/[^0-9]/g, "1")}`,
          patient: {
            ins: lonely,
            insOid: "1.2.250.1.213.1.4.8",
            family: "DUPRÉ",
            given: "LÉA",
            birthDate: "1985-06-14",
            sex: "F",
          },
          typeCode: "11488-4",
        }),
      },
      { name: "document", type: "application/pdf", body: tinyPdf() },
    ]);
    const received = await op("post", "/documents", {
      token: hospital,
      body: form.body,
      contentType: form.contentType,
    });
    expect(received.status).toBe(201);
    const again = await op("post", "/documents", {
      token: hospital,
      body: form.body,
      contentType: form.contentType,
    });
    expect([again.status, (again.json as { duplicate: boolean }).duplicate]).toEqual([200, true]);
    const cdaReceived = await op("post", "/documents", {
      token: hospital,
      body: encode(n1Document({ ins: lonely })),
      contentType: "application/hl7-cda+xml",
    });
    expect(cdaReceived.status).toBeLessThan(300);
    const refusedType = await op("post", "/documents", {
      token: hospital,
      body: Buffer.from("x"),
      contentType: "text/plain",
      bad: true,
    });
    expect(refusedType.status).toBe(415);
    const queue = await op("get", "/documents/to-route", { token: coordinator });
    const waiting = (queue.json as { items: { ref: string; documentId: string }[] }).items.find(
      (i) => i.documentId === (received.json as { documentId: string }).documentId,
    );
    expect(waiting).toBeDefined();
    const assigned = await op("post", "/documents/{ref}/assign", {
      token: coordinator,
      path: { ref: waiting?.ref ?? "" },
      json: { recipients: [demo("dr.martin").rpps] },
    });
    expect((assigned.json as { outcome: string }).outcome).toBe("queued");
    // A hospital document and its replacement (CDA relatedDocument RPLC): the transfers' routing and
    // version links are documented.
    const followed = withCheckKey("ins", "2850675123776");
    const version = async (extension: string, n: number, replaces?: string): Promise<string> => {
      const r = await op("post", "/documents", {
        token: hospital,
        body: encode(
          n1Document({
            ins: followed,
            id: { extension: `${extension}-${attempt}` },
            version: n,
            recipientRpps: demo("dr.martin").rpps,
            ...(replaces === undefined ? {} : { replaces: `${replaces}-${attempt}` }),
          }),
        ),
        contentType: "application/hl7-cda+xml",
      });
      expect(r.status, r.body.toString()).toBe(201);
      return (r.json as { transferId: string }).transferId;
    };
    const v1 = await version("CT-1", 1);
    const v2 = await version("CT-2", 2, "CT-1");
    const replaced = await op("get", "/transfers/{id}", { token: coordinator, path: { id: v1 } });
    expect(replaced.json).toMatchObject({
      replacedBy: v2,
      replacedByReference: expect.stringMatching(/^DOC-/) as unknown,
      routing: [{ source: "document" }],
    });
    const replacing = await op("get", "/transfers/{id}", { token: gp, path: { id: v2 } });
    expect(replacing.json).toMatchObject({ replaces: v1 });

    expect([...covered].sort()).toEqual([...OPERATIONS].sort());
  });

  it("documents exactly the operations the server routes", () => {
    expect(Object.keys(doc.paths).length).toBeGreaterThanOrEqual(20);
    expect(OPERATIONS).toHaveLength(new Set(OPERATIONS).size);
  });
});
