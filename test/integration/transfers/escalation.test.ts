/**
 * Escalation, admission notices and tele-expertise answers against a real Synapse, with the hub's
 * own session (openHub) and each professional on their own device (matrix-js-sdk, Rust crypto):
 *
 * - an overdue discharge letter: the recipient decrypts the reminder in the transfer's room, the
 *   coordinator decrypts the notice in their own room with the hub; escalated once only;
 * - an admission notice addressed to a hospital unit: the unit's member decrypts it;
 * - a tele-expertise request: the specialist answers with `!answer` in the room, and the requester
 *   decrypts the signed answer PDF, which verifies.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";
import { EventTimeline, EventType, MsgType } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Clock } from "../../../src/core/index.ts";
import { addStructure, DirectoryService } from "../../../src/directory/index.ts";
import type { Hub, InboundListener, RegisteredUser } from "../../../src/matrix/index.ts";
import { downloadEncryptedFile, ESCALATION_KEY, openHub, sha256Hex } from "../../../src/matrix/index.ts";
import { verifyPdf } from "../../../src/pdf/index.ts";
import { coordinatorContextKey } from "../../../src/transfers/escalation/escalation.ts";
import {
  createTransfer,
  EscalationScheduler,
  handleRoomCommand,
  OutboxWorker,
  recordAcknowledgement,
  TransferRepository,
  transferStatus,
} from "../../../src/transfers/index.ts";
import { transferReference } from "../../../src/transfers/record/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { startTestHomeserver, waitForEvent, type TestHomeserver } from "../synapse/harness.ts";
import { openFixture, rppsOf, SENT_OR_LATER, type TransferFixture } from "../../helpers/transfers-fixture.ts";
import { autoJoin, sheetView } from "../../helpers/matrix-recipient.ts";

const HOUR = 3_600_000;
let offset = 0;
/** Real time plus an offset the tests move forward (the scheduler's injectable clock). */
const clock: Clock = { now: () => new Date(Date.now() + offset) };

let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let hub: Hub;
let worker: OutboxWorker;
let commands: InboundListener;
let caPem: string;
const users: Record<"alice" | "coord" | "nurse" | "derm", RegisteredUser> = {} as never;
const clients: Record<keyof typeof users, MatrixClient> = {} as never;
const ids: Record<keyof typeof users, number> = {} as never;
let unitId: number;
const tele = exampleSheet("teleexpertise-request");
const REQUESTER = String(tele.data.requester?.rpps);
const EXPERT = String(tele.data.expert?.rpps);
const commandOutcomes: string[] = [];

const stateOf = async (id: string) => (await transferStatus(f.db.knex, id)).transfer.state;
const sentTransfer = async (id: string) => {
  await waitFor("sent", async () => (SENT_OR_LATER.includes(await stateOf(id)) ? true : undefined), 60_000);
  return (await transferStatus(f.db.knex, id)).transfer;
};
const textEvents = (c: MatrixClient, roomId: string, needle: string): MatrixEvent[] =>
  c
    .getRoom(roomId)
    ?.getLiveTimeline()
    .getEvents()
    .filter((e) => e.getType() === "m.room.message" && String(e.getContent().body).includes(needle)) ?? [];

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-escalation-");
  f = await openFixture(tmp.dir, { clock });
  caPem = await readFile(path.join(tmp.dir, "pki", "ca.pem"), "utf8");
  const hubUser = await server.user("passerelle");
  for (const name of ["alice", "coord", "nurse", "derm"] as const) users[name] = await server.user(name);
  hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    userId: hubUser.userId,
    password: hubUser.password,
    dataDir: path.join(tmp.dir, "hub"),
  });
  for (const name of ["alice", "coord", "nurse", "derm"] as const) {
    clients[name] = await server.client(users[name]);
    autoJoin(clients[name]);
  }
  const svc = new DirectoryService(f.db, f.trail, clock);
  const hospital = await addStructure(
    f.db,
    { finess: "750712184", kind: "hospital", name: "CH Test" },
    clock,
  );
  unitId = (await addStructure(f.db, { kind: "unit", name: "Gériatrie", parentId: hospital.id }, clock)).id;
  const add = async (name: keyof typeof users, rpps: string, roles: string[], structureId?: number) => {
    const { member } = await svc.addMember(
      {
        rpps,
        matrixId: users[name].userId,
        professionCode: "10",
        name: `Docteur ${name}`,
        roles,
        ...(structureId === undefined ? {} : { structureId }),
      },
      "cli:test",
    );
    ids[name] = member.id;
  };
  await add("alice", REQUESTER, ["sender", "recipient"]);
  await add("coord", rppsOf(50), ["coordinator"]);
  await add("nurse", rppsOf(1), ["recipient"], unitId);
  await add("derm", EXPERT, ["specialist"]);
  worker = new OutboxWorker(f.deps, hub.transport, { pollMs: 100, attemptTimeoutMs: 20_000 });
  worker.start();
  // The same function the service wires for room commands (src/app.ts).
  commands = hub.listen({
    onRead: () => undefined,
    onAcknowledged: async (_room, eventId, userId, ts) => {
      await recordAcknowledgement(f.deps, { eventId }, userId, new Date(ts));
    },
    onCommand: async (roomId, userId, text, eventId) => {
      const o = await handleRoomCommand(f.deps, hub.transport, roomId, userId, text, eventId);
      commandOutcomes.push(o.kind === "refused" ? `refused:${o.code}:${o.fields.join(",")}` : o.kind);
    },
  });
}, 120_000);

