/** The escalation scheduler on sqlite with a fake clock and a recording transport. */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { fixedClock } from "../../../../src/core/index.ts";
import { DirectoryService } from "../../../../src/directory/index.ts";
import { transferReference } from "../../../../src/transfers/record/index.ts";
import {
  createTransfer,
  EscalationScheduler,
  OutboxWorker,
  recordAcknowledgement,
  transferStatus,
} from "../../../../src/transfers/index.ts";
import { exampleSheet } from "../../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../../helpers/tmp.ts";
import {
  addRecipients,
  openFixture,
  rppsOf,
  type TransferFixture,
} from "../../../helpers/transfers-fixture.ts";
import { RecordingTransport } from "../../../helpers/recording-transport.ts";

const HOUR = 3_600_000;
const clock = fixedClock("2026-03-02T08:00:00Z");
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let rpps: string[];
let coordinatorId: number;
const ALICE = "@alice:test";
const COORD = "@coord:test";
const discharge = exampleSheet("discharge");
const INS = String(discharge.data.patient?.ins);
const NAME = String(discharge.data.patient?.lastName);

beforeAll(async () => {
  tmp = await tempDir("passerelle-escalation-unit-");
  f = await openFixture(tmp.dir, { clock });
  rpps = await addRecipients(f, [ALICE]);
  const svc = new DirectoryService(f.db, f.trail, clock);
  coordinatorId = (
    await svc.addMember(
      {
        rpps: rppsOf(50),
        matrixId: COORD,
        professionCode: "10",
        name: "Coordination",
        roles: ["coordinator"],
      },
      "cli:test",
    )
  ).member.id;
  // A coordinator without a Matrix account is skipped, not an error.
  await svc.addMember(
    { rpps: rppsOf(51), professionCode: "10", name: "Sans Compte", roles: ["coordinator"] },
    "cli:test",
  );
}, 60_000);
afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});
beforeEach(async () => {
  // Each test starts with nothing awaiting acknowledgement.
  await f.db
    .knex("transfers")
    .whereIn("state", ["queued", "sent", "delivered", "read"])
    .update({ state: "failed" });
});

async function sent(kind: "discharge" | "admission" = "discharge", t = new RecordingTransport()) {
  const c = await createTransfer(f.deps, { sheet: exampleSheet(kind), to: [rpps[0]!], actor: "cli:test" });
  await new OutboxWorker(f.deps, t).runOnce();
  return { c, t, status: await transferStatus(f.db.knex, c.transferId) };
}

