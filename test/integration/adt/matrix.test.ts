/**
 * The ADT feed end to end, against a real Synapse and a real MLLP connection on 127.0.0.1: PAM
 * France messages → ACK → notices in the care-team room that each circle member decrypts;
 * withdrawal on A11; discharge notice and the same-day letter indicator; refusals (AE, nothing
 * sent); a patient's objection (nothing sent, audited); duplicates ignored.
 */
import path from "node:path";
import { readFile } from "node:fs/promises";
import { Hl7Message } from "@medplum/core";
import { Hl7Client } from "@medplum/hl7";
import type { MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MllpListener } from "../../../src/adt/index.ts";
import {
  AdtProcessor,
  ackCode,
  checkSameDayLetters,
  parisDay,
  sameDayIndicator,
  setAdtUnit,
  startMllpListener,
} from "../../../src/adt/index.ts";
import { CircleService, isCircleCommand, runCircleCommand } from "../../../src/circles/index.ts";
import { DirectoryRepository, DirectoryService } from "../../../src/directory/index.ts";
import type { Hub } from "../../../src/matrix/index.ts";
import {
  downloadEncryptedFile,
  MEGOLM,
  openHub,
  serveDirectCommands,
  sha256Hex,
} from "../../../src/matrix/index.ts";
import { verifyPdf } from "../../../src/pdf/index.ts";
import { createTransfer, OutboxWorker, transferStatus } from "../../../src/transfers/index.ts";
import { transferReference } from "../../../src/transfers/record/index.ts";
import { adtMessage, hl7Now, insOf, pamFixture, PATIENT } from "../../helpers/adt.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { startTestHomeserver, waitForEvent, type TestHomeserver } from "../synapse/harness.ts";
import {
  addRecipients,
  openFixture,
  SENT_OR_LATER,
  type TransferFixture,
} from "../../helpers/transfers-fixture.ts";
import { autoJoin, sheetView } from "../../helpers/matrix-recipient.ts";

let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let hub: Hub;
let worker: OutboxWorker;
let processor: AdtProcessor;
let listener: MllpListener;
let mllp: Hl7Client;
let members: MatrixClient[];
let rpps: string[];
let circles: CircleService;
let direct: { stop(): void };
/** The hospital unit 3B as a directory structure: members[3] is its staff. */
let unitId: number;

const send = async (text: string) =>
  ackCode(await mllp.sendAndWait(Hl7Message.parse(text), { timeoutMs: 10_000 }));
const count = async (table: string, where: Record<string, string | number> = {}): Promise<number> =>
  Number(((await f.db.knex(table).where(where).count({ n: "*" }).first()) as { n: number | string }).n);
const messageId = async (controlId: string): Promise<number> =>
  (
    await f.db
      .knex<{ id: number; control_id: string }>("adt_messages")
      .where({ control_id: controlId })
      .first("id")
  )?.id ?? -1;
const processed = (controlId: string) =>
  waitFor(
    `${controlId} processed`,
    async () => {
      const r = await f.db
        .knex<{ state: string; control_id: string }>("adt_messages")
        .where({ control_id: controlId })
        .first("state");
      return r?.state === "processed" ? true : undefined;
    },
    30_000,
  );
const sentRoom = (transferId: string) =>
  waitFor(
    `${transferId} sent`,
    async () => {
      const t = (await transferStatus(f.db.knex, transferId).catch(() => undefined))?.transfer;
      if (t === undefined) return undefined;
      return SENT_OR_LATER.includes(t.state) && t.roomId !== undefined ? t : undefined;
    },
    60_000,
    100,
  );

