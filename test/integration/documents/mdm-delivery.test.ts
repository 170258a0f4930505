/**
 * Hospital documents end to end (CI-SIS « Transmission de document(s) CDA en HL7v2 » v2.1) on the
 * real MLLP listener wired to the documents service as `serve` wires it, a real Synapse and real
 * recipient clients: an ADT A01 names the stay's physician (ROL, IHE PAM France); an MDM^T02 (the
 * ANS's published example, production INS, carrying a structured LDL-SES CDA) for that visit number
 * reaches that physician and the patient's care circle, who decrypt a PDF that poppler's pdfsig finds signed by Passerelle; an
 * MDM^T10 lands in the same room naming the reference it replaces; the T02 again is AA and sends
 * nothing; bad messages get their NACK and wait in `adt_rejected` (`adt refused`); a document for
 * a visit with no reachable physician goes to the patient's care circle; a document nobody can
 * receive waits « à orienter » until a coordinator assigns it.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdir, writeFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import { promisify } from "node:util";
import type { MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MllpListener } from "../../../src/adt/index.ts";
import { AdtProcessor, ackCode, parseEr7, startMllpListener } from "../../../src/adt/index.ts";
import { runCli } from "../../../src/cli/main.ts";
import { CircleService } from "../../../src/circles/index.ts";
import type { DocumentDeps } from "../../../src/documents/index.ts";
import { assignDocument, documentPdf, listToRoute, receiveDocument } from "../../../src/documents/index.ts";
import type { Hub } from "../../../src/matrix/index.ts";
import { downloadEncryptedFile, openHub, sha256Hex } from "../../../src/matrix/index.ts";
import { OutboxWorker, transferStatus } from "../../../src/transfers/index.ts";
import { adtMessage, insOf } from "../../helpers/adt.ts";
import { exchange, mllpFrame } from "../../helpers/adt-corpus.ts";
import { n1Document, otherProducerLdlSes } from "../../helpers/cda-hospital.ts";
import {
  ANS,
  comp,
  docObxAt,
  hf,
  join,
  mapCda,
  production,
  setComp,
  setField,
  split,
  type Segs,
} from "../../helpers/hl7-documents.ts";
import { captureIo } from "../../helpers/io.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { makePki, PASSPHRASE, renderSample, type TestPki } from "../../unit/pdf/sign-fixtures.ts";
import { extractEmbeddedFiles, P12Signer } from "../../../src/pdf/index.ts";
import { signPdf } from "../../../src/pdf/sign/index.ts";
import { startTestHomeserver, waitForEvent, type TestHomeserver } from "../synapse/harness.ts";
import {
  addRecipients,
  openFixture,
  SENT_OR_LATER,
  type TransferFixture,
} from "../../helpers/transfers-fixture.ts";
import { autoJoin, decryptedMessages, sheetMessages, sheetView } from "../../helpers/matrix-recipient.ts";

const run = promisify(execFile);
/** The ANS example's patient (INS-NIR, production authority once rewritten) and visit number. */
const INS = "279035121518989";
const VISIT = "000897406";
/** TXA-12 of the ANS's MDM^T02 and MDM^T10: the CDA ids below are the same. */
const T02_ID = "1.2.250.1.71.4.2.2.120456789.71024000081";
const T10_ID = "1.2.250.1.71.4.2.2.120456789.71024000082";

let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let hub: Hub;
let worker: OutboxWorker;
let processor: AdtProcessor;
let listener: MllpListener;
let docs: DocumentDeps;
let clients: MatrixClient[];
let rpps: string[];
let nssDir: string;
let n = 0;
/** The hospital's own PKI: it signs the PDF it embeds in a CDA niveau 1. */
let hospital: TestPki;

/**
 * The hospital's LDL-SES (test/fixtures/cda, after the ANS example) for the ANS patient, with
 * `id`; `replaces` adds the relatedDocument RPLC naming the earlier version.
 */
