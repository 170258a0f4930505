/**
 * Bad input on every route of the HTTP API: forged and expired tokens (alg none, HS/RS
 * confusion, wrong audience or issuer, another key), malformed JSON, wrong content types, huge
 * bodies, wrong types, missing fields, bad query parameters — each a 4xx problem document naming
 * the field, never a 5xx, and nothing written (also for ADT events and care circles). Tokens of a real JWKS endpoint (RS256, ES256).
 */
import { createHmac, generateKeyPairSync } from "node:crypto";
import { SignJWT } from "jose";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { stat } from "node:fs/promises";
import { connect } from "node:net";
import path from "node:path";
import { LOCAL_AUDIENCE, LOCAL_ISSUER, TOKEN_KEY_FILE } from "../../../src/api/index.ts";
import { runCli } from "../../../src/cli/index.ts";
import { PATIENT } from "../../helpers/adt.ts";
import { captureIo } from "../../helpers/io.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { ApiResponse } from "./client.ts";
import { call, problemOf } from "./client.ts";
import type { ApiFixture } from "./fixture.ts";
import { demo, openApiFixture } from "./fixture.ts";
import type { OidcIssuer } from "./oidc.ts";
import { OIDC_ISSUER, startOidcIssuer } from "./oidc.ts";

let f: ApiFixture;
let oidc: OidcIssuer;
let cleanup: () => Promise<void>;
let sender: string;
const responses: ApiResponse[] = [];

const b64 = (v: unknown): string => Buffer.from(JSON.stringify(v)).toString("base64url");
const now = (): number => Math.floor(Date.now() / 1000);

async function expectProblem(
  r: Promise<ApiResponse>,
  status: number,
  code: string,
  path?: string,
): Promise<ApiResponse> {
  const res = await r;
  responses.push(res);
  expect(res.status, JSON.stringify(res.json)).toBe(status);
  expect(res.contentType).toContain("application/problem+json");
  expect(problemOf(res).code).toBe(code);
  if (path !== undefined) expect(problemOf(res).paths).toContain(path);
  return res;
}

async function written(): Promise<{ transfers: number; audit: number }> {
  const t = await f.services.db.knex("transfers").count({ n: "*" }).first();
  return { transfers: Number(t?.n ?? 0), audit: (await f.services.trail.head()).seq };
}

beforeAll(async () => {
  const t = await tempDir("passerelle-api-bad-");
  cleanup = t.cleanup;
  oidc = await startOidcIssuer();
  f = await openApiFixture(t.dir, { env: oidc.env });
  sender = await f.token("dr.berard");
}, 60_000);
afterAll(async () => {
  await f.close();
  await oidc.close();
  await cleanup();
});

