/**
 * The documents service on sqlite and a real PostgreSQL: a hospital document is stored byte for
 * byte and audited with its SHA-256, routed with reasons (message, document, stay, circle, in that
 * order), masked, queued « à orienter » and assigned, received again without sending twice,
 * replaced in the same room, and counted in the same-day indicator by its visit number.
 */
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { patientPseudonym } from "../../../src/audit/index.ts";
import {
  acceptAdtEvent,
  AdtProcessor,
  checkSameDayLetters,
  parseAdt,
  parseEr7,
} from "../../../src/adt/index.ts";
import { CircleService } from "../../../src/circles/index.ts";
import { DirectoryService } from "../../../src/directory/index.ts";
import type { DocumentDeps } from "../../../src/documents/index.ts";
import {
  assignDocument,
  escalateToRoute,
  documentPdf,
  listToRoute,
  NO_FLAGS,
  receiveDocument,
} from "../../../src/documents/index.ts";
import { verifyPdf } from "../../../src/pdf/index.ts";
import {
  EscalationScheduler,
  OutboxWorker,
  TransferRepository,
  transferStatus,
} from "../../../src/transfers/index.ts";
import { outgoingSheet } from "../../../src/transfers/outbox/outgoing.ts";
import type { TransferRow } from "../../../src/transfers/record/repository.ts";
import { adtMessage, insOf } from "../../helpers/adt.ts";
import { documentCda, incomingCda, tinyPdf } from "../../helpers/documents.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { RecordingTransport } from "../../helpers/recording-transport.ts";
import { engines } from "../../integration/postgres.ts";
import { addRecipients, openFixture, rppsOf, type TransferFixture } from "../../helpers/transfers-fixture.ts";

const CLOCK = { now: () => new Date("2027-02-01T12:00:00Z") };
const sha = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