afterAll(async () => {
  await commands.stop();
  await worker.stop();
  await hub.close();
  await f.close();
  await server.close();
  await tmp.cleanup();
});

describe("escalation, admission and tele-expertise over a real homeserver", () => {
  it("an overdue discharge letter: reminder decrypted by the recipient, notice by the coordinator; escalated once only", async () => {
    const c = await createTransfer(f.deps, {
      sheet: exampleSheet("discharge"),
      to: [REQUESTER],
      actor: "cli:test",
    });
    const t = await sentTransfer(c.transferId);
    const roomId = t.roomId!;
    await waitForEvent(clients.alice, roomId, "m.room.message", 30_000, (e) => e.getId() === t.sheetEventId);
    const scheduler = new EscalationScheduler(f.deps, hub.transport);
    expect(await scheduler.runOnce()).toBe(0);
    offset += 25 * HOUR;
    expect(await scheduler.runOnce()).toBe(1);

    const reminder = await waitForEvent(clients.alice, roomId, "m.room.message", 30_000, (e) =>
      String(e.getContent().body).startsWith("Rappel"),
    );
    expect(reminder.isEncrypted()).toBe(true);
    expect(reminder.getSender()).toBe(hub.userId);
    const ref = transferReference(t.kind, c.transferId);
    expect(reminder.getContent().body).toContain(`réf. ${ref}`);
    expect(reminder.getContent()["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: t.sheetEventId } });

    const coordRoom = (await f.db
      .knex<{ context_key: string; room_id: string }>("transfer_rooms")
      .where("context_key", coordinatorContextKey(ids.coord, users.coord.userId))
      .first("room_id"))!;
    const notice = await waitForEvent(clients.coord, coordRoom.room_id, "m.room.message", 30_000, (e) =>
      String(e.getContent().body).includes(ref),
    );
    expect(notice.isEncrypted()).toBe(true);
    expect(notice.getContent()[ESCALATION_KEY]).toEqual({ transfer_id: c.transferId, delay_hours: 25 });
    expect(notice.getContent().body).toBe(
      `Relance Passerelle : la transmission réf. ${ref} est sans accusé de réception depuis 25 h. Un rappel a été envoyé dans son salon.`,
    );
    const room = clients.coord.getRoom(coordRoom.room_id)!;
    expect(room.name).toMatch(/^Passerelle · T-[0-9A-F]{10}$/);
    expect(
      room.getLiveTimeline().getState(EventTimeline.FORWARDS)?.getStateEvents("m.room.topic", ""),
    ).toBeNull();
    expect(room.hasEncryptionStateEvent()).toBe(true);
    expect(
      room
        .getMembers()
        .map((m) => m.userId)
        .sort(),
    ).toEqual([hub.userId, users.coord.userId].sort());

    // Once only: later looks within the delay do nothing, and a re-send of the same escalation (as
    // after a crash before it was recorded) is answered with the first event by the homeserver.
    expect(await scheduler.runOnce()).toBe(0);
    offset += HOUR;
    expect(await scheduler.runOnce()).toBe(0);
    const again = await hub.transport.sendNotice(roomId, [users.alice.userId], {
      txnId: `passerelle.${c.transferId}.reminder.1`,
      bodyFr: "Rappel (renvoi)",
    });
    expect(again).toBe(reminder.getId());
    await new Promise((r) => setTimeout(r, 2000));
    expect(textEvents(clients.alice, roomId, "Rappel")).toHaveLength(1);
    expect(textEvents(clients.coord, coordRoom.room_id, ref)).toHaveLength(1);
    const audit = await f.db
      .knex("audit_entries")
      .where({ transfer_id: c.transferId, action: "transfer.escalated" });
    expect(audit).toHaveLength(2);
    expect((await transferStatus(f.db.knex, c.transferId)).transfer.escalations).toBe(1);

    // An (encrypted) `!ack` reply to the reminder acknowledges the sheet (the reminder names it),
    // which ends the escalation.
    await clients.alice.sendEvent(roomId, EventType.RoomMessage, {
      msgtype: MsgType.Text,
      body: "!ack",
      "m.relates_to": { "m.in_reply_to": { event_id: reminder.getId()! } },
    });
    await waitFor(
      "acknowledged through the reminder",
      async () => ((await stateOf(c.transferId)) === "acknowledged" ? true : undefined),
      30_000,
    );
    offset += 48 * HOUR;
    expect(await scheduler.runOnce()).toBe(0);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it("an admission notice addressed to a hospital unit: the unit's member decrypts it and the PDF verifies", async () => {
    const c = await createTransfer(f.deps, {
      sheet: exampleSheet("admission"),
      toUnit: { structureId: unitId },
      actor: `rpps:${REQUESTER}`,
    });
    const t = await sentTransfer(c.transferId);
    const ev = await waitForEvent(
      clients.nurse,
      t.roomId!,
      "m.room.message",
      30_000,
      (e) => e.getId() === t.sheetEventId,
    );
    expect(ev.isEncrypted()).toBe(true);
    const content = sheetView(ev);
    expect(content).toMatchObject({ form: "admission@1", pdf_sha256: c.pdfSha256 });
    const pdf = await downloadEncryptedFile(clients.nurse, content.file);
    expect(sha256Hex(pdf)).toBe(c.pdfSha256);
    expect((await verifyPdf(pdf, { trustedCas: [caPem], clock })).valid).toBe(true);
  });

  it("a tele-expertise request answered with !answer: the requester decrypts the signed answer, which verifies", async () => {
    const c = await createTransfer(f.deps, { sheet: tele, actor: `rpps:${REQUESTER}` });
    const t = await sentTransfer(c.transferId);
    const roomId = t.roomId!;
    await waitForEvent(clients.derm, roomId, "m.room.message", 30_000, (e) => e.getId() === t.sheetEventId);
    await waitFor(
      "the requester in the room",
      () => (clients.alice.getRoom(roomId)?.getMyMembership() === "join" ? true : undefined),
      30_000,
    );
    await clients.derm.sendEvent(roomId, EventType.RoomMessage, {
      msgtype: MsgType.Text,
      body: "!answer\navis : lentigo malin probable ; biopsie à prévoir.\nconsultation : oui\ndélai : sous 8 jours",
    });
    const answerEv = await waitForEvent(
      clients.alice,
      roomId,
      "m.room.message",
      60_000,
      (e) => sheetView(e).form === "teleexpertise-answer@1",
    );
    expect(answerEv.isEncrypted()).toBe(true);
    const content = sheetView(answerEv);
    // An answer: its own wording and file name, naming the request it answers, and a reply to it.
    expect(content.body).toContain(
      `Réponse à la demande réf. ${transferReference("teleexpertise-request", c.transferId)}`,
    );
    expect(content.filename).toMatch(/^reponse-teleexpertise-BENSAID-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(answerEv.getContent()["m.relates_to"]).toEqual({ "m.in_reply_to": { event_id: t.sheetEventId } });
    const pdf = await downloadEncryptedFile(clients.alice, content.file);
    expect(sha256Hex(pdf)).toBe(content.pdf_sha256);
    const verified = await verifyPdf(pdf, { trustedCas: [caPem], clock });
    expect(verified.valid).toBe(true);
    expect(content.data).toMatchObject({
      request: { sheetId: c.sheetId },
      expert: { rpps: EXPERT },
      answer: { consultationNeeded: true, consultationDelay: "sous 8 jours" },
    });
    expect(commandOutcomes).toEqual(["answered"]);
    const answer = (await f.db
      .knex<{ id: string; in_reply_to: string; room_id: string }>("transfers")
      .where("in_reply_to", c.transferId)
      .first("id", "room_id"))!;
    expect((await sentTransfer(answer.id)).roomId).toBe(roomId);
    expect(await stateOf(c.transferId)).toBe("answered");
    const history = (await new TransferRepository(f.db.knex).events(c.transferId)).at(-1);
    expect(history).toMatchObject({ step: "answered", memberRef: `rpps:${EXPERT}` });
    await waitForEvent(clients.alice, roomId, "m.room.message", 30_000, (e) =>
      String(e.getContent().body).startsWith("Réponse enregistrée"),
    );
    expect((await f.trail.verify()).ok).toBe(true);
  });
});