describe("tokens", () => {
  const me = (token?: string): Promise<ApiResponse> =>
    call(`${f.api}/me`, token === undefined ? {} : { token });
  const rpps = (): string => demo("dr.martin").rpps;

  it("accepts OIDC tokens signed RS256 or ES256 by the issuer's JWKS, RPPS from SubjectNameID", async () => {
    for (const alg of ["RS256", "ES256"] as const) {
      const r = await me(await oidc.sign(alg, { SubjectNameID: `8${rpps()}` }));
      expect(r.status, JSON.stringify(r.json)).toBe(200);
      expect(r.json).toMatchObject({
        actor: `rpps:${rpps()}`,
        issuer: "oidc",
        roles: ["recipient", "sender"],
      });
    }
  });

  it("refuses a missing, malformed, unsigned (alg none) or expired token, with WWW-Authenticate", async () => {
    const r = await expectProblem(me(), 401, "UNAUTHENTICATED", "authorization");
    expect(r.headers.get("www-authenticate")).toContain("Bearer");
    await expectProblem(call(`${f.api}/me`, { token: "not a token" }), 401, "UNAUTHENTICATED");
    // Without a valid token no body is read, however large or malformed.
    const body = "{" + "x".repeat(3_000_000);
    await expectProblem(
      call(`${f.api}/transfers`, { body, contentType: "application/json" }),
      401,
      "UNAUTHENTICATED",
    );
    await expectProblem(me("abc.def.ghi"), 401, "UNAUTHENTICATED");
    const none = `${b64({ alg: "none", typ: "JWT" })}.${b64({ iss: LOCAL_ISSUER, aud: LOCAL_AUDIENCE, sub: "x", role: "coordinator", exp: now() + 600 })}.`;
    await expectProblem(me(none), 401, "UNAUTHENTICATED");
    const oidcNone = `${b64({ alg: "none" })}.${b64({ iss: OIDC_ISSUER, aud: "passerelle-test", sub: "x", SubjectNameID: rpps(), exp: now() + 600 })}.`;
    await expectProblem(me(oidcNone), 401, "UNAUTHENTICATED");
    await expectProblem(
      me(await oidc.sign("RS256", { SubjectNameID: rpps() }, { expiresIn: now() - 60 })),
      401,
      "UNAUTHENTICATED",
    );
    await expectProblem(me(await f.token("dr.martin", "recipient", -60)), 401, "UNAUTHENTICATED");
  });

  it("refuses HS/RS confusion: HS256 keyed with the issuer's public key", async () => {
    const header = b64({ alg: "HS256", typ: "JWT", kid: "rsa-1" });
    const payload = b64({
      iss: OIDC_ISSUER,
      aud: "passerelle-test",
      sub: "x",
      SubjectNameID: rpps(),
      exp: now() + 600,
    });
    const mac = createHmac("sha256", oidc.rsaPublicPem).update(`${header}.${payload}`).digest("base64url");
    await expectProblem(me(`${header}.${payload}.${mac}`), 401, "UNAUTHENTICATED");
  });

  it("refuses a wrong audience, an unknown issuer, a foreign key and an algorithm not pinned for the issuer", async () => {
    await expectProblem(
      me(await oidc.sign("RS256", { aud: "someone-else", SubjectNameID: rpps() })),
      401,
      "UNAUTHENTICATED",
    );
    await expectProblem(
      me(await oidc.sign("RS256", { iss: "https://evil.example", SubjectNameID: rpps() })),
      401,
      "UNAUTHENTICATED",
    );
    await expectProblem(me(await oidc.sign("RS256", { sub: "no-rpps" })), 401, "UNAUTHENTICATED");
    const foreign = generateKeyPairSync("ed25519").privateKey;
    const local = (aud: string) =>
      new SignJWT({ role: "coordinator" })
        .setProtectedHeader({ alg: "EdDSA" })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(aud)
        .setSubject("service:x")
        .setExpirationTime(now() + 600);
    await expectProblem(me(await local(LOCAL_AUDIENCE).sign(foreign)), 401, "UNAUTHENTICATED");
    await expectProblem(me(await local("other").sign(f.tokenKey.privateKey)), 401, "UNAUTHENTICATED");
    // The local key, but claiming the OIDC issuer: EdDSA is not pinned for it.
    const asOidc = await new SignJWT({ SubjectNameID: rpps() })
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer(OIDC_ISSUER)
      .setAudience("passerelle-test")
      .setSubject("x")
      .setExpirationTime(now() + 600)
      .sign(f.tokenKey.privateKey);
    await expectProblem(me(asOidc), 401, "UNAUTHENTICATED");
  });
});