describe("escalation scheduler", () => {
  it("reminds the room and tells the coordinator in their own room, once per delay, with idempotent txn ids", async () => {
    const { c, t, status } = await sent();
    const s = new EscalationScheduler(f.deps, t);
    clock.advance(23 * HOUR);
    expect(await s.runOnce()).toBe(0);
    clock.advance(HOUR);
    expect(await s.runOnce()).toBe(1);
    const reminder = t.notices.get(`passerelle.${c.transferId}.reminder.1`);
    expect(reminder).toMatchObject({
      roomId: status.transfer.roomId,
      expected: [ALICE],
      notice: { sheetEventId: status.transfer.sheetEventId },
    });
    expect(reminder?.notice.bodyFr).toContain(`réf. ${transferReference("discharge", c.transferId)}`);
    expect(reminder?.notice.bodyFr).toContain("depuis 24 h");
    const notice = t.notices.get(`passerelle.${c.transferId}.escalation.1.${String(coordinatorId)}`);
    const coordRoom = t.rooms.find((r) => r.invite.join() === COORD);
    expect(coordRoom?.reference).toMatch(/^[0-9A-F]{10}$/); // neutral name, no patient data in state
    expect(notice).toMatchObject({
      roomId: coordRoom?.roomId,
      expected: [COORD],
      notice: { escalation: { transfer_id: c.transferId, delay_hours: 24 } },
    });
    expect(notice?.notice.bodyFr).toBe(
      `Relance Passerelle : la transmission réf. ${transferReference("discharge", c.transferId)} est sans accusé de réception depuis 24 h. Un rappel a été envoyé dans son salon.`,
    );
    for (const n of t.notices.values()) {
      expect(JSON.stringify(n.notice)).not.toContain(INS);
      expect(JSON.stringify(n.notice)).not.toContain(NAME);
    }
    // Escalated once: not again until another full delay.
    expect(await s.runOnce()).toBe(0);
    clock.advance(23 * HOUR);
    expect(await s.runOnce()).toBe(0);
    expect(t.noticeCalls).toHaveLength(2);
    clock.advance(HOUR);
    expect(await s.runOnce()).toBe(1);
    expect(t.notices.has(`passerelle.${c.transferId}.reminder.2`)).toBe(true);
    expect(t.rooms.filter((r) => r.invite.join() === COORD)).toHaveLength(1); // the coordinator's room is reused
    const audit = (await f.db
      .knex("audit_entries")
      .where({ transfer_id: c.transferId, action: "transfer.escalated" })
      .orderBy("seq")) as { room_id: string; event_id: string; member_id: string | null; reason: string }[];
    expect(audit).toHaveLength(4);
    expect(audit[0]).toMatchObject({
      room_id: status.transfer.roomId,
      event_id: reminder?.eventId,
      member_id: null,
    });
    expect(audit[1]).toMatchObject({
      room_id: coordRoom?.roomId,
      event_id: notice?.eventId,
      member_id: `rpps:${rppsOf(50)}`,
    });
    expect(audit.every((a) => a.reason === "escalation.overdue")).toBe(true);
    const { transfer, events } = await transferStatus(f.db.knex, c.transferId);
    expect(transfer.escalations).toBe(2);
    expect(events.filter((e) => e.step === "escalated")).toHaveLength(2);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it("leaves acknowledged sheets alone; other kinds wait 72 h by default; delays are configurable", async () => {
    const acked = await sent();
    await recordAcknowledgement(f.deps, { transferId: acked.c.transferId }, ALICE, clock.now(), "$ack1");
    const admission = await sent("admission", acked.t);
    const s = new EscalationScheduler(f.deps, acked.t);
    clock.advance(71 * HOUR);
    expect(await s.runOnce()).toBe(0);
    clock.advance(HOUR);
    expect(await s.runOnce()).toBe(1);
    expect([...acked.t.notices.keys()].some((k) => k.includes(acked.c.transferId))).toBe(false);
    expect(acked.t.notices.has(`passerelle.${admission.c.transferId}.reminder.1`)).toBe(true);

    const quick = await sent();
    const fast = new EscalationScheduler(f.deps, quick.t, {
      delays: { byKind: { discharge: 0.5 }, defaultHours: 72 },
    });
    clock.advance(HOUR / 2);
    expect(await fast.runOnce()).toBe(1);
  });

  it("a failed send is not recorded and is retried next time with the same transaction id", async () => {
    const { c, t } = await sent();
    const errors: string[] = [];
    const s = new EscalationScheduler(f.deps, t, { onError: (id, reason) => errors.push(`${id}:${reason}`) });
    clock.advance(25 * HOUR);
    t.failNextNotices = 1;
    expect(await s.runOnce()).toBe(0);
    expect(errors).toEqual([`${c.transferId}:matrix.unreachable`]);
    expect((await transferStatus(f.db.knex, c.transferId)).transfer.escalations).toBe(0);
    // The coordinator's notice was sent but not recorded: a crash here re-sends the same txn ids.
    t.failNextNotices = 0;
    expect(await s.runOnce()).toBe(1);
    const txn = `passerelle.${c.transferId}.reminder.1`;
    expect(t.noticeCalls.filter((x) => x === txn)).toHaveLength(2);
    expect([...t.notices.keys()].filter((x) => x === txn)).toHaveLength(1);
    expect((await transferStatus(f.db.knex, c.transferId)).transfer.escalations).toBe(1);
  });

  it("runs on its interval with the injected clock until stopped", async () => {
    const { c, t } = await sent();
    const s = new EscalationScheduler(f.deps, t, { intervalMs: 20 });
    s.start();
    try {
      await new Promise((r) => setTimeout(r, 100));
      expect(t.notices.has(`passerelle.${c.transferId}.reminder.1`)).toBe(false);
      clock.advance(25 * HOUR);
      await waitFor(
        "escalated by the running scheduler",
        () => (t.notices.has(`passerelle.${c.transferId}.reminder.1`) ? true : undefined),
        5000,
      );
    } finally {
      await s.stop();
    }
    const calls = t.noticeCalls.length;
    clock.advance(25 * HOUR);
    await new Promise((r) => setTimeout(r, 100));
    expect(t.noticeCalls.length).toBe(calls);
  });
});
