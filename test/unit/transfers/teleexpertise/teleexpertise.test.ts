/** Admission notices to a hospital unit and tele-expertise answers, on sqlite with a recording transport. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../../src/core/index.ts";
import { addStructure, DirectoryService } from "../../../../src/directory/index.ts";
import { transferReference } from "../../../../src/transfers/record/index.ts";
import {
  answerTeleexpertise,
  createTransfer,
  EscalationScheduler,
  handleRoomCommand,
  OutboxWorker,
  recordAcknowledgement,
  TransferRepository,
  transferStatus,
} from "../../../../src/transfers/index.ts";
import { endOfParisDay } from "../../../../src/transfers/intake/deadline.ts";
import { findOverdue } from "../../../../src/transfers/escalation/overdue.ts";
import { parseAnswerCommand } from "../../../../src/transfers/teleexpertise/index.ts";
import { exampleSheet } from "../../../helpers/sheets.ts";
import { tempDir } from "../../../helpers/tmp.ts";
import { openFixture, rppsOf, type TransferFixture } from "../../../helpers/transfers-fixture.ts";
import { RecordingTransport } from "../../../helpers/recording-transport.ts";

const HOUR = 3_600_000;
const clock = fixedClock("2026-03-03T08:00:00Z");
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let unitId: number;
let emptyUnitId: number;
const request = exampleSheet("teleexpertise-request");
const REQUESTER = String(request.data.requester?.rpps);
const EXPERT = String(request.data.expert?.rpps);
const GP = "@gp:test";
const DERM = "@derm:test";
const NURSE = "@nurse:test";
const CLERK = "@clerk:test";

beforeAll(async () => {
  tmp = await tempDir("passerelle-teleexpertise-unit-");
  f = await openFixture(tmp.dir, { clock });
  const svc = new DirectoryService(f.db, f.trail, clock);
  const hospital = await addStructure(
    f.db,
    { finess: "750712184", kind: "hospital", name: "CH Test" },
    clock,
  );
  unitId = (await addStructure(f.db, { kind: "unit", name: "Gériatrie", parentId: hospital.id }, clock)).id;
  emptyUnitId = (
    await addStructure(f.db, { kind: "unit", name: "Cardiologie", parentId: hospital.id }, clock)
  ).id;
  const add = (rpps: string, matrixId: string, roles: string[], structureId?: number) =>
    svc.addMember(
      {
        rpps,
        matrixId,
        professionCode: "10",
        name: `Docteur ${rpps}`,
        roles,
        ...(structureId === undefined ? {} : { structureId }),
      },
      "cli:test",
    );
  await add(REQUESTER, GP, ["sender", "recipient"]);
  await add(EXPERT, DERM, ["specialist"]);
  await add(rppsOf(1), NURSE, ["recipient"], unitId);
  await add(rppsOf(2), CLERK, ["sender"], unitId); // in the unit, but not a recipient
  await add(rppsOf(3), "@elsewhere:test", ["recipient"]);
}, 60_000);
afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});

const deliver = async (t: RecordingTransport) => new OutboxWorker(f.deps, t).runOnce();

describe("admission notices to a hospital unit", () => {
  it("reaches the unit's members with the role recipient, and only them", async () => {
    const t = new RecordingTransport();
    const c = await createTransfer(f.deps, {
      sheet: exampleSheet("admission"),
      toUnit: { structureId: unitId },
      actor: "cli:test",
    });
    const s = await transferStatus(f.db.knex, c.transferId);
    expect(s.recipients.map((r) => r.matrixId)).toEqual([NURSE]);
    expect(await f.db.knex("transfers").where("id", c.transferId).first("recipient_structure_id")).toEqual({
      recipient_structure_id: unitId,
    });
    await deliver(t);
    expect(t.rooms.at(-1)?.invite).toEqual([NURSE]);
    expect(t.sends.at(-1)?.expected).toEqual([NURSE]);
  });

  it("refuses, naming the field: not a unit, unknown, or a unit without recipients; each audited", async () => {
    const sheet = exampleSheet("admission");
    await expect(
      createTransfer(f.deps, { sheet, toUnit: { finess: "750712184" }, actor: "cli:test" }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path: "toUnit.finess", rule: "unit.kind" })],
    });
    await expect(
      createTransfer(f.deps, { sheet, toUnit: { structureId: 9999 }, actor: "cli:test" }),
    ).rejects.toMatchObject({
      code: "NOT_FOUND",
      issues: [expect.objectContaining({ path: "toUnit.structureId" })],
    });
    await expect(
      createTransfer(f.deps, { sheet, toUnit: { structureId: emptyUnitId }, actor: "cli:test" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      issues: [expect.objectContaining({ rule: "unit.no_recipient" })],
    });
    const reasons = (await f.db.knex("audit_entries").where("action", "transfer.failed").orderBy("seq")).map(
      (r: { reason: string }) => r.reason,
    );
    expect(reasons.slice(-3)).toEqual(["unit.not_a_unit", "unit.unknown", "unit.no_recipient"]);
  });
});

describe("tele-expertise", () => {
  it("a request goes to the named specialist and its requester; a non-specialist recipient is refused", async () => {
    await expect(
      createTransfer(f.deps, { sheet: request, to: [rppsOf(3)], actor: "cli:test" }),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
      issues: [expect.objectContaining({ path: "to[0]", rule: "recipient.not_specialist" })],
    });
    const c = await createTransfer(f.deps, { sheet: request, actor: "cli:test" });
    const s = await transferStatus(f.db.knex, c.transferId);
    expect(s.recipients.map((r) => r.matrixId).sort()).toEqual([DERM, GP].sort());
    // request.answerBy 2026-03-06: end of that day in Paris (UTC+1 in March).
    expect(await f.db.knex("transfers").where("id", c.transferId).first("answer_due_at")).toEqual({
      answer_due_at: "2026-03-06T22:59:59.000Z",
    });
  });

  it("the specialist's answer is validated, signed, queued in the same room; the request is answered, once", async () => {
    const t = new RecordingTransport();
    const c = await createTransfer(f.deps, { sheet: request, actor: "cli:test" });
    await deliver(t);
    const req = (await transferStatus(f.db.knex, c.transferId)).transfer;
    await expect(
      answerTeleexpertise(
        f.deps,
        c.transferId,
        { opinion: "x", consultationNeeded: false },
        { matrixId: GP },
      ),
    ).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
    await expect(
      answerTeleexpertise(f.deps, c.transferId, { consultationNeeded: "peut-être" }, { matrixId: DERM }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: expect.arrayContaining([
        expect.objectContaining({ path: "data.answer.opinion" }),
        expect.objectContaining({ path: "data.answer.consultationNeeded" }),
      ]) as unknown,
    });
    await expect(
      answerTeleexpertise(f.deps, c.transferId, { opinion: "x", consultationNeeded: false }, { rpps: "12" }),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path: "specialist.rpps" })],
    });
    await expect(
      answerTeleexpertise(
        f.deps,
        "no-such-request",
        { opinion: "x", consultationNeeded: false },
        { matrixId: DERM },
      ),
    ).rejects.toMatchObject({ code: "NOT_FOUND", issues: [expect.objectContaining({ path: "transferId" })] });
    const answer = {
      opinion: "Lentigo malin probable : biopsie.",
      consultationNeeded: true,
      consultationDelay: "8 jours",
    };
    const r = await answerTeleexpertise(f.deps, c.transferId, answer, { rpps: EXPERT }, "$cmd1");
    const a = await transferStatus(f.db.knex, r.answer.transferId);
    expect(a.transfer).toMatchObject({
      kind: "teleexpertise-answer",
      form: "teleexpertise-answer@1",
      contextKey: req.contextKey,
      state: "queued",
    });
    expect(a.recipients.map((x) => x.matrixId).sort()).toEqual([DERM, GP].sort());
    const data = (await new TransferRepository(f.db.knex).payload(r.answer.transferId))?.data as Record<
      string,
      Record<string, unknown>
    >;
    expect(data.request).toMatchObject({ sheetId: req.sheetId, requesterName: request.data.requester?.name });
    expect(data.expert).toMatchObject({ rpps: EXPERT, specialty: "Dermatologie" });
    expect(data.patient).toEqual(request.data.patient);
    expect(data.answer).toMatchObject({ ...answer, answeredAt: clock.now().toISOString() });
    expect(await f.db.knex("transfers").where("id", r.answer.transferId).first("in_reply_to")).toEqual({
      in_reply_to: c.transferId,
    });
    const rs = await transferStatus(f.db.knex, c.transferId);
    expect(rs.transfer.state).toBe("answered");
    expect(rs.links).toEqual({ answer: r.answer.transferId, answerDueAt: "2026-03-06T22:59:59.000Z" });
    expect(a.links).toEqual({ inReplyTo: c.transferId });
    expect(rs.events.at(-1)).toMatchObject({
      step: "answered",
      matrixEventId: "$cmd1",
      memberRef: `rpps:${EXPERT}`,
    });
    const audit = await f.db
      .knex("audit_entries")
      .where({ transfer_id: c.transferId, action: "transfer.answered" })
      .orderBy("seq");
    expect(audit.map((x: { outcome: string; reason: string | null }) => [x.outcome, x.reason])).toEqual([
      ["failure", "not_specialist"],
      ["success", null],
    ]);
    await expect(answerTeleexpertise(f.deps, c.transferId, answer, { matrixId: DERM })).rejects.toMatchObject(
      { code: "CONFLICT" },
    );
    await deliver(t);
    expect(t.sends.at(-1)).toMatchObject({
      roomId: req.roomId,
      sheet: { transferId: r.answer.transferId, kind: "teleexpertise-answer" },
    });
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it("!answer in the room answers the room's open request and replies with the reference, or the fields refused", async () => {
    const t = new RecordingTransport();
    const c = await createTransfer(f.deps, { sheet: request, actor: "cli:test" });
    await deliver(t);
    const roomId = (await transferStatus(f.db.knex, c.transferId)).transfer.roomId!;
    // The earlier request of this room (same patient, sender and members) is still open too.
    const ambiguous = await handleRoomCommand(
      f.deps,
      t,
      roomId,
      DERM,
      "!answer\navis : x\nconsultation : non",
      "$e0",
    );
    expect(ambiguous).toMatchObject({ kind: "refused", code: "AMBIGUOUS" });
    expect([...t.notices.values()].at(-1)?.notice.bodyFr).toContain("précisez la référence");
    const bad = await handleRoomCommand(
      f.deps,
      t,
      roomId,
      DERM,
      `!answer ${c.transferId}\nconsultation : peut-être`,
      "$e1",
    );
    expect(bad).toMatchObject({ kind: "refused", code: "VALIDATION_FAILED" });
    const refusal = [...t.notices.values()].at(-1)!;
    expect(refusal.notice.bodyFr).toContain("data.answer.opinion");
    expect(refusal.notice.bodyFr).not.toContain("peut-être");
    expect(refusal.expected.sort()).toEqual([DERM, GP].sort());
    const ok = await handleRoomCommand(
      f.deps,
      t,
      roomId,
      DERM,
      // the short reference as a person types it (lower case) names the request too
      `!réponse ${transferReference("teleexpertise-request", c.transferId).toLowerCase()}\navis : bénin\nconsultation : non`,
      "$e2",
    );
    expect(ok.kind).toBe("answered");
    expect([...t.notices.values()].at(-1)?.notice.bodyFr).toContain(
      ok.kind === "answered" ? transferReference("teleexpertise-answer", ok.result.answer.transferId) : "?",
    );
    expect((await transferStatus(f.db.knex, c.transferId)).transfer.state).toBe("answered");
    expect(await handleRoomCommand(f.deps, t, roomId, DERM, "!help", "$e3")).toEqual({ kind: "ignored" });
  });

  it("an unanswered request is escalated at its deadline even if acknowledged; answered ones are not", async () => {
    await f.db
      .knex("transfers")
      .whereIn("state", ["queued", "sent", "delivered", "read", "acknowledged"])
      .update({ state: "failed" });
    const t = new RecordingTransport();
    const c = await createTransfer(f.deps, { sheet: request, actor: "cli:test" });
    await deliver(t);
    await recordAcknowledgement(f.deps, { transferId: c.transferId }, DERM, clock.now(), "$ack");
    const s = new EscalationScheduler(f.deps, t);
    const due = new Date("2026-03-06T22:59:59.000Z").getTime();
    clock.advance(due - clock.now().getTime() - 1000);
    expect(await s.runOnce()).toBe(0);
    clock.advance(1000);
    expect(await s.runOnce()).toBe(1);
    const reminder = t.notices.get(`passerelle.${c.transferId}.reminder.1`);
    expect(reminder?.notice.bodyFr).toContain("attend une réponse");
    expect(reminder?.notice.bodyFr).toContain("!answer");
    const row = await f.db
      .knex("audit_entries")
      .where({ transfer_id: c.transferId, action: "transfer.escalated" })
      .first();
    expect(row).toMatchObject({ reason: "escalation.unanswered" });
    await answerTeleexpertise(
      f.deps,
      c.transferId,
      { opinion: "ok", consultationNeeded: false },
      { matrixId: DERM },
    );
    clock.advance(100 * HOUR);
    expect((await findOverdue(f.deps, clock.now())).map((x) => x.id)).not.toContain(c.transferId);
  });
});

describe("answer command parsing and deadlines", () => {
  it("parses keys in French or English, continuation lines, yes/no and a named request", () => {
    expect(parseAnswerCommand("!ack")).toBeUndefined();
    expect(parseAnswerCommand("!answer")).toEqual({ answer: {} });
    expect(
      parseAnswerCommand(
        "!answer T-1_a\nAvis : lésion bénigne,\nà surveiller.\nconsultation: Oui\nDélai : 3 mois\nrecommandations : photo",
      ),
    ).toEqual({
      requestId: "T-1_a",
      answer: {
        opinion: "lésion bénigne,\nà surveiller.",
        consultationNeeded: true,
        consultationDelay: "3 mois",
        recommendations: "photo",
      },
    });
    expect(
      parseAnswerCommand("!réponse\nRien d’inquiétant.\nnote: à revoir\nconsultation : non")?.answer,
    ).toEqual({
      opinion: "Rien d’inquiétant.\nnote: à revoir",
      consultationNeeded: false,
    });
    expect(parseAnswerCommand("!answer\nconsultation: bof")?.answer).toEqual({ consultationNeeded: "bof" });
  });

  it("end of a Paris day: UTC+1 in winter, UTC+2 in summer", () => {
    expect(endOfParisDay("2026-01-15")).toBe("2026-01-15T22:59:59.000Z");
    expect(endOfParisDay("2026-07-01")).toBe("2026-07-01T21:59:59.000Z");
  });
});
