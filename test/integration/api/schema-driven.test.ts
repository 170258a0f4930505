/**
 * The served OpenAPI document says exactly what the server enforces. Every operation of
 * /api/v1/openapi.json (fetched at run time) is driven by a schema-driven generator
 * (api/schema-gen.ts, fast-check): positive requests built from the document alone must be
 * accepted (2xx) with responses that match the document; negative ones (a bound, pattern, enum,
 * type or required rule broken, an unknown property or parameter) must be refused with 4xx, and no
 * problem detail may repeat what was sent (a canary in every string and name sent). Methods a path
 * does not have get 405 with `Allow` (RFC 9110 §15.5.6).
 *
 * The only inputs not taken from the document are references to server state, which no schema can
 * know: an existing transfer, sheet or directory member, a cursor from a previous page, a PDF to
 * verify, a document waiting « à orienter », and the caller's role per operation (the summaries
 * say it in prose). `WORLD` lists them. `POST /documents` takes bodies of other media types: its
 * multipart metadata is generated from the document's schema (with a PDF); a CDA R2 and the FHIR
 * fixtures stand for the types a JSON Schema cannot describe (XML, base64 content).
 */
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { join } from "node:path";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { claimDue, claimToken } from "../../../src/transfers/outbox/claim.ts";
import { recordSent } from "../../../src/transfers/outbox/outcome.ts";
import { withCheckKey } from "../../../src/forms/index.ts";
import { encode, n1Document, tinyPdf } from "../../helpers/cda-hospital.ts";
import { multipartBody } from "../../helpers/multipart.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { ApiResponse } from "./client.ts";
import { call } from "./client.ts";
import type { ApiFixture } from "./fixture.ts";
import { demo, openApiFixture } from "./fixture.ts";
import type { Schema } from "./schema-gen.ts";
import { SchemaGen } from "./schema-gen.ts";
import type { Operation } from "../fuzz/openapi-model.ts";
import { ResponseChecker, operationsOf } from "../fuzz/openapi-model.ts";

const CANARY = "QZXCANARYQZX";
const RUNS = 12;

let f: ApiFixture;
let cleanup: () => Promise<void>;
let doc: { paths: Record<string, Record<string, unknown>>; components: { schemas: Record<string, Schema> } };
let gen: SchemaGen;
let checker: ResponseChecker;
let ops: Operation[];
const tokens: Record<string, string> = {};
const world: { transfer: string; sheet: string; cursor: string; pdf: Buffer; cardiology: number } = {
  transfer: "",
  sheet: "",
  cursor: "",
  pdf: Buffer.alloc(0),
  cardiology: 0,
};
const problems: { op: string; body: string }[] = [];

interface Req {
  path: Record<string, string>;
  query: Record<string, string>;
  body?: unknown;
  /** `multipart/form-data`: the metadata part (the document part is a PDF). */
  form?: { metadata: unknown };
  /** A body of another media type, as bytes. */
  raw?: { body: Buffer; type: string };
}

/** A patient nobody follows: documents for them wait « à orienter ». */
const LONELY = withCheckKey("ins", "2850675123998");
const FHIR = join(import.meta.dirname, "..", "..", "fixtures", "fhir");
let documentCount = 0;