function ldlSes(id: string, replaces?: string, ins = INS): string {
  const related = /<hl7:relatedDocument typeCode="RPLC">[\s\S]*?<\/hl7:relatedDocument>/;
  return otherProducerLdlSes()
    .replace('<hl7:id extension="DLS-2024-000123" root="1.2.250.1.999.1.2.3"/>', `<hl7:id root="${id}"/>`)
    .replaceAll('extension="285067512345639"', `extension="${ins}"`)
    .replace(
      related,
      replaces === undefined
        ? ""
        : `<hl7:relatedDocument typeCode="RPLC"><hl7:parentDocument><hl7:id root="${replaces}"/></hl7:parentDocument></hl7:relatedDocument>`,
    )
    .replace(
      '<hl7:versionNumber value="2"/>',
      `<hl7:versionNumber value="${replaces === undefined ? 1 : 2}"/>`,
    );
}
const edit = (segs: Segs, name: string, field: number, v: string): Segs => {
  let done = false;
  return segs.map((s) => (s[0] === name && !done ? ((done = true), setField(s, field, v)) : s));
};
/** The published example `name` with production INS, the CDA given, a fresh MSH-10. */
function mdm(name: string, cda: string | undefined, edits: (s: Segs) => Segs = (s) => s): Buffer {
  const controlId = `DOCW-${String(n++)}`;
  let segs = split(production(name));
  if (cda !== undefined) segs = mapCda(segs, () => cda);
  segs = edits(segs).map((s) => (s[0] === "MSH" ? setField(s, 10, controlId) : s));
  return Buffer.from(join(segs), "utf8");
}
async function send(...frames: Buffer[]): Promise<string[]> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port: listener.port }, () => {
      resolve(s);
    });
    s.once("error", reject);
  });
  try {
    const answers = await exchange(
      socket,
      frames.map((b) => mllpFrame(b)),
      frames.length,
      30,
    );
    return answers.map((a) => a.toString("utf8"));
  } finally {
    socket.destroy();
  }
}
const errLocation = (ack: string): string | undefined =>
  parseEr7(ack)?.segments.find((s) => s.name === "ERR")?.fields[2];
const documentRow = (documentId: string) =>
  f.db
    .knex("documents")
    .where({ document_id: documentId })
    .first<{ transfer_id: string | null; state: string; content: Uint8Array }>(
      "transfer_id",
      "state",
      "content",
    );
const sent = (transferId: string) =>
  waitFor(
    `${transferId} sent`,
    async () => {
      const s = await transferStatus(f.db.knex, transferId).catch(() => undefined);
      return s !== undefined && SENT_OR_LATER.includes(s.transfer.state) && s.transfer.roomId !== undefined
        ? s
        : undefined;
    },
    60_000,
    100,
  );
const sheetEvent = (client: MatrixClient, t: { roomId?: string; sheetEventId?: string }) =>
  waitForEvent(client, t.roomId ?? "", "m.room.message", 30_000, (e) => e.getId() === t.sheetEventId);

/** pdfsig's report on `pdf`, one block per signature (NSS database trusting the test CA). */
async function pdfsig(pdf: Buffer): Promise<string[]> {
  const file = path.join(tmp.dir, `delivered-${String(n++)}.pdf`);
  await writeFile(file, pdf);
  const { stdout } = await run("pdfsig", ["-nssdir", `sql:${nssDir}`, file]);
  return stdout.split(/^Signature #\d+:$/m).slice(1);
}

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-documents-mdm-");
  f = await openFixture(tmp.dir);
  const hubUser = await server.user("passerelle");
  const users = await Promise.all(["alice", "bruno", "chloe"].map((u) => server.user(u)));
  hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    userId: hubUser.userId,
    password: hubUser.password,
    dataDir: path.join(tmp.dir, "hub"),
  });
  clients = await Promise.all(users.map((u) => server.client(u)));
  for (const c of clients) autoJoin(c);
  rpps = await addRecipients(
    f,
    users.map((u) => u.userId),
  );
  // bruno is in the patient's care circle
  await new CircleService(f.deps).join({ ins: INS, rpps: rpps[1]!, source: "cli" }, "cli:test");
  worker = new OutboxWorker(f.deps, hub.transport, {
    pollMs: 60_000,
    attemptTimeoutMs: 20_000,
    backoffBaseMs: 500,
  });
  worker.start();
  processor = new AdtProcessor(f.deps, { pollMs: 200, letterCheckMs: 3_600_000 });
  processor.start();
  // as `serve` wires it (src/kernel.ts documentDeps, src/wiring/feeds.ts): the real PDF seam, and
  // the outbox worker told of each transfer queued (its poll is a minute: only the signal wakes it)
  docs = {
    ...f.deps,
    pdf: documentPdf(f.deps.signer, f.deps.clock),
    onQueued: () => {
      worker.wake();
    },
  };
  listener = await startMllpListener(f.deps, {
    port: 0,
    onAccepted: () => {
      processor.poke();
    },
    receiveDocument: (i) => receiveDocument(docs, i),
  });
  nssDir = path.join(tmp.dir, "nss");
  await mkdir(nssDir);
  await run("certutil", ["-N", "-d", `sql:${nssDir}`, "--empty-password"]);
  await run("certutil", [
    ...["-A", "-d", `sql:${nssDir}`, "-n", "passerelle-ca", "-t", "C,C,C"],
    ...["-i", path.join(tmp.dir, "pki", "ca.pem")],
  ]);
  hospital = await makePki({ organisation: "CH Hôpital émetteur" });
  await run("certutil", [
    ...["-A", "-d", `sql:${nssDir}`, "-n", "hospital-ca", "-t", "C,C,C"],
    ...["-i", hospital.caCertPath],
  ]);
}, 180_000);

