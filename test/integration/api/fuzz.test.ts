/**
 * Schema-driven fuzz run over the served OpenAPI document: for every
 * documented operation, fast-check generates valid and invalid requests (see fuzz/requests.ts)
 * that are sent over real HTTP to the API on the transfer fixture. Every response must be below
 * 500 and match the document (status, media type, JSON schema); a refused `POST /transfers`
 * must write no transfer. Bounded: FUZZ_RUNS requests per operation (default 40) and FUZZ_SECONDS
 * in all (default 120); FUZZ_SEED replays a run. All failures are reported together.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { SignJWT } from "jose";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { issueLocalToken } from "../../../src/api/index.ts";
import { fixedClock } from "../../../src/core/index.ts";
import { TRANSFER_STATES, TransferRepository } from "../../../src/transfers/index.ts";
import { PATIENT } from "../../helpers/adt.ts";
import { encode, n1Document, tinyPdf } from "../../helpers/cda-hospital.ts";
import { multipartBody } from "../../helpers/multipart.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import type { ApiFixture } from "./fixture.ts";
import { demo, openApiFixture } from "./fixture.ts";
import type { Operation } from "../fuzz/openapi-model.ts";
import { ResponseChecker, operationsOf } from "../fuzz/openapi-model.ts";
import type { FuzzInputs, FuzzRequest } from "../fuzz/requests.ts";
import { requestArbitrary } from "../fuzz/requests.ts";

const RUNS = Number(process.env["FUZZ_RUNS"] ?? 40);
const SECONDS = Number(process.env["FUZZ_SECONDS"] ?? 120);
const SEED = Number(process.env["FUZZ_SEED"] ?? Date.now() % 2 ** 31);

let tmp: { dir: string; cleanup: () => Promise<void> };
let h: ApiFixture;
let inputs: FuzzInputs;
let ops: Operation[];
let checker: ResponseChecker;

const rpps = (localpart: string): string => demo(localpart).rpps;

async function post(path: string, body: unknown): Promise<{ id: string }> {
  const res = await fetch(`${h.api}${path}`, {
    method: "POST",
    headers: { authorization: `Bearer ${await h.token("dr.berard")}`, "content-type": "application/json" },
    body: JSON.stringify(body),
  });
  expect(res.status, `seed ${path}`).toBe(201);
  return (await res.json()) as { id: string };
}

async function brokenTokens(valid: string): Promise<Record<string, string>> {
  const key = h.tokenKey;
  const claims = { role: "sender", rpps: rpps("dr.berard") };
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString("base64url");
  const now = Math.floor(Date.now() / 1000);
  const payload = {
    ...claims,
    iss: "urn:passerelle:local",
    aud: "urn:passerelle:api",
    sub: "x",
    iat: now,
    exp: now + 600,
  };
  const publicPem = key.publicKey.export({ format: "pem", type: "spki" });
  return {
    "alg-none": `${b64({ alg: "none", typ: "JWT" })}.${b64(payload)}.`,
    expired: await issueLocalToken(
      key,
      { role: "sender", rpps: rpps("dr.berard"), ttlSeconds: 60 },
      fixedClock(new Date(Date.now() - 7_200_000).toISOString()),
    ),
    "wrong-audience": await new SignJWT(claims)
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer("urn:passerelle:local")
      .setAudience("urn:someone-else")
      .setSubject("x")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(key.privateKey),
    "hs256-public-key": await new SignJWT(claims)
      .setProtectedHeader({ alg: "HS256" })
      .setIssuer("urn:passerelle:local")
      .setAudience("urn:passerelle:api")
      .setSubject("x")
      .setIssuedAt()
      .setExpirationTime("10m")
      .sign(new TextEncoder().encode(String(publicPem))),
    tampered: `${valid.slice(0, -4)}${valid.slice(-4) === "AAAA" ? "BBBB" : "AAAA"}`,
    "unknown-rpps": await issueLocalToken(key, { role: "sender", rpps: "10000000009", ttlSeconds: 600 }),
  };
}

beforeAll(async () => {
  tmp = await tempDir("passerelle-api-fuzz-");
  h = await openApiFixture(tmp.dir, { env: { PASSERELLE_HTTP_RATE_LIMIT: "1000000" } });
  const discharge = await post("/transfers", { sheet: exampleSheet("discharge"), to: [rpps("dr.martin")] });
  const te = await post("/transfers", {
    sheet: exampleSheet("teleexpertise-request"),
    to: [rpps("dr.roussel")],
  });
  const tokens: Record<string, string> = {
    sender: await h.token("dr.berard"),
    gp: await h.token("dr.martin", "recipient"),
    "nurse-sender": await h.token("ide.bernard", "sender"),
    specialist: await h.token("dr.roussel", "specialist"),
    coordinator: await h.token("coord.morel", "coordinator"),
    auditor: await h.token("coord.morel", "auditor"),
    "service-coordinator": await h.token({ role: "coordinator" }),
    "service-sender": await h.token({ role: "sender" }), // a hospital's ADT account
  };
  Object.assign(tokens, await brokenTokens(tokens["sender"] ?? ""));
  const payload = await new TransferRepository(h.services.db.knex).payload(discharge.id);
  const cardiology = (await h.services.directory.repository.findByRpps(rpps("dr.roussel")))?.structureId;
  // A PDF with its metadata for a patient nobody follows: it waits « à orienter ».
  const form = multipartBody([
    {
      name: "metadata",
      type: "application/json",
      body: JSON.stringify({
        patient: {
          ins: PATIENT.ins,
          insOid: "1.2.250.1.213.1.4.8",
          family: "MARCHAL",
          given: "Odette",
          birthDate: "1948-03-12",
          sex: "F",
        },
        typeCode: "11488-4",
      }),
    },
    { name: "document", type: "application/pdf", body: tinyPdf() },
  ]);
  const waiting = await fetch(`${h.api}/documents`, {
    method: "POST",
    headers: {
      authorization: `Bearer ${await h.token({ role: "sender" })}`,
      "content-type": form.contentType,
    },
    body: form.body,
  });
  expect(waiting.status, "seed /documents").toBe(201);
  const queue = await fetch(`${h.api}/documents/to-route`, {
    headers: { authorization: `Bearer ${await h.token("coord.morel", "coordinator")}` },
  });
  const refs = ((await queue.json()) as { items: { ref: string }[] }).items.map((i) => i.ref);
  const fhir = (name: string) =>
    readFileSync(path.join(import.meta.dirname, "..", "..", "fixtures", "fhir", name));
  inputs = {
    tokens,
    pathValues: {
      id: [discharge.id, te.id],
      form: ["discharge@1", "admission", "teleexpertise-request@1"],
      rpps: [rpps("dr.martin"), rpps("dr.roussel")],
      state: [...TRANSFER_STATES],
      q: ["Ber", "Mar"],
      profession: ["10", "60"],
      transfer: [discharge.id],
      sheet: [discharge.id],
      ref: refs,
    },
    jsonBodies: {
      "POST /transfers": [
        { sheet: exampleSheet("discharge"), to: [rpps("dr.martin")] },
        { sheet: exampleSheet("admission"), to: [rpps("ide.bernard")] },
        { sheet: exampleSheet("admission"), toUnit: { structureId: cardiology } },
      ],
      "POST /sheets/preview": [exampleSheet("discharge"), exampleSheet("teleexpertise-request")],
      "POST /transfers/{id}/answer": [{ data: exampleSheet("teleexpertise-answer").data }],
      "POST /adt/events": [
        {
          trigger: "A01",
          controlId: "FUZZ-1",
          sender: "SIH_DEMO/CH DEMO",
          occurredAt: "2026-03-02T10:15:00+01:00",
          patient: { ins: PATIENT.ins, lastName: "MARCHAL", firstNames: "Odette", birthDate: "1948-03-12" },
          stay: { facility: "699990016", visit: "V1", unit: "3B" },
        },
      ],
      "POST /circles/join": [{ ins: PATIENT.ins }, { ins: PATIENT.ins, rpps: rpps("ide.bernard") }],
      "POST /circles/leave": [{ ins: PATIENT.ins }],
      "POST /circles/objection": [
        { ins: PATIENT.ins, objected: true },
        { ins: PATIENT.ins, objected: false },
      ],
      "POST /circles/list": [{ ins: PATIENT.ins }],
      "POST /documents/{ref}/assign": [
        { recipients: [rpps("dr.martin")] },
        { recipients: [rpps("ide.bernard"), rpps("dr.martin")] },
      ],
    },
    rawBodies: {
      "POST /documents": [
        { body: encode(n1Document()), type: "application/hl7-cda+xml" },
        { body: encode(n1Document({ replaces: "CR-1" })), type: "application/xml" },
        { body: form.body, type: form.contentType },
        { body: fhir("document-reference-pdf.json"), type: "application/fhir+json" },
        { body: fhir("document-bundle-pdf.json"), type: "application/fhir+json" },
      ],
    },
    pdf: payload?.pdf ?? new Uint8Array(),
  };
  const doc: unknown = await (await fetch(`${h.api}/openapi.json`)).json();
  ops = operationsOf(doc);
  checker = new ResponseChecker(doc);
}, 120_000);
afterAll(async () => {
  await h.close();
  await tmp.cleanup();
});

interface Failure {
  readonly op: string;
  readonly status: number;
  readonly request: string;
  readonly problems: readonly string[];
}

async function send(r: FuzzRequest): Promise<{ status: number; type: string | null; body: string }> {
  const res = await fetch(r.url, {
    method: r.method,
    headers: r.headers,
    ...(r.body === undefined ? {} : { body: r.body }),
    signal: AbortSignal.timeout(30_000),
  });
  return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
}

const transferCount = async (): Promise<number> =>
  Number(((await h.services.db.knex("transfers").count({ n: "*" }).first()) as { n: number | string }).n);

describe("fuzz over /api/v1/openapi.json", () => {
  it("has a response checker that can fail", () => {
    const health = ops.find((o) => o.path === "/health");
    const transfers = ops.find((o) => o.method === "POST" && o.path === "/transfers");
    if (health === undefined || transfers === undefined) throw new Error("operations missing");
    expect(checker.problems(health, 200, "application/json", '{"status":"ok","time":"t"}')).toEqual([]);
    expect(checker.problems(health, 200, "application/json", '{"status":"ko"}')).not.toEqual([]);
    expect(checker.problems(health, 200, "text/html", "<p>ok</p>")).not.toEqual([]);
    expect(checker.problems(transfers, 400, "application/problem+json", '{"title":"x"}')).not.toEqual([]);
    expect(checker.problems(transfers, 201, "application/json", "{")).toEqual(["body is not JSON"]);
  });

  it(
    "answers every generated request below 500 and as documented",
    async () => {
      const deadline = Date.now() + SECONDS * 1000;
      const failures: Failure[] = [];
      const counts: string[] = [];
      let sent = 0;
      for (const op of ops) {
        const key = `${op.method} ${op.path}`;
        const requests = fc.sample(requestArbitrary(op, inputs, h.api), { numRuns: RUNS, seed: SEED });
        const statuses = new Map<number, number>();
        for (const r of requests) {
          if (Date.now() > deadline) break;
          const before = key === "POST /transfers" ? await transferCount() : 0;
          const res = await send(r);
          sent++;
          statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
          const problems = [
            ...(res.status >= 500 ? [`server error ${res.status}`] : []),
            ...checker.problems(op, res.status, res.type, res.body),
          ];
          if (key === "POST /transfers" && res.status >= 400 && (await transferCount()) !== before) {
            problems.push("a refused create wrote a transfer");
          }
          if (problems.length > 0) failures.push({ op: key, status: res.status, request: r.label, problems });
        }
        counts.push(`${key}: ${[...statuses].map(([s, n]) => `${s}×${n}`).join(" ")}`);
      }
      const report = [
        `seed ${SEED}, ${sent} requests`,
        ...counts,
        ...failures
          .slice(0, 30)
          .map((f) => `FAIL ${f.op} → ${f.status}: ${f.problems.join("; ")} [${f.request}]`),
      ].join("\n");
      process.stdout.write(`${report}\n`);
      expect(sent, report).toBeGreaterThan(ops.length);
      expect(failures, report).toEqual([]);
    },
    (SECONDS + 120) * 1000,
  );
});