describe("bodies", () => {
  const post = (path: string, init: Parameters<typeof call>[1]): Promise<ApiResponse> =>
    call(`${f.api}${path}`, { method: "POST", token: sender, ...init });
  const to = (): string[] => [demo("dr.martin").rpps];

  it("a request line over the parser's limit gets 431 and an unparsable request 400, both problem details without the request's content", async () => {
    const raw = (request: string): Promise<string> =>
      new Promise((resolve, reject) => {
        const { hostname, port } = new URL(f.api);
        const socket = connect(Number(port), hostname, () => socket.end(request));
        const chunks: Buffer[] = [];
        socket.on("data", (c: Buffer) => chunks.push(c));
        socket.on("error", reject);
        socket.on("close", () => {
          resolve(Buffer.concat(chunks).toString("utf8"));
        });
      });
    const long = await raw(`GET /api/v1/audit?from=${"DUPR%C3%89".repeat(3000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
    expect(long).toMatch(/^HTTP\/1\.1 431 /);
    expect(long).toContain("Content-Type: application/problem+json");
    const problem = JSON.parse(long.slice(long.indexOf("\r\n\r\n") + 4)) as {
      code: string;
      errors: { path: string }[];
    };
    expect(problem).toMatchObject({ code: "HEADERS_TOO_LARGE", errors: [{ path: "headers" }] });
    expect(long).not.toContain("DUPR");
    const garbled = await raw("GET /api/v1/health HTTP/1.1\r\nHost x DUPRÉ\r\n\r\n");
    expect(garbled).toMatch(/^HTTP\/1\.1 400 /);
    expect(JSON.parse(garbled.slice(garbled.indexOf("\r\n\r\n") + 4))).toMatchObject({ code: "BAD_REQUEST" });
    expect(garbled).not.toContain("DUPR");
  });

  it("POST /transfers: malformed JSON, wrong content type, huge body, wrong types, missing fields → 4xx, nothing written", async () => {
    const before = await written();
    await expectProblem(
      post("/transfers", { body: '{"sheet": {', contentType: "application/json" }),
      400,
      "INVALID_JSON",
      "body",
    );
    await expectProblem(
      post("/transfers", { body: "sheet=1", contentType: "text/plain" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
      "content-type",
    );
    await expectProblem(post("/transfers", { body: "{}" }), 415, "UNSUPPORTED_MEDIA_TYPE");
    const huge = JSON.stringify({
      sheet: { form: "discharge@1", data: { x: "a".repeat(2_000_000) } },
      to: to(),
    });
    await expectProblem(
      post("/transfers", { body: huge, contentType: "application/json" }),
      413,
      "PAYLOAD_TOO_LARGE",
      "body",
    );
    await expectProblem(
      post("/transfers", { json: { sheet: exampleSheet("discharge") } }),
      422,
      "VALIDATION_FAILED",
      "to",
    );
    await expectProblem(post("/transfers", { json: { to: to() } }), 422, "VALIDATION_FAILED", "sheet");
    await expectProblem(
      post("/transfers", { json: { sheet: exampleSheet("discharge"), to: "x" } }),
      422,
      "VALIDATION_FAILED",
      "to",
    );
    await expectProblem(
      post("/transfers", { json: { sheet: exampleSheet("discharge"), to: ["123"] } }),
      422,
      "VALIDATION_FAILED",
      "to.0",
    );
    await expectProblem(
      post("/transfers", { json: { sheet: exampleSheet("discharge"), to: [] } }),
      422,
      "VALIDATION_FAILED",
      "to",
    );
    await expectProblem(post("/transfers", { json: [1, 2] }), 422, "VALIDATION_FAILED");
    await expectProblem(post("/transfers", { json: "str" }), 400, "INVALID_JSON"); // strict JSON: objects and arrays only
    await expectProblem(
      post("/transfers", { json: { sheet: exampleSheet("discharge"), to: to(), extra: 1 } }),
      422,
      "VALIDATION_FAILED",
      "*", // an unknown property is named by its place, never by the client's name for it
    );
    await expectProblem(
      post("/transfers", { json: { sheet: { form: 3, data: {} }, to: to() } }),
      422,
      "VALIDATION_FAILED",
      "sheet.form",
    );
    expect(await written()).toEqual(before);
  });

  it("POST /transfers: an invalid sheet or an unknown recipient names the field; no transfer is stored", async () => {
    const before = await written();
    const bad = exampleSheet("discharge");
    bad.data.patient = { ...bad.data.patient, ins: "248037511204799" };
    const r = await expectProblem(
      post("/transfers", { json: { sheet: bad, to: to() } }),
      422,
      "VALIDATION_FAILED",
      "data.patient.ins",
    );
    expect(r.body.toString()).not.toContain("248037511204799");
    await expectProblem(
      post("/transfers", { json: { sheet: { form: "nope@1", data: {} }, to: to() } }),
      422,
      "UNKNOWN_FORM",
    );
    await expectProblem(
      post("/transfers", { json: { sheet: exampleSheet("discharge"), to: ["99900009988"] } }),
      404,
      "NOT_FOUND",
      "to[0]",
    );
    // Refusals are audited (transfer.failed), but no transfer is stored.
    expect((await written()).transfers).toBe(before.transfers);
  });

  it("POST /sheets/preview and /transfers/{id}/answer check their bodies the same way", async () => {
    await expectProblem(
      post("/sheets/preview", { body: "{", contentType: "application/json" }),
      400,
      "INVALID_JSON",
    );
    await expectProblem(
      post("/sheets/preview", { json: { form: "discharge@1" } }),
      422,
      "VALIDATION_FAILED",
      "data",
    );
    await expectProblem(
      post("/sheets/preview", { json: { form: "discharge@1", data: {} } }),
      422,
      "VALIDATION_FAILED",
    );
    await expectProblem(
      post("/sheets/preview", { body: "x", contentType: "application/pdf" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    const ok = await post("/sheets/preview", { json: exampleSheet("discharge") });
    expect(ok.status).toBe(200);
    expect(ok.body.subarray(0, 5).toString()).toBe("%PDF-");
    await expectProblem(post("/transfers/nope/answer", { json: { data: {} } }), 404, "NOT_FOUND", "id");
  });

  it("POST /verify: wrong content type, not a PDF, empty, a huge body", async () => {
    await expectProblem(post("/verify", { json: { pdf: "x" } }), 415, "UNSUPPORTED_MEDIA_TYPE");
    await expectProblem(post("/verify", { body: "hello", contentType: "application/pdf" }), 415, "NOT_A_PDF");
    await expectProblem(post("/verify", { body: "", contentType: "application/pdf" }), 415, "NOT_A_PDF");
    const big = new Uint8Array(21 * 1024 * 1024);
    await expectProblem(
      post("/verify", { body: big, contentType: "application/pdf" }),
      413,
      "PAYLOAD_TOO_LARGE",
    );
  });
});

describe("ADT events and care circles", () => {
  const badIns = "248037511204722"; // PATIENT.ins with a wrong key
  const event = (): Record<string, unknown> => ({
    trigger: "A01",
    controlId: "BAD-1",
    sender: "SIH_DEMO/CH DEMO",
    occurredAt: "2026-03-02T10:15:00+01:00",
    patient: { ins: PATIENT.ins, lastName: "MARCHAL", firstNames: "Odette Marie", birthDate: "1948-03-12" },
    stay: { facility: "699990016", visit: "V1", unit: "3B" },
  });
  const count = async (table: string): Promise<number> =>
    Number((await f.services.db.knex(table).count({ n: "*" }).first())?.n ?? 0);

  it("POST /adt/events: wrong types, missing fields, a bad INS key → 4xx naming the field, nothing stored", async () => {
    const hospital = await f.token({ role: "sender" });
    const post = (init: Parameters<typeof call>[1]) =>
      call(`${f.api}/adt/events`, { method: "POST", token: hospital, ...init });
    const cases: [Record<string, unknown> | unknown[], string][] = [
      [{ ...event(), patient: { ...(event().patient as object), ins: badIns } }, "patient.ins"],
      [{ ...event(), patient: { ...(event().patient as object), ins: 248037511204721 } }, "patient.ins"],
      [{ ...event(), patient: undefined }, "patient"],
      [{ ...event(), trigger: "A08" }, "trigger"],
      [{ ...event(), controlId: 7 }, "controlId"],
      [{ ...event(), occurredAt: "yesterday" }, "occurredAt"],
      [{ ...event(), trigger: "A03" }, "stay.dischargedAt"],
      [{ ...event(), stay: { facility: "699990016", unit: "3B" } }, "stay.visit"],
      [
        { ...event(), patient: { ...(event().patient as object), birthDate: "12/03/1948" } },
        "patient.birthDate",
      ],
      [[event()], "event"],
    ];
    for (const [json, field] of cases) {
      const r = await expectProblem(post({ json }), 422, "VALIDATION_FAILED", field);
      expect(r.body.toString()).not.toMatch(/248037511204|MARCHAL/);
    }
    await expectProblem(post({ body: '{"trigger":', contentType: "application/json" }), 400, "INVALID_JSON");
    await expectProblem(
      post({ body: "MSH|^~\\&|", contentType: "text/plain" }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    expect(await count("adt_messages")).toBe(0);
    // Each refusal is audited as adt.rejected, without the patient (the INS was not valid).
    const rejected = await f.services.db.knex("audit_entries").where({ action: "adt.rejected" }).select();
    expect(rejected).toHaveLength(cases.length);
    expect(JSON.stringify(rejected)).not.toMatch(/248037511204|MARCHAL/);
  });

  it("the circle routes: wrong types, missing or unknown fields, a bad INS key, an unknown RPPS → 4xx naming the field, nothing written", async () => {
    const gp = await f.token("dr.martin", "recipient");
    const coord = await f.token("coord.morel", "coordinator");
    const before = { links: await count("circle_members"), audit: (await f.services.trail.head()).seq };
    const cases: [string, string, unknown, number, string, string][] = [
      ["/circles/join", gp, { ins: badIns }, 422, "VALIDATION_FAILED", "ins"],
      ["/circles/join", gp, {}, 422, "VALIDATION_FAILED", "ins"],
      ["/circles/join", gp, { ins: 248037511204721 }, 422, "VALIDATION_FAILED", "ins"],
      ["/circles/join", gp, { ins: PATIENT.ins, rpps: "12" }, 422, "VALIDATION_FAILED", "rpps"],
      ["/circles/join", gp, { ins: PATIENT.ins, consent: "maybe" }, 422, "VALIDATION_FAILED", "consent"],
      ["/circles/join", gp, { ins: PATIENT.ins, since: "soon" }, 422, "VALIDATION_FAILED", "since"],
      ["/circles/join", gp, { ins: PATIENT.ins, extra: 1 }, 422, "VALIDATION_FAILED", "*"],
      ["/circles/join", coord, { ins: PATIENT.ins, rpps: "99900009988" }, 404, "NOT_FOUND", "rpps"],
      [
        "/circles/join",
        await f.token({ role: "coordinator" }),
        { ins: PATIENT.ins },
        422,
        "VALIDATION_FAILED",
        "rpps",
      ],
      ["/circles/leave", gp, { ins: badIns }, 422, "VALIDATION_FAILED", "ins"],
      ["/circles/leave", gp, { ins: PATIENT.ins, consent: "explicit" }, 422, "VALIDATION_FAILED", "consent"],
      ["/circles/objection", coord, { ins: PATIENT.ins }, 422, "VALIDATION_FAILED", "objected"],
      [
        "/circles/objection",
        coord,
        { ins: PATIENT.ins, objected: "yes" },
        422,
        "VALIDATION_FAILED",
        "objected",
      ],
      ["/circles/objection", coord, { ins: badIns, objected: true }, 422, "VALIDATION_FAILED", "ins"],
      ["/circles/list", coord, { ins: badIns }, 422, "VALIDATION_FAILED", "ins"],
      ["/circles/list", coord, [PATIENT.ins], 422, "VALIDATION_FAILED", "body"],
    ];
    for (const [route, token, json, status, code, field] of cases) {
      const r = await expectProblem(
        call(`${f.api}${route}`, { method: "POST", token, json }),
        status,
        code,
        field,
      );
      expect(r.body.toString(), route).not.toMatch(/248037511204/);
    }
    await expectProblem(
      call(`${f.api}/circles/join`, {
        method: "POST",
        token: gp,
        body: "{",
        contentType: "application/json",
      }),
      400,
      "INVALID_JSON",
    );
    await expectProblem(
      call(`${f.api}/circles/list`, {
        method: "POST",
        token: gp,
        body: PATIENT.ins,
        contentType: "text/plain",
      }),
      415,
      "UNSUPPORTED_MEDIA_TYPE",
    );
    // The INS never travels in a URL: there is no GET route for circles (405, POST only).
    const get = await expectProblem(
      call(`${f.api}/circles/list?ins=${PATIENT.ins}`, { token: gp }),
      405,
      "METHOD_NOT_ALLOWED",
    );
    expect(get.headers.get("allow")).toBe("POST");
    expect(get.body.toString()).not.toMatch(/248037511204/);
    expect(await count("circle_members")).toBe(before.links);
    expect((await f.services.trail.head()).seq).toBe(before.audit);
  });
});

describe("parameters and routes", () => {
  const get = (path: string, token = sender): Promise<ApiResponse> => call(`${f.api}${path}`, { token });

  it("GET /transfers: bad limit, state, form, cursor, unknown or repeated parameters", async () => {
    await expectProblem(get("/transfers?limit=abc"), 422, "VALIDATION_FAILED", "limit");
    await expectProblem(get("/transfers?limit=0"), 422, "VALIDATION_FAILED", "limit");
    await expectProblem(get("/transfers?state=lost"), 422, "VALIDATION_FAILED", "state");
    await expectProblem(get("/transfers?form=DROP%20TABLE"), 422, "VALIDATION_FAILED", "form");
    await expectProblem(get("/transfers?cursor=garbage"), 422, "VALIDATION_FAILED", "cursor");
    await expectProblem(get("/transfers?overdue=maybe"), 422, "VALIDATION_FAILED", "overdue");
    await expectProblem(get("/transfers?patient=MARCHAL"), 422, "VALIDATION_FAILED", "*");
    await expectProblem(get("/transfers?state=sent&state=read"), 422, "VALIDATION_FAILED", "state");
  });

  it("unknown ids and malformed path parameters are 404 or 422, never 500", async () => {
    await expectProblem(get("/transfers/00000000-0000-0000-0000-000000000000"), 404, "NOT_FOUND");
    await expectProblem(get("/transfers/%E2%9C%93%00"), 404, "NOT_FOUND");
    await expectProblem(get(`/transfers/${"x".repeat(500)}/pdf`), 404, "NOT_FOUND");
    await expectProblem(get("/forms/nope@1"), 404, "NOT_FOUND", "form");
    await expectProblem(get("/directory/members/123"), 422, "VALIDATION_FAILED", "rpps");
    await expectProblem(get("/directory/members/99900009988"), 404, "NOT_FOUND", "rpps");
    await expectProblem(get("/directory/members?profession=abc"), 422, "VALIDATION_FAILED", "profession");
    await expectProblem(get("/no/such/route"), 404, "NOT_FOUND", "url");
    // A method the path does not have: 405 with Allow (RFC 9110 §15.5.6), no longer 404.
    const del = await expectProblem(
      call(`${f.api}/forms`, { method: "DELETE", token: sender }),
      405,
      "METHOD_NOT_ALLOWED",
    );
    expect(del.headers.get("allow")).toBe("GET, HEAD");
    await expectProblem(call(`${f.url}/elsewhere`), 404, "NOT_FOUND");
  });

  it("audit parameters: dates, limits, an empty export range", async () => {
    const auditor = await f.token("coord.morel", "auditor");
    await expectProblem(get("/audit?from=yesterday", auditor), 422, "VALIDATION_FAILED", "from");
    await expectProblem(get("/audit?limit=5000", auditor), 422, "VALIDATION_FAILED", "limit");
    await expectProblem(get("/audit?transfer=a%20b", auditor), 422, "VALIDATION_FAILED", "transfer");
    await expectProblem(get("/audit/export?from=2000-01-01&to=2000-01-02", auditor), 404, "NOT_FOUND");
    await expectProblem(get("/audit/export?to=tomorrow", auditor), 422, "VALIDATION_FAILED", "to");
  });
});

describe("hygiene", () => {
  it("no 5xx in this suite; security headers; no patient data or ids in the access log", async () => {
    expect(responses.length).toBeGreaterThan(40);
    expect(responses.filter((r) => r.status >= 500)).toEqual([]);
    const r = await call(`${f.api}/health`);
    expect(r.headers.get("x-content-type-options")).toBe("nosniff");
    expect(r.headers.get("content-security-policy")).toContain("default-src");
    expect(r.headers.get("x-powered-by")).toBeNull();
    expect(r.headers.get("cache-control")).toBe("no-store");
    const log = JSON.stringify(f.logs);
    expect(log).not.toMatch(/MARCHAL|Odette|248037511204|[0-9a-f]{8}-[0-9a-f]{4}-|99900009988|patient=/);
    expect(f.logs.some((l) => l.fields?.route === "/api/v1/transfers/:id")).toBe(true);
    expect(f.logs.filter((l) => l.level === "error")).toEqual([]);
  });

  it("no problem detail of this suite repeats a value or a name that was sent", () => {
    // Values and names the requests above sent (patient data, identifiers, parameters, fields).
    const sent = [
      "248037511204", // the INS, with good and bad keys
      "MARCHAL",
      "Odette",
      "99900009988", // an RPPS outside the directory
      "nope@1",
      "DROP TABLE",
      "garbage",
      "maybe",
      "yesterday",
      "tomorrow",
      "lost",
      "extra",
      "12/03/1948",
      "A08",
      "soon",
    ];
    const problems = responses.filter((r) => r.contentType.includes("application/problem+json"));
    expect(problems.length).toBeGreaterThan(40);
    for (const r of problems) {
      const text = r.body.toString("utf8");
      for (const v of sent) expect(text, `a problem detail repeats ${v}`).not.toContain(v);
    }
  });
});

describe("token issue (CLI)", () => {
  it("prints a working token; refuses an unknown RPPS, a role the member lacks, bad flags; the key is 0600", async () => {
    const dir = f.config.dataDir;
    const run = async (...args: string[]) => {
      const io = captureIo(dir, { PASSERELLE_DATA_DIR: dir, PASSERELLE_HTTP_PORT: "0" });
      const status = await runCli(["token", "issue", ...args], io);
      return { status, out: io.stdout.join("").trim(), text: io.text() };
    };
    const ok = await run("--role", "recipient", "--rpps", demo("ph.laurent").rpps, "--ttl", "30m");
    expect(ok.status, ok.text).toBe(0);
    const me = await call(`${f.api}/me`, { token: ok.out });
    expect(me.json).toMatchObject({ actor: `rpps:${demo("ph.laurent").rpps}`, roles: ["recipient"] });
    expect((await run("--role", "sender", "--rpps", "99900009988")).status).toBe(1);
    expect((await run("--role", "coordinator", "--rpps", demo("ph.laurent").rpps)).status).toBe(1);
    expect((await run("--role", "admin")).status).toBe(2);
    expect((await run("--role", "auditor", "--ttl", "forever")).status).toBe(2);
    expect((await run("--role", "auditor", "--rpps", "12")).status).toBe(2);
    expect((await stat(path.join(dir, TOKEN_KEY_FILE))).mode & 0o777).toBe(0o600);
  });
});

describe("readiness", () => {
  it("/ready answers 503 once the database is gone, /health still 200", async () => {
    const t = await tempDir("passerelle-api-ready-");
    const g = await openApiFixture(t.dir);
    try {
      expect((await call(`${g.api}/ready`)).status).toBe(200);
      await g.services.db.close();
      const r = await call(`${g.api}/ready`);
      expect(r.status).toBe(503);
      expect(r.json).toEqual({ status: "unavailable", checks: { database: "down" } });
      expect((await call(`${g.api}/health`)).status).toBe(200);
    } finally {
      await g.close().catch(() => undefined); // the database is already closed
      await t.cleanup();
    }
  });
});

describe("rate limit per token", () => {
  it("answers 429 past the limit for one token while another goes on, and per address before authentication", async () => {
    const t = await tempDir("passerelle-api-rate-");
    const g = await openApiFixture(t.dir, { env: { PASSERELLE_HTTP_RATE_LIMIT: "5" } });
    try {
      const a = await g.token("dr.berard");
      const b = await g.token("dr.martin", "recipient");
      for (let i = 0; i < 5; i++) expect((await call(`${g.api}/me`, { token: a })).status).toBe(200);
      const limited = await expectProblem(call(`${g.api}/me`, { token: a }), 429, "RATE_LIMITED");
      expect(limited.headers.get("ratelimit-policy") ?? limited.headers.get("ratelimit")).toBeTruthy();
      expect((await call(`${g.api}/me`, { token: b })).status).toBe(200);
      // Made-up tokens do not open fresh windows: the address's window (10× the limit) closes.
      const statuses: number[] = [];
      for (let i = 0; i < 50; i++)
        statuses.push((await call(`${g.api}/me`, { token: `x${String(i)}` })).status);
      expect(statuses.slice(0, 43).every((s) => s === 401)).toBe(true); // 7 requests above + 43 = 50
      expect(statuses.slice(43).every((s) => s === 429)).toBe(true);
    } finally {
      await g.close();
      await t.cleanup();
    }
  });
});