afterAll(async () => {
  await listener.close();
  await processor.stop();
  await worker.stop();
  await hub.close();
  await f.close();
  await server.close();
  await tmp.cleanup();
  await hospital.cleanup();
});

describe("MDM/ORU documents → the stay's physician over a real homeserver", () => {
  let first: { roomId?: string; sheetEventId?: string; reference: string };
  let firstTransfer: string;

  it("A01 with a ROL physician, then MDM^T02 for its visit: AA, the physician and the care circle decrypt a PDF pdfsig finds signed, routing `stay` then `circle`", async () => {
    const a01 = `${adtMessage({ trigger: "A01", controlId: "DOCW-A01", ins: INS, visit: VISIT, lastName: "PAT-TROIS", firstNames: "DOMINIQUE" })}\rROL||AD|AT^Médecin responsable^IHE|8${rpps[0]!}^ALPHA^Alice^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^D^^^IDNPS`;
    expect(ackCode((await send(Buffer.from(a01, "utf8")))[0]!).code).toBe("AA");
    await waitFor(
      "A01 processed",
      async () =>
        (
          await f.db
            .knex("adt_messages")
            .where({ control_id: "DOCW-A01" })
            .first<{ state: string } | undefined>("state")
        )?.state === "processed" || undefined,
      30_000,
    );
    const cda = ldlSes(T02_ID);
    const [ack] = await send(mdm(ANS.mdmT02, cda));
    expect(ackCode(ack!).code).toBe("AA");
    const row = await documentRow(T02_ID);
    expect(Buffer.from(row.content).toString("utf8")).toBe(cda);
    firstTransfer = row.transfer_id!;
    const s = await sent(firstTransfer);
    expect(s.routing).toEqual([
      { rpps: rpps[0], source: "stay", reason: "adt.rol.attending" },
      { rpps: rpps[1], source: "circle", reason: expect.stringMatching(/^circle\.member\./) as string },
    ]);
    expect(s.recipients.map((r) => r.matrixId).sort()).toEqual(
      [clients[0]!.getUserId(), clients[1]!.getUserId()].sort(),
    );
    first = s.transfer;
    const ev = await sheetEvent(clients[0]!, s.transfer);
    expect(ev.isEncrypted()).toBe(true);
    const view = sheetView(ev);
    expect(view.body).toContain("Lettre de liaison");
    const pdf = await downloadEncryptedFile(clients[0]!, view.file);
    expect(sha256Hex(pdf)).toBe(s.transfer.pdfSha256);
    const blocks = await pdfsig(pdf);
    expect(blocks).toHaveLength(1);
    expect(blocks[0]).toContain("Signature is Valid");
    expect(blocks[0]).toContain("Certificate is Trusted");
    expect(blocks[0]).toContain("Total document signed");
    // the structured CDA is rendered, and embedded exactly as received (PDF/A-3 associated file)
    const embedded = extractEmbeddedFiles(pdf).find((e) => e.mimeType === "text/xml");
    expect(embedded?.content.toString("utf8")).toBe(cda);
    // the care circle member decrypts the same file
    const circlePdf = await downloadEncryptedFile(
      clients[1]!,
      sheetView(await sheetEvent(clients[1]!, s.transfer)).file,
    );
    expect(sha256Hex(circlePdf)).toBe(s.transfer.pdfSha256);
  }, 120_000);

  it("MDM^T10: the new version lands in the same room, its caption names the reference it replaces; the earlier shows replacedBy", async () => {
    const [ack] = await send(mdm(ANS.mdmT10, ldlSes(T10_ID, T02_ID)));
    expect(ackCode(ack!).code).toBe("AA");
    const row = await documentRow(T10_ID);
    const s = await sent(row.transfer_id!);
    expect(s.transfer.roomId).toBe(first.roomId);
    expect(s.links.replaces).toBe(firstTransfer);
    const view = sheetView(await sheetEvent(clients[0]!, s.transfer));
    expect(view.body).toContain(`Remplace le document réf. ${first.reference}`);
    expect((await transferStatus(f.db.knex, firstTransfer)).links.replacedBy).toBe(row.transfer_id);
  }, 120_000);

  it("a CDA niveau 1 carrying a PDF the hospital signed: that PDF delivered sealed, both signatures valid for pdfsig", async () => {
    const signed = await signPdf(
      await renderSample(),
      await P12Signer.fromFile(hospital.signerP12Path, PASSPHRASE),
    );
    const id = "1.2.250.1.999.1.2.3";
    const cda = n1Document({ ins: INS, pdf: signed }).replace('extension="CR-1"', 'extension="CR-HOSP"');
    const [ack] = await send(mdm(ANS.mdmT02, cda, (s) => edit(s, "TXA", 12, `CR-HOSP^^${id}^ISO`)));
    expect(ackCode(ack!).code).toBe("AA");
    const row = await documentRow(`${id}^CR-HOSP`);
    expect(Buffer.from(row.content).toString("utf8")).toBe(cda);
    const s = await sent(row.transfer_id!);
    expect(s.routing.map((r) => r.source)).toEqual(["stay", "circle"]);
    const pdf = await downloadEncryptedFile(
      clients[0]!,
      sheetView(await sheetEvent(clients[0]!, s.transfer)).file,
    );
    expect(pdf.subarray(0, signed.length).equals(signed)).toBe(true);
    const blocks = await pdfsig(pdf);
    expect(blocks).toHaveLength(2);
    for (const b of blocks) {
      expect(b).toContain("Signature is Valid");
      expect(b).toContain("Certificate is Trusted");
    }
    expect(blocks[0]).toContain("CH Hôpital émetteur");
    expect(blocks[1]).toContain("Total document signed");
  }, 120_000);

  it("the T02 again: AA, and nothing new in the room", async () => {
    const before = sheetMessages(await decryptedMessages(clients[0]!, first.roomId!)).length;
    const transfers = Number(
      (await f.db.knex("transfers").count({ n: "*" }).first<{ n: number | string }>()).n,
    );
    const [ack] = await send(mdm(ANS.mdmT02, ldlSes(T02_ID)));
    expect(ackCode(ack!).code).toBe("AA");
    await new Promise((r) => setTimeout(r, 3_000));
    expect(Number((await f.db.knex("transfers").count({ n: "*" }).first<{ n: number | string }>()).n)).toBe(
      transfers,
    );
    expect(sheetMessages(await decryptedMessages(clients[0]!, first.roomId!))).toHaveLength(before);
  }, 60_000);

  it("bad Base64, a CDA that does not parse, a wrong INS key, an unqualified identity: NACK naming the field, kept for review (`adt refused`)", async () => {
    const data = (s: Segs, g: (b: string) => string): Segs => {
      const i = docObxAt(s);
      return s.map((x, j) => (j === i ? setField(x, 5, setComp(hf(x, 5), 5, g(comp(hf(x, 5), 5)))) : x));
    };
    const cda = ldlSes("1.2.250.1.999.9.9.1");
    const bad: [string, Buffer, string][] = [
      [
        "bad Base64",
        mdm(ANS.mdmT02, cda, (s) => data(s, (b) => `${b.slice(0, 50)}%${b.slice(50)}`)),
        "OBX^1^5",
      ],
      ["CDA that does not parse", mdm(ANS.mdmT02, cda.slice(0, 3000)), "OBX^1^5"],
      [
        "wrong INS key",
        mdm(ANS.mdmT02, cda, (s) => edit(s, "PID", 3, "279035121518988^^^X&1.2.250.1.213.1.4.8&ISO^INS")),
        "PID^1^3",
      ],
      ["unqualified identity", mdm(ANS.mdmT02, cda, (s) => edit(s, "PID", 32, "PROV")), "PID^1^32"],
    ];
    const acks = await send(...bad.map((b) => b[1]));
    expect(acks.map((a) => [ackCode(a).code, errLocation(a)])).toEqual(bad.map((b) => ["AE", b[2]]));
    for (const a of acks) expect(a).not.toMatch(/279035121518989|PAT-TROIS/);
    const io = captureIo(tmp.dir, { PASSERELLE_DATA_DIR: tmp.dir });
    expect(await runCli(["adt", "refused", "--json"], io)).toBe(0);
    const listed = JSON.parse(io.stdout.join("\n")) as {
      controlId?: string;
      ack: string;
      location: string;
    }[];
    const controlIds = bad.map((b) => b[1].toString("utf8").split("|")[9]);
    expect(
      controlIds.map((c) => listed.filter((r) => r.controlId === c).map((r) => [r.ack, r.location])),
    ).toEqual(bad.map((b) => [["AE", b[2]]]));
    expect(
      await f.db.knex("documents").where({ document_id: "1.2.250.1.999.9.9.1" }).first(),
    ).toBeUndefined();
  }, 60_000);

  it("a visit with no reachable physician: the care circle member receives it, routing `circle`", async () => {
    const id = "1.2.250.1.999.9.9.2";
    const [ack] = await send(
      mdm(ANS.mdmT02, ldlSes(id), (s) => edit(edit(s, "PV1", 19, "V-NONE^^^X&1.2.3&ISO^VN"), "TXA", 12, id)),
    );
    expect(ackCode(ack!).code).toBe("AA");
    const s = await sent((await documentRow(id)).transfer_id!);
    expect(s.routing).toEqual([
      { rpps: rpps[1], source: "circle", reason: expect.stringMatching(/^circle\.member\./) as string },
    ]);
    const pdf = await downloadEncryptedFile(
      clients[1]!,
      sheetView(await sheetEvent(clients[1]!, s.transfer)).file,
    );
    expect(createHash("sha256").update(pdf).digest("hex")).toBe(s.transfer.pdfSha256);
    expect((await pdfsig(pdf))[0]).toContain("Signature is Valid");
  }, 120_000);

  it("nobody reachable: the document waits « à orienter », and goes once a coordinator assigns it", async () => {
    const id = "1.2.250.1.999.9.9.3";
    const other = insOf(77);
    const [ack] = await send(
      mdm(ANS.mdmT02, ldlSes(id, undefined, other), (s) =>
        edit(edit(s, "PID", 3, `${other}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS`), "TXA", 12, id),
      ),
    );
    expect(ackCode(ack!).code).toBe("AA");
    expect(await documentRow(id)).toMatchObject({ state: "to_route", transfer_id: null });
    expect((await listToRoute(docs)).map((d) => d.documentId)).toContain(id);
    const r = await assignDocument(docs, id, [rpps[2]!], "rpps:coordinator");
    expect(r).toMatchObject({ outcome: "queued", routing: [{ rpps: rpps[2], source: "coordinator" }] });
    expect((await listToRoute(docs)).map((d) => d.documentId)).not.toContain(id);
    const s = await sent(r.transferId!);
    const pdf = await downloadEncryptedFile(
      clients[2]!,
      sheetView(await sheetEvent(clients[2]!, s.transfer)).file,
    );
    expect(sha256Hex(pdf)).toBe(s.transfer.pdfSha256);
  }, 120_000);
});
