/**
 * `POST /api/v1/documents` and the queue « à orienter » over real HTTP on the API fixture (demo
 * directory, local tokens), on sqlite and PostgreSQL with the same assertions: each accepted media
 * type (CDA R2, multipart PDF + metadata, FHIR DocumentReference and Bundle) → 201, the same
 * document again → 200 `duplicate`; 415 for other media types, 413 over the limit, 4xx naming the
 * field or XPath for bad input; who may send, list and assign. The documents service is the real
 * one (src/documents, wired as src/app.ts wires it): transfers are queued in the outbox (no worker
 * runs here).
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { withCheckKey } from "../../../src/forms/index.ts";
import { encode, n1Document, PATIENT, tinyPdf } from "../../helpers/cda-hospital.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { multipartBody } from "../../helpers/multipart.ts";
import type { ApiResponse } from "./client.ts";
import { call, problemOf } from "./client.ts";
import type { ApiFixture } from "./fixture.ts";
import { demo, openApiFixture } from "./fixture.ts";
import { engines, envFor } from "../postgres.ts";

let f: ApiFixture;
let cleanup: () => Promise<void>;
const tokens: Record<string, string> = {};
/** A patient nobody follows yet (no circle, no stay): their documents wait « à orienter ». */
const LONELY = withCheckKey("ins", "2850675123999");
const FIXTURES = path.join(import.meta.dirname, "..", "..", "fixtures", "fhir");

const metadata = (over: Record<string, unknown> = {}) => ({
  patient: {
    ins: LONELY,
    insOid: "1.2.250.1.213.1.4.8",
    family: "DUPRÉ",
    given: "LÉA",
    birthDate: "1985-06-14",
    sex: "F",
  },
  typeCode: "11488-4",
  title: "Compte rendu de consultation",
  ...over,
});
const postDocument = (body: Uint8Array, contentType: string, token = tokens.hospital): Promise<ApiResponse> =>
  call(`${f.api}/documents`, { token, body, contentType });
const postPdf = (meta: unknown, pdf: Uint8Array = tinyPdf(), token = tokens.hospital) => {
  const m = multipartBody([
    { name: "metadata", type: "application/json", body: JSON.stringify(meta) },
    { name: "document", type: "application/pdf", filename: "cr.pdf", body: pdf },
  ]);
  return postDocument(m.body, m.contentType, token);
};
const fhir = (name: string): Buffer => readFileSync(path.join(FIXTURES, name));
const noValue = (r: ApiResponse, ...values: string[]) => {
  for (const v of values) expect(r.body.toString("utf8")).not.toContain(v);
};