/** A new document waiting « à orienter », by its queue reference. */
async function waitingDocument(): Promise<string> {
  const documentId = `urn:oid:1.2.250.1.999.7.${String(++documentCount)}`;
  const m = multipartBody([
    {
      name: "metadata",
      type: "application/json",
      body: JSON.stringify({
        documentId,
        patient: {
          ins: LONELY,
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
  const r = await call(`${f.api}/documents`, {
    token: tokens.hospital,
    body: m.body,
    contentType: m.contentType,
  });
  expect(r.status, r.body.toString()).toBe(201);
  const list = await call(`${f.api}/documents/to-route`, { token: tokens.coordinator });
  const item = (list.json as { items: { ref: string; documentId: string }[] }).items.find(
    (i) => i.documentId === documentId,
  );
  if (item === undefined) throw new Error("the document is not waiting");
  return item.ref;
}

/** The caller of each operation (a token of the role its summary names). */
const CALLER: Record<string, string> = {
  "POST /sheets/preview": "sender",
  "POST /transfers": "sender",
  "POST /transfers/{id}/acknowledge": "gp",
  "POST /transfers/{id}/answer": "specialist",
  "GET /audit": "auditor",
  "GET /audit/export": "auditor",
  "POST /audit/verify": "auditor",
  "GET /stats": "coordinator",
  "POST /adt/events": "hospital",
  "POST /circles/objection": "coordinator",
  "POST /circles/list": "coordinator",
  "POST /documents": "hospital",
  "GET /documents/to-route": "coordinator",
  "POST /documents/{ref}/assign": "coordinator",
};
const callerOf = (key: string): string => tokens[CALLER[key] ?? "gp"] ?? "";

const rpps = (who: string): string => demo(who).rpps;

/** A tele-expertise request from Dr Martin to Dr Roussel, moved to `sent` as the outbox worker would. */
async function sentTeleRequest(): Promise<string> {
  const r = await call(`${f.api}/transfers`, {
    token: tokens.martinSender,
    json: { sheet: exampleSheet("teleexpertise-request"), to: [rpps("dr.roussel")] },
  });
  expect(r.status, JSON.stringify(r.json)).toBe(201);
  const id = (r.json as { id: string }).id;
  const token = claimToken("contract-test");
  const ctx = { db: f.services.db, trail: f.services.trail, clock: f.services.clock };
  for (const row of await claimDue(f.services.db, token, new Date(Date.now() + 60_000), 60_000, 100)) {
    await recordSent(ctx, row, token, "!room:localhost", {
      eventId: `$s-${row.id}`,
      pdfSha256: row.pdf_sha256,
      contentUri: "mxc://localhost/sheet",
    });
  }
  return id;
}

/** References to server state (see the file comment): applied to a generated request. */
const WORLD: Record<string, (r: Req) => Promise<void> | void> = {
  "GET /transfers": (r) => {
    if (r.query.cursor !== undefined) r.query.cursor = world.cursor;
  },
  "GET /transfers/{id}": (r) => void (r.path.id = world.transfer),
  "GET /transfers/{id}/history": (r) => void (r.path.id = world.transfer),
  "GET /transfers/{id}/pdf": (r) => void (r.path.id = world.transfer),
  "GET /transfers/{id}/cda": (r) => void (r.path.id = world.transfer),
  "GET /transfers/{id}/fhir": (r) => void (r.path.id = world.transfer),
  "POST /transfers/{id}/acknowledge": (r) => void (r.path.id = world.transfer),
  "POST /transfers/{id}/answer": async (r) => {
    r.path.id = await sentTeleRequest(); // one answer per request
  },
  "GET /directory/members/{rpps}": (r) => void (r.path.rpps = rpps("ide.bernard")),
  "GET /audit/export": (r) => void (r.query.sheet = world.sheet),
  "POST /verify": (r) => void (r.body = world.pdf),
  "POST /transfers": (r) => {
    const b = r.body as {
      sheet: { form: string; data: Record<string, Record<string, unknown> | undefined> };
      to?: string[];
      toUnit?: unknown;
    };
    const tele = b.sheet.form.startsWith("teleexpertise-request");
    if (b.to !== undefined) b.to = [tele ? rpps("dr.roussel") : rpps("dr.martin")];
    if (b.toUnit !== undefined) b.toUnit = { structureId: world.cardiology };
    const { expert, requester } = b.sheet.data;
    if (tele && expert !== undefined) expert.rpps = rpps("dr.roussel");
    if (tele && requester !== undefined) requester.rpps = rpps("dr.berard");
  },
  "POST /circles/join": (r) => {
    const b = r.body as { rpps?: string };
    if (b.rpps !== undefined) b.rpps = rpps("dr.martin"); // the caller's own
  },
  "POST /documents": (r) => {
    const m = r.form?.metadata as { authorRpps?: string; recipients?: string[] } | undefined;
    if (m?.authorRpps !== undefined) m.authorRpps = rpps("dr.berard");
    if (m?.recipients !== undefined) m.recipients = [rpps("dr.martin")];
  },
  "POST /documents/{ref}/assign": async (r) => {
    r.path.ref = await waitingDocument(); // one assignment per waiting document
    r.body = { recipients: [rpps("dr.martin")] };
  },
  "POST /circles/leave": (r) => {
    const b = r.body as { rpps?: string };
    if (b.rpps !== undefined) b.rpps = rpps("dr.martin");
  },
};

const keyOf = (op: Operation): string => `${op.method} ${op.path}`;
const toText = (v: unknown): string => (typeof v === "string" ? v : JSON.stringify(v));

/** An arbitrary of requests the document accepts for `op`. */
function requests(op: Operation): fc.Arbitrary<Req> {
  const params = op.parameters.map((p) => {
    const a = gen.arb(p.schema).map(toText);
    return (p.in === "path" ? a : fc.option(a, { nil: undefined })).map((v) => [p, v] as const);
  });
  const json = op.body?.["application/json"]?.schema;
  const form = (
    op.body?.["multipart/form-data"]?.schema as { properties?: { metadata?: Schema } } | undefined
  )?.properties?.metadata;
  const other: fc.Arbitrary<Pick<Req, "form" | "raw">> =
    form === undefined
      ? fc.constant({})
      : fc.oneof(
          { weight: 3, arbitrary: gen.arb(form).map((metadata) => ({ form: { metadata } })) },
          {
            weight: 1,
            arbitrary: fc.constantFrom(
              { raw: { body: encode(n1Document({ ins: LONELY })), type: "application/hl7-cda+xml" } },
              {
                raw: {
                  body: readFileSync(join(FHIR, "document-reference-pdf.json")),
                  type: "application/fhir+json",
                },
              },
              {
                raw: {
                  body: readFileSync(join(FHIR, "document-bundle-pdf.json")),
                  type: "application/fhir+json",
                },
              },
            ),
          },
        );
  return fc
    .tuple(fc.tuple(...params), json === undefined ? fc.constant(undefined) : gen.arb(json), other)
    .map(([ps, body, extra]) => {
      const r: Req = {
        path: {},
        query: {},
        ...(body === undefined ? {} : { body }),
        ...structuredClone(extra),
      };
      for (const [p, v] of ps) if (v !== undefined) (p.in === "path" ? r.path : r.query)[p.name] = v;
      return r;
    });
}

async function send(op: Operation, r: Req): Promise<ApiResponse> {
  let path = op.path;
  for (const [k, v] of Object.entries(r.path)) path = path.replace(`{${k}}`, encodeURIComponent(v));
  const qs = new URLSearchParams(r.query).toString();
  const pdf = Buffer.isBuffer(r.body);
  const form =
    r.form === undefined
      ? undefined
      : multipartBody([
          { name: "metadata", type: "application/json", body: JSON.stringify(r.form.metadata) },
          { name: "document", type: "application/pdf", body: tinyPdf() },
        ]);
  return call(`${f.api}${path}${qs === "" ? "" : `?${qs}`}`, {
    method: op.method,
    ...(op.public ? {} : { token: callerOf(keyOf(op)) }),
    ...(form !== undefined
      ? { body: form.body, contentType: form.contentType }
      : r.raw !== undefined
        ? { body: r.raw.body, contentType: r.raw.type }
        : r.body === undefined
          ? {}
          : pdf
            ? { body: r.body as Buffer, contentType: "application/pdf" }
            : { json: r.body }),
  });
}

/** Refused with 4xx, as a problem document that repeats nothing that was sent. */
function expectRefused(what: string, res: ApiResponse): void {
  const body = res.body.toString("utf8");
  problems.push({ op: what, body });
  expect(res.status, `${what}: ${body}`).toBeGreaterThanOrEqual(400);
  expect(res.status, `${what}: ${body}`).toBeLessThan(500);
  expect(res.contentType, what).toContain("application/problem+json");
  expect(body, `${what} repeats what was sent`).not.toContain(CANARY);
}

/** Every string leaf, then every string leaf and property name, replaced by canary text. */
function canaried(v: unknown): unknown {
  if (typeof v === "string") return `${CANARY}-${v.length}`;
  if (Array.isArray(v)) return v.map(canaried);
  if (typeof v === "object" && v !== null && !Buffer.isBuffer(v))
    return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, canaried(x)]));
  return v;
}

beforeAll(async () => {
  const t = await tempDir("passerelle-api-schema-");
  cleanup = t.cleanup;
  f = await openApiFixture(t.dir, { answers: true });
  const served = await call(`${f.api}/openapi.json`);
  doc = served.json as typeof doc;
  gen = new SchemaGen(doc);
  checker = new ResponseChecker(doc);
  ops = operationsOf(doc);
  tokens.sender = await f.token("dr.berard", "sender");
  tokens.martinSender = await f.token("dr.martin", "sender");
  tokens.gp = await f.token("dr.martin", "recipient");
  tokens.specialist = await f.token("dr.roussel", "specialist");
  tokens.auditor = await f.token("coord.morel", "auditor");
  tokens.coordinator = await f.token("coord.morel", "coordinator");
  tokens.hospital = await f.token({ role: "sender" });
  world.cardiology = (await f.services.directory.repository.findByRpps(rpps("dr.roussel")))?.structureId ?? 0;
  for (let i = 0; i < 2; i++) {
    const r = await call(`${f.api}/transfers`, {
      token: tokens.sender,
      json: { sheet: exampleSheet("discharge"), to: [rpps("dr.martin")] },
    });
    expect(r.status).toBe(201);
    ({ id: world.transfer, sheetId: world.sheet } = r.json as { id: string; sheetId: string });
  }
  const page = await call(`${f.api}/transfers?limit=1`, { token: tokens.gp });
  world.cursor = (page.json as { next: string }).next;
  world.pdf = (await call(`${f.api}/transfers/${world.transfer}/pdf`, { token: tokens.gp })).body;
}, 60_000);
afterAll(async () => {
  await f.close();
  await cleanup();
});

describe("the served document against the server", () => {
  it("accepts positive requests generated from the document for every operation (2xx, responses as documented)", async () => {
    const covered = new Set<string>();
    for (const op of ops) {
      const key = keyOf(op);
      const samples = fc.sample(requests(op), { numRuns: RUNS, seed: 20_261_204 });
      for (const r of samples) {
        await WORLD[key]?.(r);
        const res = await send(op, r);
        const what = `${key} ${JSON.stringify({ ...r, body: Buffer.isBuffer(r.body) ? "(pdf)" : r.body }).slice(0, 1500)}`;
        expect(res.status, `${what} → ${res.body.toString("utf8").slice(0, 500)}`).toBeGreaterThanOrEqual(
          200,
        );
        expect(res.status, `${what} → ${res.body.toString("utf8").slice(0, 500)}`).toBeLessThan(300);
        expect(checker.problems(op, res.status, res.contentType, res.body.toString("utf8")), what).toEqual(
          [],
        );
        covered.add(key);
      }
    }
    expect([...covered].sort()).toEqual(ops.map(keyOf).sort());
  }, 240_000);

  it("refuses negative requests with 4xx naming the rule, never repeating what was sent", async () => {
    let sent = 0;
    for (const op of ops.filter((o) => !o.public)) {
      const key = keyOf(op);
      const [base] = fc.sample(requests(op), { numRuns: 1, seed: 7 });
      if (base === undefined) throw new Error("no sample");
      await WORLD[key]?.(base);
      const cases: [string, Req][] = [];
      // An unknown query parameter, its name and value the client's.
      cases.push(["unknown parameter", { ...base, query: { ...base.query, [CANARY]: CANARY } }]);
      for (const p of op.parameters) {
        const s = gen.resolve(p.schema);
        const bad: string[] = [];
        if (s.type === "integer") {
          if (typeof s.maximum === "number" && s.maximum < Number.MAX_SAFE_INTEGER)
            bad.push(String(s.maximum + 1));
          if (typeof s.minimum === "number") bad.push(String(s.minimum - 1));
          bad.push(`${CANARY}1`);
        }
        if (Array.isArray(s.enum) || typeof s.pattern === "string") bad.push(`${CANARY} !`);
        if (typeof s.maxLength === "number") bad.push("𝄞".repeat(s.maxLength + 1));
        if (Array.isArray(s.anyOf)) bad.push(`${CANARY}-day`);
        for (const v of bad) {
          const r: Req = { ...base, path: { ...base.path }, query: { ...base.query } };
          (p.in === "path" ? r.path : r.query)[p.name] = v;
          cases.push([`${p.in} ${p.name}=${v.slice(0, 20)}`, r]);
        }
      }
      const json = op.body?.["application/json"]?.schema;
      if (json !== undefined && typeof base.body === "object" && base.body !== null) {
        const s = gen.resolve(json);
        const body = base.body as Record<string, unknown>;
        for (const k of (s.required as string[] | undefined) ?? []) {
          const { [k]: _gone, ...rest } = body;
          cases.push([`body without ${k}`, { ...base, body: rest }]);
          cases.push([`body.${k} retyped`, { ...base, body: { ...body, [k]: [[CANARY]] } }]);
        }
        if (s.additionalProperties === false)
          cases.push(["unknown property", { ...base, body: { ...body, [CANARY]: CANARY } }]);
        cases.push(["not an object", { ...base, body: [CANARY] }]);
        cases.push(["every string a canary", { ...base, body: canaried(body) }]);
      }
      const form = (
        op.body?.["multipart/form-data"]?.schema as { properties?: { metadata?: Schema } } | undefined
      )?.properties?.metadata;
      if (form !== undefined) {
        const [sample] = fc.sample(gen.arb(form), { numRuns: 1, seed: 7 });
        const metadata = sample as Record<string, unknown>;
        const s = gen.resolve(form);
        const multipart = (m: unknown): Req => {
          const { raw: _raw, ...rest } = base;
          return { ...rest, form: { metadata: m } };
        };
        for (const k of (s.required as string[] | undefined) ?? []) {
          const { [k]: _gone, ...rest } = metadata;
          cases.push([`metadata without ${k}`, multipart(rest)]);
          cases.push([`metadata.${k} retyped`, multipart({ ...metadata, [k]: [[CANARY]] })]);
        }
        cases.push(["metadata unknown property", multipart({ ...metadata, [CANARY]: CANARY })]);
        cases.push(["metadata every string a canary", multipart(canaried(metadata))]);
        const { form: _form, ...bare } = base;
        cases.push([
          "media type not documented",
          { ...bare, raw: { body: Buffer.from(CANARY), type: "text/plain" } },
        ]);
      }
      for (const [what, r] of cases) {
        expectRefused(`${key}: ${what}`, await send(op, r));
        sent++;
      }
    }
    expect(sent).toBeGreaterThan(100);
  }, 240_000);

  it("counts string lengths in code points, as JSON Schema does (astral characters at the bound)", async () => {
    const q = (n: number) =>
      call(`${f.api}/directory/members?q=${encodeURIComponent("𝄞".repeat(n))}`, { token: tokens.gp });
    expect((await q(100)).status).toBe(200);
    expectRefused("q of 101 code points", await q(101));
    const event = (controlId: string) => ({
      trigger: "A01",
      controlId,
      sender: "SIH_DEMO/CH DEMO",
      occurredAt: "2026-03-02T10:15:00+01:00",
      patient: { ins: "248037511204721", lastName: "MARCHAL", firstNames: "Odette", birthDate: "1948-03-12" },
      stay: { facility: "699990016", visit: "2026000999", unit: "3B" },
    });
    const post = (controlId: string) =>
      call(`${f.api}/adt/events`, { token: tokens.hospital, json: event(controlId) });
    expect((await post("𝄞".repeat(64))).status).toBe(202);
    const r = await post("𝄞".repeat(65));
    expectRefused("controlId of 65 code points", r);
  });

  it("every problem detail seen here is free of the canary", () => {
    expect(problems.length).toBeGreaterThan(100);
    for (const p of problems) expect(p.body, p.op).not.toContain(CANARY);
  });
});

/** A raw request (node:http: fetch refuses TRACE). */
function raw(
  method: string,
  path: string,
  token: string,
): Promise<{ status: number; allow?: string; type?: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      `${f.api}${path}`,
      { method, headers: { authorization: `Bearer ${token}` } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          resolve({
            status: res.statusCode ?? 0,
            ...(res.headers.allow === undefined ? {} : { allow: res.headers.allow }),
            ...(res.headers["content-type"] === undefined ? {} : { type: res.headers["content-type"] }),
            body: Buffer.concat(chunks).toString("utf8"),
          });
        });
      },
    );
    req.on("error", reject);
    req.end();
  });
}