/** The transfer's sheet event as `client` decrypts it (waits up to `timeoutMs`). */
const sheetEvent = (
  client: MatrixClient,
  t: { roomId?: string; sheetEventId?: string },
  timeoutMs = 30_000,
) => waitForEvent(client, t.roomId ?? "", "m.room.message", timeoutMs, (e) => e.getId() === t.sheetEventId);

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-adt-matrix-");
  f = await openFixture(tmp.dir);
  const hubUser = await server.user("passerelle");
  const users = await Promise.all(["alice", "bruno", "chloe", "unit"].map((n) => server.user(n)));
  hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    userId: hubUser.userId,
    password: hubUser.password,
    dataDir: path.join(tmp.dir, "hub"),
  });
  members = await Promise.all(users.map((u) => server.client(u)));
  for (const c of members) autoJoin(c);
  rpps = await addRecipients(
    f,
    users.map((u) => u.userId),
  );
  const directory = new DirectoryService(f.db, f.trail);
  const hospital = await directory.addStructure({
    kind: "hospital",
    name: "CH de test",
    finess: "699990016",
  });
  unitId = (await directory.addStructure({ kind: "unit", name: "Unité 3B", parentId: hospital.id })).id;
  await directory.addMember(
    {
      rpps: rpps[3]!,
      matrixId: users[3]!.userId,
      professionCode: "10",
      name: "Docteur Test 4",
      roles: ["recipient"],
      structureId: unitId,
    },
    "cli:test",
  );
  circles = new CircleService(f.deps);
  for (const r of rpps.slice(0, 3))
    await circles.join({ ins: PATIENT.ins, rpps: r, source: "cli" }, "cli:test");
  await setAdtUnit(f.db.knex, {
    facility: "699990016",
    unit: "3B",
    name: "Médecine gériatrique aiguë — unité 3B",
    phone: "04 72 00 31 10",
    contactRpps: rpps[3]!,
    structureId: unitId,
  });
  worker = new OutboxWorker(f.deps, hub.transport, {
    pollMs: 100,
    attemptTimeoutMs: 20_000,
    backoffBaseMs: 500,
  });
  worker.start();
  processor = new AdtProcessor(f.deps, { pollMs: 200, letterCheckMs: 3_600_000 });
  processor.start();
  listener = await startMllpListener(f.deps, {
    port: 0,
    onAccepted: () => {
      processor.poke();
    },
  });
  mllp = new Hl7Client({ host: "127.0.0.1", port: listener.port });
  const repo = new DirectoryRepository(f.db.knex);
  direct = serveDirectCommands(hub.client, {
    accept: async (userId) => (await repo.findByMatrixId(userId))?.active === true,
    handles: isCircleCommand,
    run: (userId, text) => runCircleCommand(circles, repo, userId, text),
  });
});

afterAll(async () => {
  direct.stop();
  await mllp.close();
  await listener.close();
  await processor.stop();
  await worker.stop();
  await hub.close();
  await f.close();
  await server.close();
  await tmp.cleanup();
});