describe.each(engines())("the documents API on $name", (engine) => {
  beforeAll(async () => {
    await engine.setup();
    const t = await tempDir("passerelle-api-documents-");
    cleanup = t.cleanup;
    f = await openApiFixture(t.dir, { env: envFor(await engine.fresh(), t.dir) });
    tokens.hospital = await f.token({ role: "sender" });
    tokens.staff = await f.token("dr.berard", "sender");
    tokens.gpSender = await f.token("dr.martin", "sender");
    tokens.gp = await f.token("dr.martin", "recipient");
    tokens.coordinator = await f.token("coord.morel", "coordinator");
    tokens.auditor = await f.token("coord.morel", "auditor");
  }, 120_000);
  afterAll(async () => {
    await f.close();
    await cleanup();
    await engine.teardown();
  });

  describe("POST /documents", () => {
    it("takes a CDA R2 (both media types): 201, then 200 duplicate for the same ClinicalDocument/id", async () => {
      const cda = encode(n1Document({ ins: LONELY }));
      const first = await postDocument(cda, "application/hl7-cda+xml");
      expect(first.status, first.body.toString()).toBe(201);
      expect(first.json).toMatchObject({ documentId: "1.2.250.1.999.1.2.3^CR-1", duplicate: false });
      const again = await postDocument(cda, "application/xml; charset=utf-8", tokens.staff);
      expect(again.status).toBe(200);
      expect(again.json).toMatchObject({ documentId: "1.2.250.1.999.1.2.3^CR-1", duplicate: true });
    });

    it("takes a PDF with its metadata (multipart/form-data); named recipients route it", async () => {
      const r = await postPdf(
        metadata({ documentId: "urn:oid:1.2.250.1.999.9.1", recipients: [demo("dr.martin").rpps] }),
      );
      expect(r.status, r.body.toString()).toBe(201);
      const receipt = r.json as { outcome: string; routing: { rpps: string; source: string }[] };
      expect(receipt.outcome).toBe("queued");
      expect(receipt.routing).toContainEqual(
        expect.objectContaining({ rpps: demo("dr.martin").rpps, source: "message" }),
      );
    });

    it("GET /transfers/{id} shows why each recipient was chosen (routing, source message)", async () => {
      const r = await postPdf(
        metadata({
          documentId: "urn:oid:1.2.250.1.999.9.5",
          recipients: [demo("dr.martin").rpps],
          // Its own patient and document id: the queue test below expects its document still waiting.
          patient: {
            ...metadata().patient,
            ins: withCheckKey("ins", "2850675123888"),
            family: "ROUTÉE",
            given: "ANNE",
          },
        }),
      );
      expect(r.status, r.body.toString()).toBe(201);
      const { transferId } = r.json as { transferId: string };
      const view = await call(`${f.api}/transfers/${transferId}`, { token: tokens.coordinator });
      expect(view.status, view.body.toString()).toBe(200);
      const t = view.json as { routing: { rpps: string; source: string; reason: string }[] };
      expect(t.routing).toContainEqual(
        expect.objectContaining({ rpps: demo("dr.martin").rpps, source: "message" }),
      );
      expect(t.routing.every((l) => l.reason.length > 0)).toBe(true);
    });

    it("takes a FHIR R4 DocumentReference and a document Bundle (application/fhir+json)", async () => {
      const dr = await postDocument(fhir("document-reference-pdf.json"), "application/fhir+json");
      expect(dr.status, dr.body.toString()).toBe(201);
      expect((dr.json as { documentId: string }).documentId).toBe("urn:oid:1.2.250.1.999.1.2.3.77");
      const bundle = await postDocument(fhir("document-bundle-pdf.json"), "application/fhir+json");
      expect(bundle.status, bundle.body.toString()).toBe(201);
      expect((await postDocument(fhir("document-bundle-pdf.json"), "application/fhir+json")).status).toBe(
        200,
      );
    });

    it("answers 415 for other media types, 413 over the size limit", async () => {
      for (const type of [
        "application/pdf",
        "application/json",
        "text/plain",
        "text/xml",
        "application/octet-stream",
      ]) {
        const r = await postDocument(Buffer.from(type === "application/json" ? "{}" : "x"), type);
        expect([type, r.status]).toEqual([type, 415]);
        expect(problemOf(r).paths).toEqual(["content-type"]);
      }
      const none = await call(`${f.api}/documents`, { method: "POST", token: tokens.hospital });
      expect(none.status).toBe(415);
      const huge = await postDocument(Buffer.alloc(31 * 1024 * 1024, 0x20), "application/xml");
      expect(huge.status).toBe(413);
      expect(problemOf(huge).code).toBe("PAYLOAD_TOO_LARGE");
    });

    it("refuses bad input with a 4xx naming the XPath or field, never its value", async () => {
      const noIns = await postDocument(
        encode(n1Document({ insOid: "1.2.250.1.999.1.1" })),
        "application/xml",
      );
      expect(noIns.status).toBe(422);
      expect(problemOf(noIns)).toMatchObject({
        code: "CDA_INVALID",
        paths: ["/ClinicalDocument/recordTarget/patientRole/id"],
      });
      noValue(noIns, PATIENT.ins, "DUPRÉ");
      const doctype = await postDocument(
        encode(n1Document({ prolog: '<!DOCTYPE x [<!ENTITY e "SECRET">]>' })),
        "application/xml",
      );
      expect([doctype.status, problemOf(doctype).code]).toEqual([422, "XML_REFUSED"]);
      const badKey = `${LONELY.slice(0, 13)}${LONELY.endsWith("00") ? "01" : "00"}`;
      const meta = await postPdf(metadata({ patient: { ...metadata().patient, ins: badKey } }));
      expect(meta.status).toBe(422);
      expect(problemOf(meta).paths).toEqual(["metadata.patient.ins"]);
      noValue(meta, badKey);
      const notPdf = await postPdf(metadata(), Buffer.from("DUPRÉ LÉA"));
      expect([notPdf.status, problemOf(notPdf).paths]).toEqual([422, ["document"]]);
      const json = await postDocument(Buffer.from('{"resourceType":"DUPRÉ'), "application/fhir+json");
      expect([json.status, problemOf(json).code]).toEqual([400, "INVALID_JSON"]);
      noValue(json, "DUPRÉ");
    });

    it("refuses patient data in the URL (no query parameter is accepted)", async () => {
      const r = await call(`${f.api}/documents?ins=${LONELY}`, {
        token: tokens.hospital,
        body: encode(n1Document({ ins: LONELY })),
        contentType: "application/xml",
      });
      expect(r.status).toBeGreaterThanOrEqual(400);
      expect(r.status).toBeLessThan(500);
      noValue(r, LONELY);
      const logged = JSON.stringify(f.logs);
      expect(logged).not.toContain(LONELY);
      expect(logged).not.toContain("DUPRÉ");
    });

    it("is for hospitals: a service account or hospital staff with role sender; others 401/403", async () => {
      const cda = encode(n1Document({ ins: LONELY }));
      expect((await call(`${f.api}/documents`, { body: cda, contentType: "application/xml" })).status).toBe(
        401,
      );
      expect((await postDocument(cda, "application/xml", tokens.gp)).status).toBe(403);
      expect((await postDocument(cda, "application/xml", tokens.coordinator)).status).toBe(403);
      const gp = await postDocument(cda, "application/xml", tokens.gpSender); // a GP practice is not a hospital
      expect([gp.status, problemOf(gp).paths]).toEqual([403, ["authorization"]]);
    });
  });

  describe("the queue « à orienter »", () => {
    it("lists waiting documents to the coordinator by opaque reference; assigning routes them", async () => {
      const posted = await postPdf(metadata({ documentId: "urn:oid:1.2.250.1.999.9.2" }));
      expect((posted.json as { outcome: string }).outcome).toBe("to_route");
      const list = await call(`${f.api}/documents/to-route`, { token: tokens.coordinator });
      expect(list.status).toBe(200);
      const items = (
        list.json as { items: { ref: string; documentId: string; patient?: { family?: string } }[] }
      ).items;
      const item = items.find((i) => i.documentId === "urn:oid:1.2.250.1.999.9.2");
      expect(item?.ref).toMatch(/^d[0-9a-f]{40}$/);
      expect(item?.ref).not.toContain("999");
      expect(item?.patient?.family).toBe("DUPRÉ");
      const ref = item?.ref ?? "";

      const unknown = await call(`${f.api}/documents/${ref}/assign`, {
        token: tokens.coordinator,
        json: { recipients: ["10101010105"] },
      });
      expect([unknown.status, problemOf(unknown).paths]).toEqual([422, ["recipients.0"]]);
      const badKey = await call(`${f.api}/documents/${ref}/assign`, {
        token: tokens.coordinator,
        json: { recipients: ["10101010104"] },
      });
      expect(badKey.status).toBe(422);
      noValue(badKey, "10101010104");
      const gp = await call(`${f.api}/documents/${ref}/assign`, {
        token: tokens.gp,
        json: { recipients: [demo("dr.martin").rpps] },
      });
      expect(gp.status).toBe(403);

      const assigned = await call(`${f.api}/documents/${ref}/assign`, {
        token: tokens.coordinator,
        json: { recipients: [demo("dr.martin").rpps] },
      });
      expect(assigned.status, assigned.body.toString()).toBe(200);
      expect(assigned.json).toMatchObject({
        outcome: "queued",
        routing: [{ rpps: demo("dr.martin").rpps, source: "coordinator" }],
      });
      const after = (await call(`${f.api}/documents/to-route`, { token: tokens.coordinator })).json as {
        items: { ref: string }[];
      };
      expect(after.items.map((i) => i.ref)).not.toContain(ref);
      const twice = await call(`${f.api}/documents/${ref}/assign`, {
        token: tokens.coordinator,
        json: { recipients: [demo("dr.martin").rpps] },
      });
      expect(twice.status).toBe(404);
    });

    it("is the coordinator's: others get 403; a malformed or unknown reference is a 404 that repeats nothing", async () => {
      for (const t of [tokens.gp, tokens.auditor, tokens.hospital])
        expect((await call(`${f.api}/documents/to-route`, { token: t })).status).toBe(403);
      const bad = await call(`${f.api}/documents/${encodeURIComponent("1.2.250^DUPRÉ")}/assign`, {
        token: tokens.coordinator,
        json: { recipients: [demo("dr.martin").rpps] },
      });
      expect(bad.status).toBe(404);
      noValue(bad, "DUPRÉ", "1.2.250");
      const unknown = await call(`${f.api}/documents/d${"0".repeat(40)}/assign`, {
        token: tokens.coordinator,
        json: { recipients: [demo("dr.martin").rpps] },
      });
      expect([unknown.status, problemOf(unknown).paths]).toEqual([404, ["ref"]]);
    });

    it("answers 409 when document intake is not wired", async () => {
      const t = await tempDir("passerelle-api-documents-off-");
      const off = await openApiFixture(t.dir, {
        documents: false,
        env: envFor(await engine.fresh(), t.dir),
      });
      try {
        const r = await call(`${off.api}/documents/to-route`, {
          token: await off.token("coord.morel", "coordinator"),
        });
        expect([r.status, problemOf(r).code]).toEqual([409, "CONFLICT"]);
      } finally {
        await off.close();
        await t.cleanup();
      }
    });
  });

  describe("replacements (CDA relatedDocument RPLC)", () => {
    /** A patient of their own, so the other tests' documents never meet these. */
    const REPLACED = withCheckKey("ins", "2850675123777");
    const martin = demo("dr.martin").rpps;
    const cdaVersion = (extension: string, version: number, replaces?: string) =>
      encode(
        n1Document({
          ins: REPLACED,
          id: { extension },
          version,
          recipientRpps: martin,
          ...(replaces === undefined ? {} : { replaces }),
        }),
      );
    type View = {
      id: string;
      reference: string;
      routing: { rpps: string; source: string; reason: string }[];
      replaces?: string;
      replacesReference?: string;
      replacedBy?: string;
      replacedByReference?: string;
    };
    const view = async (id: string, token = tokens.coordinator): Promise<View> => {
      const r = await call(`${f.api}/transfers/${id}`, { token });
      expect(r.status, r.body.toString()).toBe(200);
      return r.json as View;
    };

    it("links each version's transfer to the one it replaces and the one that replaces it", async () => {
      const first = await postDocument(cdaVersion("CR-R1", 1), "application/hl7-cda+xml");
      expect(first.status, first.body.toString()).toBe(201);
      expect(first.json).toMatchObject({
        documentId: "1.2.250.1.999.1.2.3^CR-R1",
        outcome: "queued",
        routing: [{ rpps: martin, source: "document", reason: "cda.information_recipient" }],
      });
      const t1 = (first.json as { transferId: string }).transferId;
      const second = await postDocument(cdaVersion("CR-R2", 2, "CR-R1"), "application/hl7-cda+xml");
      expect(second.status, second.body.toString()).toBe(201);
      expect(second.json).toMatchObject({ documentId: "1.2.250.1.999.1.2.3^CR-R2", outcome: "queued" });
      const t2 = (second.json as { transferId: string }).transferId;
      expect(t2).not.toBe(t1);

      const v1 = await view(t1);
      expect(v1.replacedBy).toBe(t2);
      expect(v1.replaces).toBeUndefined();
      const v2 = await view(t2);
      expect(v2.replaces).toBe(t1);
      expect(v2.replacedBy).toBeUndefined();
      // with the short references people read (the web app's « Remplace … » / « Remplacé par … »)
      expect(v1.reference).toMatch(/^DOC-/);
      expect([v1.replacedByReference, v2.replacesReference]).toEqual([v2.reference, v1.reference]);
      // the new version goes to the recipients of the one it replaces, for the same reasons
      expect(v2.routing).toEqual(v1.routing);
      // the recipient sees the links as well
      expect((await view(t1, tokens.gp)).replacedBy).toBe(t2);

      // a third version: the middle one shows both links
      const third = await postDocument(cdaVersion("CR-R3", 3, "CR-R2"), "application/hl7-cda+xml");
      expect(third.status, third.body.toString()).toBe(201);
      const t3 = (third.json as { transferId: string }).transferId;
      const middle = await view(t2);
      expect([middle.replaces, middle.replacedBy]).toEqual([t1, t3]);
      expect((await view(t3)).replaces).toBe(t2);
      expect((await view(t1)).replacedBy).toBe(t2);
    });
  });
});