describe("methods a path does not have", () => {
  it("answer 405 with Allow listing the documented methods, as a problem detail, on every path", async () => {
    let checked = 0;
    for (const [template, methods] of Object.entries(doc.paths)) {
      const declared = Object.keys(methods).map((m) => m.toUpperCase());
      const allow = declared.includes("GET") ? [...declared, "HEAD"] : declared;
      const path = template.replace(/\{[^}]+\}/g, "x1");
      for (const m of ["GET", "POST", "PUT", "PATCH", "DELETE", "TRACE"].filter((x) => !allow.includes(x))) {
        // Without a token too: the methods of a path are as public as the document.
        for (const token of [tokens.gp ?? "", ""]) {
          const r = await raw(m, path, token);
          expect([template, m, r.status], r.body).toEqual([template, m, 405]);
          expect(r.allow, `${m} ${template}`).toBe(allow.join(", "));
          expect(r.type).toContain("application/problem+json");
          expect(JSON.parse(r.body)).toMatchObject({ status: 405, code: "METHOD_NOT_ALLOWED" });
          checked++;
        }
      }
      const options = await raw("OPTIONS", path, "");
      expect([template, options.status, options.allow]).toEqual([template, 204, allow.join(", ")]);
    }
    expect(checked).toBeGreaterThan(100);
  });
});