describe("ADT feed → notices over a real homeserver", () => {
  it("A01 with a circle of three: ACK AA, the three members decrypt the admission notice; its PDF verifies", async () => {
    expect((await send(pamFixture("a01-admit.hl7"))).code).toBe("AA");
    const id = await messageId("VALM20260302101500001");
    const t = await sentRoom(`adt-${id}-notice`);
    for (const c of members.slice(0, 3)) {
      const ev = await sheetEvent(c, t);
      expect(ev.isEncrypted()).toBe(true);
      const content = sheetView(ev);
      expect(content.form).toBe("admission-notice@1");
      expect(content.body.split("\n")[0]).toMatch(/^Avis d’hospitalisation — MARCHAL /);
      expect(content.body).toContain("Médecine gériatrique aiguë — unité 3B");
      expect(content.body).toContain("l’unité attend la fiche de liaison d’entrée");
      expect(content.filename).toMatch(/^avis-hospitalisation-MARCHAL-\d{4}-\d{2}-\d{2}\.pdf$/);
      expect(content.data).toMatchObject({
        patient: { ins: PATIENT.ins, lastName: "MARCHAL" },
        stay: {
          unit: "Médecine gériatrique aiguë — unité 3B",
          contactPhone: "04 72 00 31 10",
          contactRpps: rpps[3],
          unitStructureId: unitId,
        },
        notice: { status: "issued", admissionSheetRequested: true },
      });
    }
    const pdf = await downloadEncryptedFile(
      members[0]!,
      sheetView(await sheetEvent(members[0]!, t, 10_000)).file,
    );
    expect(sha256Hex(pdf)).toBe(t.pdfSha256);
    const ca = await readFile(path.join(tmp.dir, "pki", "ca.pem"), "utf8");
    expect((await verifyPdf(pdf, { trustedCas: [ca] })).valid).toBe(true);
    // the unit's correspondent is not in the patient's care-team room
    expect(members[3]!.getRoom(t.roomId)?.getMyMembership()).not.toBe("join");
  });

  it("the admission sheet a circle member sends back (toUnit from the notice) reaches the unit's room, audited", async () => {
    const notice = (await transferStatus(f.db.knex, `adt-${await messageId("VALM20260302101500001")}-notice`))
      .transfer;
    const sheet = exampleSheet("admission");
    const sent = await createTransfer(f.deps, {
      sheet: { ...sheet, data: { ...sheet.data, patient: { ...sheet.data.patient, ins: PATIENT.ins } } },
      toUnit: { structureId: unitId },
      actor: `rpps:${rpps[0]!}`,
    });
    const t = await sentRoom(sent.transferId);
    expect(t.roomId).not.toBe(notice.roomId);
    const ev = await sheetEvent(members[3]!, t);
    expect(ev.isEncrypted()).toBe(true);
    expect(sheetView(ev)).toMatchObject({
      form: "admission@1",
      pdf_sha256: t.pdfSha256,
    });
    // the unit's room holds the hub and the unit's staff only, not the care circle
    const joined =
      members[3]!
        .getRoom(t.roomId)
        ?.getJoinedMembers()
        .map((m) => m.userId) ?? [];
    expect(joined.sort()).toEqual([hub.client.getUserId(), members[3]!.getUserId()].sort());
    const actions = await f.db
      .knex("audit_entries")
      .where("transfer_id", sent.transferId)
      .orderBy("seq")
      .pluck("action");
    expect(actions).toEqual(
      expect.arrayContaining(["transfer.created", "transfer.signed", "transfer.queued", "transfer.sent"]),
    );
  });

  it("the same message again (same MSH-10): AA, audited as a duplicate, not stored or sent twice", async () => {
    const before = await count("transfers");
    expect((await send(pamFixture("a01-admit.hl7"))).code).toBe("AA");
    expect(await count("adt_messages", { control_id: "VALM20260302101500001" })).toBe(1);
    expect(await count("audit_entries", { action: "adt.duplicate" })).toBe(1);
    await new Promise((r) => setTimeout(r, 500));
    expect(await count("transfers")).toBe(before);
  });

  it("A11: the admission notice is withdrawn by a follow-up in the same room, worded as such, replying to it", async () => {
    const first = await messageId("VALM20260302101500001");
    const original = (await transferStatus(f.db.knex, `adt-${first}-notice`)).transfer;
    expect((await send(pamFixture("a11-cancel-admit.hl7"))).code).toBe("AA");
    const id = await messageId("VALM20260302113000004");
    const t = await sentRoom(`adt-${id}-withdrawal`);
    expect(t.roomId).toBe(original.roomId);
    const ev = await sheetEvent(members[1]!, t);
    const view = sheetView(ev);
    expect(view.data).toMatchObject({
      notice: { status: "withdrawn", replaces: original.sheetId },
    });
    // Its own wording and file name, naming the notice it withdraws, asking for nothing…
    expect(view.body.split("\n")[0]).toMatch(/^Annulation : avis d’hospitalisation — MARCHAL /);
    expect(view.body).toContain(
      `L’avis réf. ${transferReference("admission-notice", original.id)} est retiré`,
    );
    expect(view.body).not.toContain("✅");
    expect(view.filename).toMatch(/^annulation-avis-hospitalisation-MARCHAL-\d{4}-\d{2}-\d{2}\.pdf$/);
    // …and a reply to the original notice's message.
    expect(ev.getContent()["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: original.sheetEventId } });
  });

  it("A03 → discharge notice at once; the letter sent the same day counts in the HAS indicator", async () => {
    const now = new Date();
    const text = adtMessage({
      trigger: "A03",
      controlId: "VALM-A03-TODAY",
      visit: "2026000777",
      at: hl7Now(now),
    });
    expect((await send(text)).code).toBe("AA");
    const id = await messageId("VALM-A03-TODAY");
    const t = await sentRoom(`adt-${id}-notice`);
    const ev = await sheetEvent(members[2]!, t);
    expect(sheetView(ev).form).toBe("discharge-notice@1");
    const reminder = await sentRoom(`adt-${id}-reminder`);
    expect(reminder.roomId).not.toBe(t.roomId);
    const r = await sheetEvent(members[3]!, reminder);
    expect(sheetView(r).data).toMatchObject({ notice: { status: "letterDue" } });
    const day = parisDay(now);
    expect(await sameDayIndicator(f, day, day)).toMatchObject({ discharges: 1, pending: 1, sameDay: 0 });
    const letter = await createTransfer(f.deps, {
      sheet: exampleSheet("discharge"),
      to: [rpps[0]!],
      actor: "cli:test",
    });
    expect(await checkSameDayLetters(f.deps)).toEqual({ onTime: 1, missing: 0 });
    expect(await sameDayIndicator(f, day, day)).toEqual({
      discharges: 1,
      sameDay: 1,
      missing: 0,
      pending: 0,
      rate: 1,
    });
    const stay = await f.db
      .knex<{ letter_check: string; letter_transfer: string }>("adt_stays")
      .where({ letter_check: "on_time" })
      .first("letter_transfer");
    expect(stay?.letter_transfer).toBe(letter.transferId);
  });

  it("a discharge yesterday with no letter: missing, audited, the unit's correspondent is told", async () => {
    const yesterday = new Date(Date.now() - 36 * 3600_000);
    const text = adtMessage({
      trigger: "A03",
      controlId: "VALM-A03-OLD",
      visit: "2026000888",
      at: hl7Now(yesterday),
    });
    expect((await send(text)).code).toBe("AA");
    await processed("VALM-A03-OLD");
    const id = await messageId("VALM-A03-OLD");
    // yesterday's day has no discharge letter for this patient (today's letter is another day)
    expect(await checkSameDayLetters(f.deps)).toEqual({ onTime: 0, missing: 1 });
    expect(await count("audit_entries", { action: "adt.letter_missing" })).toBe(1);
    const t = await sentRoom(`adt-${id}-missing`);
    const ev = await sheetEvent(members[3]!, t);
    expect(sheetView(ev).data).toMatchObject({ notice: { status: "letterMissing" } });
    const day = parisDay(yesterday);
    expect(await sameDayIndicator(f, day, day)).toMatchObject({ missing: 1, sameDay: 0, rate: 0 });
  });

  it("bad INS key or missing PID-3: ACK AE with the reason, kept for review only, nothing sent", async () => {
    const [messages, transfers] = [await count("adt_messages"), await count("transfers")];
    const rejected = await count("adt_rejected");
    const bad = await send(pamFixture("a01-bad-ins-key.hl7"));
    expect(bad.code).toBe("AE");
    expect(bad.text).toMatch(/\[ins\.key\]$/);
    const none = await send(pamFixture("a01-no-pid3.hl7"));
    expect(none).toEqual({ code: "AE", text: "PID-3 patient identifier list missing [pid3.missing]" });
    expect((await send(pamFixture("a08-update.hl7"))).code).toBe("AR");
    expect(await count("adt_messages")).toBe(messages);
    expect(await count("adt_rejected")).toBe(rejected + 3);
    await new Promise((r) => setTimeout(r, 500));
    expect(await count("transfers")).toBe(transfers);
    expect(await count("audit_entries", { action: "adt.rejected" })).toBe(3);
  });

  it("a patient who objected: the A01 is acknowledged, nothing is sent, the suppression is audited", async () => {
    const ins = insOf(1);
    await circles.join({ ins, rpps: rpps[0]!, source: "cli" }, "cli:test");
    await circles.recordObjection(ins, "cli", "cli:test");
    const transfers = await count("transfers");
    expect(
      (await send(adtMessage({ trigger: "A01", controlId: "VALM-OBJ-1", ins, visit: "2026000999" }))).code,
    ).toBe("AA");
    await processed("VALM-OBJ-1");
    expect(await count("transfers")).toBe(transfers);
    const patient = circles.patientRef(ins);
    expect(await count("audit_entries", { action: "circle.notice_suppressed", patient_ref: patient })).toBe(
      1,
    );
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it("!circle join <INS> in an encrypted direct room with the hub: confirmed, the member is in the circle", async () => {
    const ins = insOf(2);
    const alice = members[0]!;
    const { room_id: roomId } = await alice.createRoom({
      invite: [hub.userId],
      is_direct: true,
      initial_state: [{ type: "m.room.encryption", state_key: "", content: { algorithm: MEGOLM } }],
    });
    await waitFor(
      "the hub joined the direct room",
      () => (alice.getRoom(roomId)?.getMember(hub.userId)?.membership === "join" ? true : undefined),
      30_000,
      100,
    );
    const sent = await alice.sendTextMessage(roomId, `!circle join ${ins}`);
    const reply = await waitForEvent(
      alice,
      roomId,
      "m.room.message",
      30_000,
      (e) => e.getSender() === hub.userId && e.getContent().msgtype === "m.notice",
    );
    expect(reply.isEncrypted()).toBe(true);
    expect(reply.getContent().body).toMatch(/^✅ Vous faites désormais partie du cercle de soins/);
    expect(reply.getContent().body).not.toContain(ins);
    expect(sent.event_id).toMatch(/^\$/);
    const circle = await circles.list(ins);
    expect(circle.members.map((m) => [m.rpps, m.source])).toEqual([[rpps[0], "matrix"]]);
    const bad = await alice.sendTextMessage(roomId, "!circle join 248037511204722");
    const refusal = await waitForEvent(
      alice,
      roomId,
      "m.room.message",
      30_000,
      (e) => e.getSender() === hub.userId && String(e.getContent().body).startsWith("INS invalide"),
    );
    expect(refusal.getContent().body).not.toContain("248037511204722");
    expect(bad.event_id).toBeDefined();
  });
});