describe.each(engines())("documents service on $name", (engine) => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let f: TransferFixture;
  let deps: DocumentDeps;
  // after the test PKI is made (certificates valid from their creation), so signatures verify
  let now = new Date("2027-01-11T10:00:00+01:00");
  let rpps: string[];
  const noMatrix = rppsOf(40);
  const ca = (): string => readFileSync(path.join(tmp.dir, "pki", "ca.pem"), "utf8");

  const audits = async (action: string): Promise<Record<string, string | null>[]> =>
    f.db.knex("audit_entries").where({ action }).orderBy("seq").select<Record<string, string | null>[]>();
  const count = async (table: string): Promise<number> =>
    Number((await f.db.knex(table).count<{ n: number | string }[]>({ n: "*" }))[0]?.n ?? 0);

  beforeAll(async () => {
    await engine.setup();
    tmp = await tempDir("passerelle-documents-");
    f = await openFixture(tmp.dir, { database: await engine.fresh(), clock: { now: () => now } });
    rpps = await addRecipients(f, ["@a:test", "@b:test", "@c:test", "@d:test", "@e:test", "@f:test"]);
    await new DirectoryService(f.db, f.trail).addMember(
      { rpps: noMatrix, professionCode: "10", name: "Docteur Sans Matrix", roles: ["recipient"] },
      "cli:test",
    );
    deps = { ...f.deps, pdf: documentPdf(f.deps.signer, f.deps.clock) };
  }, 120_000);
  afterAll(async () => {
    await f.close();
    await tmp.cleanup();
    await engine.teardown();
  });

  it("stores the document byte for byte, audits its SHA-256, and routes the message's then the document's recipients, each with its reason", async () => {
    const incoming = incomingCda({
      id: "R-1",
      ins: insOf(1),
      to: [rpps[0]!],
      recipients: [rpps[1]!, rpps[0]!],
      participants: [rpps[2]!],
    });
    const r = await receiveDocument(deps, incoming);
    expect(r).toMatchObject({ duplicate: false, outcome: "queued" });
    expect(r.routing).toEqual([
      { rpps: rpps[0], source: "message", reason: "message.recipient" },
      { rpps: rpps[1], source: "document", reason: "cda.information_recipient" },
      { rpps: rpps[2], source: "document", reason: "cda.participant.pcp" },
    ]);
    const bytes = incoming.content.kind === "cda" ? incoming.content.cda : new Uint8Array();
    const row = await f.db.knex("documents").where({ document_id: incoming.documentId }).first<{
      content: Uint8Array;
      sha256: string;
      state: string;
    }>();
    expect(Buffer.compare(Buffer.from(row.content), Buffer.from(bytes))).toBe(0);
    expect(row).toMatchObject({ sha256: sha(bytes), state: "queued" });
    const received = (await audits("document.received")).find((a) => a.document_sha256 === sha(bytes));
    expect(received).toMatchObject({
      patient_ref: patientPseudonym(insOf(1), f.deps.pseudonymKey),
      reason: "channel.mllp",
    });
    const s = await transferStatus(f.db.knex, r.transferId!);
    expect(s.transfer).toMatchObject({ kind: "document", form: "document@1", state: "queued" });
    expect(s.transfer.reference).toMatch(/^DOC-/);
    expect(s.routing).toEqual(r.routing);
    expect(s.recipients.map((x) => x.matrixId).sort()).toEqual(["@a:test", "@b:test", "@c:test"]);
    const routed = (await audits("document.routed")).filter((a) => a.transfer_id === r.transferId);
    expect(routed.map((a) => [a.member_id, a.reason])).toEqual(
      r.routing.map((x) => [`rpps:${x.rpps}`, x.reason]),
    );
    // A CDA R2 niveau 1 with an embedded PDF delivers that PDF, sealed: the hospital's PDF is a
    // prefix of the delivered file, whose last signature (Passerelle's) covers the whole file.
    const payload = await new TransferRepository(f.db.knex).payload(r.transferId!);
    const report = await verifyPdf(payload!.pdf, { trustedCas: [ca()], clock: CLOCK });
    expect(report).toMatchObject({ valid: true, byteRangeCoversWholeFile: true });
    const embedded = tinyPdf();
    expect(Buffer.compare(payload!.pdf.subarray(0, embedded.length), embedded)).toBe(0);
  });

  it("an organisation's id that looks like an RPPS is never a person: with nobody else the document waits « à orienter »", async () => {
    const r = await receiveDocument(
      deps,
      incomingCda({ id: "R-ORG", ins: insOf(2), orgRecipients: [rpps[3]!] }),
    );
    expect(r).toMatchObject({ outcome: "to_route", routing: [], duplicate: false });
    expect(r.transferId).toBeUndefined();
    expect((await listToRoute(deps)).map((d) => d.documentId)).toContain(r.documentId);
    expect((await audits("document.queued_for_routing")).length).toBeGreaterThan(0);
  });

  it("a named recipient nobody can reach (no Matrix account) is skipped; the stay's ROL physician is next", async () => {
    const ins = insOf(3);
    // A01 with the PAM France ROL segment of the ANS example (ROL-3 ODRP, ROL-4 XCN with the RPPS)
    const rol = `ROL||UC|ODRP|${rpps[4]!}^PETIT^Marc^^^^^^ASIP-SANTE-PS&1.2.250.1.71.4.2.1&ISO^L^^^RPPS`;
    const text = `${adtMessage({ trigger: "A01", controlId: "DOC-A01-3", ins, visit: "V-3" })}\r${rol}`;
    const parsed = parseAdt(parseEr7(text)!);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.event.physicians).toEqual([{ role: "ODRP", rpps: rpps[4] }]);
    await acceptAdtEvent(f.deps, parsed.event, text, "system:test");
    await new AdtProcessor(f.deps).runOnce();
    const r = await receiveDocument(
      deps,
      incomingCda({ id: "R-STAY", ins, to: [noMatrix], visitNumber: "V-3" }),
    );
    expect(r.routing).toEqual([{ rpps: rpps[4], source: "stay", reason: "adt.rol.treating" }]);
    // the visit number may come from the CDA's encompassingEncounter/id instead of the channel
    const fromCda = await receiveDocument(deps, incomingCda({ id: "R-STAY-CDA", ins, encounterId: "V-3" }));
    expect(fromCda.routing).toEqual([{ rpps: rpps[4], source: "stay", reason: "adt.rol.treating" }]);
    // another visit of the same patient has no physician: nothing from the stay
    const other = await receiveDocument(deps, incomingCda({ id: "R-STAY-2", ins, visitNumber: "V-OTHER" }));
    expect(other.outcome).toBe("to_route");
  });

  it("the care circle comes last, after those named, and not at all once the patient objected", async () => {
    const circles = new CircleService(f.deps);
    await circles.join({ ins: insOf(4), rpps: rpps[5]!, source: "cli" }, "cli:test");
    const r = await receiveDocument(deps, incomingCda({ id: "R-CIRCLE", ins: insOf(4) }));
    expect(r.routing).toEqual([{ rpps: rpps[5], source: "circle", reason: "circle.member.informed" }]);
    // the recipients the message names come first; the circle still receives it
    const named = await receiveDocument(
      deps,
      incomingCda({ id: "R-CIRCLE-2", ins: insOf(4), to: [rpps[0]!] }),
    );
    expect(named.routing).toEqual([
      { rpps: rpps[0], source: "message", reason: "message.recipient" },
      { rpps: rpps[5], source: "circle", reason: "circle.member.informed" },
    ]);
    // named by the message and in the circle: once, with the first source
    const both = await receiveDocument(
      deps,
      incomingCda({ id: "R-CIRCLE-3", ins: insOf(4), to: [rpps[5]!] }),
    );
    expect(both.routing).toEqual([{ rpps: rpps[5], source: "message", reason: "message.recipient" }]);
    await circles.join({ ins: insOf(5), rpps: rpps[5]!, source: "cli" }, "cli:test");
    await circles.recordObjection(insOf(5), "cli", "cli:test");
    const objected = await receiveDocument(deps, incomingCda({ id: "R-OBJ", ins: insOf(5) }));
    expect(objected).toMatchObject({ outcome: "to_route", routing: [] });
  });

  it("MASQUE_PS: stored and audited, delivered to no professional", async () => {
    const before = await count("transfers");
    const r = await receiveDocument(
      deps,
      incomingCda({
        id: "R-MASK",
        ins: insOf(6),
        to: [rpps[0]!],
        flags: { ...NO_FLAGS, maskedToProfessionals: true },
      }),
    );
    expect(r).toMatchObject({ outcome: "masked", routing: [] });
    expect(r.transferId).toBeUndefined();
    expect(await count("transfers")).toBe(before);
    expect((await audits("document.masked")).length).toBe(1);
    expect((await listToRoute(deps)).map((d) => d.documentId)).not.toContain(r.documentId);
  });

  it("the same document again: duplicate, same transfer, nothing sent", async () => {
    const incoming = incomingCda({ id: "R-DUP", ins: insOf(7), to: [rpps[0]!] });
    const first = await receiveDocument(deps, incoming);
    const transfers = await count("transfers");
    const again = await receiveDocument(deps, incoming);
    expect(again).toEqual({ ...first, duplicate: true });
    expect(await count("transfers")).toBe(transfers);
    expect(
      await f.db.knex("documents").where({ document_id: incoming.documentId }).count({ n: "*" }),
    ).toEqual([{ n: engine.name === "postgres" ? "1" : 1 }]);
    expect((await audits("document.duplicate")).at(-1)).toMatchObject({ transfer_id: first.transferId });
    // the same id with other bytes: still a duplicate, flagged in the audit trail
    const changed = incomingCda({ id: "R-DUP", ins: insOf(7), to: [rpps[0]!], title: "Autre contenu" });
    expect(await receiveDocument(deps, changed)).toMatchObject({
      duplicate: true,
      transferId: first.transferId,
    });
    expect((await audits("document.duplicate")).at(-1)).toMatchObject({
      outcome: "failure",
      reason: "document.content_differs",
    });
    // two deliveries at once: one document, one transfer
    const racing = incomingCda({ id: "R-RACE", ins: insOf(7), to: [rpps[1]!] });
    const both = await Promise.all([receiveDocument(deps, racing), receiveDocument(deps, racing)]);
    expect(both.map((b) => b.duplicate).sort()).toEqual([false, true]);
    expect(both[0].transferId).toBe(both[1].transferId);
  });

  it("« à orienter »: a coordinator assigns, the document leaves the queue; reminders after the delay", async () => {
    const waiting = await receiveDocument(deps, incomingCda({ id: "R-Q", ins: insOf(8) }));
    expect(waiting.outcome).toBe("to_route");
    const item = (await listToRoute(deps)).find((d) => d.documentId === waiting.documentId);
    expect(item).toMatchObject({ typeCode: "11490-0", escalations: 0, patient: { ins: insOf(8) } });
    // nobody handled it for 24 h (a discharge letter): the coordinators are reminded once per delay
    const told: string[] = [];
    now = new Date(now.getTime() + 25 * 3_600_000);
    const notices: string[] = [];
    const notify = (i: { documentId: string; key: string; bodyFr: string }) => {
      told.push(i.documentId);
      notices.push(i.bodyFr);
      expect(i.key).toMatch(/^passerelle\.document\.[0-9a-f]{16}\.escalation\.1$/);
      return Promise.resolve();
    };
    expect(await escalateToRoute(deps, notify)).toBeGreaterThan(0);
    expect(told).toContain(waiting.documentId);
    expect(notices.join("\n")).not.toMatch(/MARCHAL|Odette/);
    expect(await escalateToRoute(deps, notify)).toBe(0);
    await expect(
      assignDocument(deps, waiting.documentId, [noMatrix], "rpps:" + rpps[5]!),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    const assigned = await assignDocument(deps, waiting.documentId, [rpps[3]!], `rpps:${rpps[5]!}`);
    expect(assigned).toMatchObject({
      outcome: "queued",
      routing: [{ rpps: rpps[3], source: "coordinator", reason: "coordinator.assigned" }],
    });
    expect((await transferStatus(f.db.knex, assigned.transferId!)).routing).toEqual(assigned.routing);
    expect((await listToRoute(deps)).map((d) => d.documentId)).not.toContain(waiting.documentId);
    await expect(assignDocument(deps, waiting.documentId, [rpps[3]!], "cli:test")).rejects.toMatchObject({
      code: "CONFLICT",
    });
    // received again after assignment: the coordinator's transfer, nothing new
    const again = await receiveDocument(deps, incomingCda({ id: "R-Q", ins: insOf(8) }));
    expect(again).toMatchObject({ duplicate: true, transferId: assigned.transferId });
  });

  it("the escalation scheduler reminds the coordinators, in their own room, of documents still « à orienter »", async () => {
    const { member: coordinator } = await new DirectoryService(f.db, f.trail).addMember(
      {
        rpps: rppsOf(41),
        matrixId: "@coord:test",
        professionCode: "10",
        name: "Coordinatrice Test",
        roles: ["coordinator"],
      },
      "cli:test",
    );
    const waiting = await receiveDocument(
      deps,
      incomingCda({ id: "R-ESC", ins: insOf(14), code: "34874-7" }),
    );
    const transport = new RecordingTransport();
    const scheduler = new EscalationScheduler(f.deps, transport, {
      alsoLook: [(tell) => escalateToRoute(deps, (r) => tell(r.key, r.bodyFr))],
    });
    const key = `passerelle.document.${sha(Buffer.from(waiting.documentId)).slice(0, 16)}.escalation.1.${String(coordinator.id)}`;
    now = new Date(now.getTime() + 71 * 3_600_000);
    await scheduler.runOnce();
    expect(transport.notices.has(key)).toBe(false); // 72 h for a document other than a discharge letter
    now = new Date(now.getTime() + 2 * 3_600_000);
    expect(await scheduler.runOnce()).toBeGreaterThan(0);
    expect(transport.notices.get(key)).toMatchObject({ expected: ["@coord:test"] });
    expect(JSON.stringify(transport.notices.get(key))).toContain("attend d’être orienté depuis 73 h");
  });

  it("a new version goes to the same room and names the one it replaces; the earlier shows replacedBy; a cancellation has its own title", async () => {
    const v1 = await receiveDocument(
      deps,
      incomingCda({ id: "V-1", ins: insOf(9), setId: "SET-9", version: 1, to: [rpps[0]!] }),
    );
    // v2 by relatedDocument RPLC, with other recipients in its header: still v1's room and recipients
    const v2 = await receiveDocument(
      deps,
      incomingCda({
        id: "V-2",
        ins: insOf(9),
        setId: "SET-9",
        version: 2,
        replaces: "V-1",
        recipients: [rpps[1]!],
      }),
    );
    // v3 by the same setId and a higher version number only
    const v3 = await receiveDocument(
      deps,
      incomingCda({ id: "V-3", ins: insOf(9), setId: "SET-9", version: 3 }),
    );
    const s1 = await transferStatus(f.db.knex, v1.transferId!);
    const s2 = await transferStatus(f.db.knex, v2.transferId!);
    const s3 = await transferStatus(f.db.knex, v3.transferId!);
    expect(s2.transfer.contextKey).toBe(s1.transfer.contextKey);
    expect(s3.transfer.contextKey).toBe(s1.transfer.contextKey);
    expect(s2.recipients.map((r) => r.matrixId)).toEqual(["@a:test"]);
    expect(s1.links.replacedBy).toBe(v2.transferId);
    expect(s2.links).toMatchObject({
      replaces: v1.transferId,
      replacesReference: s1.transfer.reference,
      replacedBy: v3.transferId,
      replacedByReference: s3.transfer.reference,
    });
    expect(v2.routing).toEqual(v1.routing);
    const caption = async (id: string) => {
      const row = await f.db.knex("transfers").where({ id }).first<TransferRow>();
      const payload = await new TransferRepository(f.db.knex).payload(id);
      return (await outgoingSheet(f.db.knex, row, payload!, new Map())).caption.body;
    };
    const c2 = await caption(v2.transferId!);
    expect(c2).toContain(`Remplace le document réf. ${s1.transfer.reference}`);
    expect(c2.split("\n")[0]).toBe(
      "Remplacement : lettre de liaison à la sortie — MARCHAL Odette, née le 12/03/1948",
    );
    expect(c2).toContain("Centre hospitalier de Valmont — Gériatrie");
    expect(c2).toContain("Séjour du 02/03/2026 au 09/03/2026");
    expect((await audits("document.replaced")).length).toBeGreaterThanOrEqual(2);
    // through the outbox: one room, and the new version is a reply to the one it replaces
    const transport = new RecordingTransport();
    const worker = new OutboxWorker(f.deps, transport, { maxAttempts: 1 });
    while ((await worker.runOnce()) > 0);
    const sends = new Map(transport.sends.map((x) => [x.sheet.transferId, x]));
    const [p1, p2] = [sends.get(v1.transferId!)!, sends.get(v2.transferId!)!];
    expect(p2.roomId).toBe(p1.roomId);
    expect(p2.sheet.kind).toBe("document");
    expect(await p2.sheet.replyTo?.()).toBe(transport.posted.get(v1.transferId!)?.eventId);
    const cancel = await receiveDocument(
      deps,
      incomingCda({ id: "V-4", ins: insOf(9), replaces: "V-3", cancellation: true }),
    );
    const c4 = await caption(cancel.transferId!);
    expect(c4.split("\n")[0]).toMatch(/^Annulation : lettre de liaison à la sortie/);
    expect(c4).toContain(`Le document réf. ${s3.transfer.reference} est annulé par l’établissement`);
  });

  it("CORPSMAIL_PS is the caption's text; ACK_RECEPTION / ACK_LECTURE_MSS are stored as the evidence asked", async () => {
    const r = await receiveDocument(
      deps,
      incomingCda({
        id: "R-FLAGS",
        ins: insOf(10),
        to: [rpps[0]!],
        flags: {
          ...NO_FLAGS,
          bodyForProfessionals: "Merci de revoir la patiente à J8.",
          ackReception: true,
          ackReading: true,
        },
      }),
    );
    const s = await transferStatus(f.db.knex, r.transferId!);
    expect(s.evidenceAsked).toEqual(["reception", "reading"]);
    const row = await f.db.knex("transfers").where({ id: r.transferId }).first<TransferRow>();
    const payload = await new TransferRepository(f.db.knex).payload(r.transferId!);
    const out = await outgoingSheet(f.db.knex, row, payload!, new Map());
    expect(out.caption.body).toContain("Merci de revoir la patiente à J8.");
    expect(out.filename).toBe("document-MARCHAL-2026-03-09.pdf");
  });

  it("a PDF is sealed as an incremental update: the hospital's bytes are a prefix of the signed file", async () => {
    const pdf = tinyPdf("Compte rendu opératoire");
    const r = await receiveDocument(deps, {
      channel: "http",
      documentId: "urn:test:pdf-1",
      typeCode: "34874-7",
      title: "Compte rendu opératoire",
      patient: { ins: insOf(11), insOid: "1.2.250.1.213.1.4.8", family: "MARCHAL", given: "Odette" },
      recipients: [{ rpps: rpps[0]! }],
      flags: NO_FLAGS,
      content: { kind: "pdf", pdf },
    });
    const payload = await new TransferRepository(f.db.knex).payload(r.transferId!);
    expect(Buffer.compare(payload!.pdf.subarray(0, pdf.length), pdf)).toBe(0);
    expect(payload!.pdf.length).toBeGreaterThan(pdf.length);
    expect(await verifyPdf(payload!.pdf, { trustedCas: [ca()], clock: CLOCK })).toMatchObject({
      valid: true,
      byteRangeCoversWholeFile: true,
    });
  });

  it("a discharge letter received by intake on the discharge day counts in the same-day indicator, by visit number", async () => {
    now = new Date("2027-01-20T09:00:00+01:00");
    const ins = insOf(12);
    for (const [trigger, id] of [
      ["A01", "SD-A01"],
      ["A03", "SD-A03"],
    ] as const) {
      const text = adtMessage({ trigger, controlId: id, ins, visit: "V-SD", at: "20270120083000" });
      const parsed = parseAdt(parseEr7(text)!);
      if (!parsed.ok) throw new Error(parsed.reason);
      await acceptAdtEvent(f.deps, parsed.event, text, "system:test");
    }
    await new AdtProcessor(f.deps).runOnce();
    // a letter about another visit does not count
    await receiveDocument(deps, incomingCda({ id: "SD-OTHER", ins, to: [rpps[0]!], visitNumber: "V-ELSE" }));
    const before = await checkSameDayLetters(f.deps);
    expect(before.onTime).toBe(0);
    const letter = await receiveDocument(
      deps,
      incomingCda({ id: "SD-1", ins, to: [rpps[0]!], visitNumber: "V-SD" }),
    );
    expect(await checkSameDayLetters(f.deps)).toMatchObject({ onTime: 1 });
    const stay = await f.db
      .knex("adt_stays")
      .where({ patient_ref: patientPseudonym(ins, f.deps.pseudonymKey), visit: "V-SD" })
      .first();
    expect(stay).toMatchObject({ letter_check: "on_time", letter_transfer: letter.transferId });
  });

  it("the cancellation of a version never sent is sent to nobody and takes it out of the queue", async () => {
    const waiting = await receiveDocument(deps, incomingCda({ id: "C-1", ins: insOf(15) }));
    expect(waiting.outcome).toBe("to_route");
    const cancel = await receiveDocument(
      deps,
      incomingCda({ id: "C-2", ins: insOf(15), replaces: "C-1", cancellation: true, to: [rpps[0]!] }),
    );
    expect(cancel).toMatchObject({ outcome: "masked", routing: [] });
    expect(cancel.transferId).toBeUndefined();
    expect((await listToRoute(deps)).map((d) => d.documentId)).not.toContain(waiting.documentId);
  });

  it("refuses a document whose CDA names another patient than the channel, naming patient.ins", async () => {
    const other = incomingCda({ id: "R-MISMATCH", ins: insOf(16), to: [rpps[0]!] });
    await expect(
      receiveDocument(deps, { ...other, patient: { ...other.patient, ins: insOf(17) } }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path: "patient.ins" })],
    });
    expect(await f.db.knex("documents").where({ document_id: other.documentId }).first()).toBeUndefined();
  });

  it("refuses a document without id or content, naming the field", async () => {
    const base = incomingCda({ id: "R-BAD", ins: insOf(13) });
    await expect(receiveDocument(deps, { ...base, documentId: "" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path: "documentId" })],
    });
    await expect(
      receiveDocument(deps, { ...base, content: { kind: "pdf", pdf: new Uint8Array() } }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
    expect(documentCda({ id: "X" }).toString("utf8")).toContain("ClinicalDocument");
  });
});
