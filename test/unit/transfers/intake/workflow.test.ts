/** The transfer workflow on sqlite with a recording transport: creation, outbox, leases, receipts, escalation. */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { accessRequest } from "../../../../src/audit/index.ts";
import { fixedClock } from "../../../../src/core/index.ts";
import { claimDue } from "../../../../src/transfers/outbox/claim.ts";
import {
  createTransfer,
  OutboxWorker,
  recordAcknowledgement,
  TransferRepository,
  transferStatus,
} from "../../../../src/transfers/index.ts";
import { findOverdue, markEscalated } from "../../../../src/transfers/escalation/overdue.ts";
import { recordDelivery, recordRead } from "../../../../src/transfers/evidence/receipts.ts";
import { recordSent } from "../../../../src/transfers/outbox/outcome.ts";
import { tempDir } from "../../../helpers/tmp.ts";
import { exampleSheet } from "../../../helpers/sheets.ts";
import {
  addRecipients,
  openFixture,
  rppsOf,
  type TransferFixture,
} from "../../../helpers/transfers-fixture.ts";
import { RecordingTransport } from "../../../helpers/recording-transport.ts";

const clock = fixedClock("2026-03-02T08:00:00Z");
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let rpps: string[];
const ALICE = "@alice:test";
const BOB = "@bob:test";
const sheet = exampleSheet("discharge");
const INS = String(sheet.data.patient?.ins);

beforeAll(async () => {
  tmp = await tempDir("passerelle-transfers-unit-");
  f = await openFixture(tmp.dir, { clock });
  rpps = await addRecipients(f, [ALICE, BOB, "@carol:test"]);
}, 60_000);
afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});

const send = (to: string[]) => createTransfer(f.deps, { sheet, to, actor: "cli:test" });
const worker = (t: RecordingTransport, o = {}) =>
  new OutboxWorker(f.deps, t, { maxAttempts: 3, backoffBaseMs: 1000, backoffMaxMs: 4000, ...o });

describe("createTransfer", () => {
  it("stores the transfer, recipients and history as queued, with four audit entries, in one go", async () => {
    const c = await send([rpps[0]!]);
    const s = await transferStatus(f.db.knex, c.transferId);
    expect(s.transfer).toMatchObject({
      state: "queued",
      form: "discharge@1",
      kind: "discharge",
      attempts: 0,
    });
    expect(s.recipients).toEqual([
      expect.objectContaining({ matrixId: ALICE, memberRef: `rpps:${rpps[0]!}` }),
    ]);
    expect(s.events.map((e) => e.step)).toEqual(["created", "queued"]);
    const audit = await f.db.knex("audit_entries").where("transfer_id", c.transferId).orderBy("seq");
    expect(audit.map((a: { action: string }) => a.action)).toEqual([
      "transfer.created",
      "transfer.validated",
      "transfer.signed",
      "transfer.queued",
    ]);
    expect(
      audit.every(
        (a: { pdf_sha256: string; patient_ref: string }) =>
          a.pdf_sha256 === c.pdfSha256 && a.patient_ref === c.patientRef,
      ),
    ).toBe(true);
    // The RGPD access request finds it; the INS is only in the signed PDF and the JSON payload.
    const report = await accessRequest(f.db.knex, c.patientRef);
    expect(report.transfers.map((t) => t.transfer)).toContain(c.transferId);
    const row = (await f.db.knex("transfers").where("id", c.transferId).first()) as Record<string, unknown>;
    const { pdf: _pdf, payload_json: payload, ...rest } = row;
    expect(JSON.stringify(rest)).not.toContain(INS);
    expect(JSON.stringify(payload)).toContain(INS);
    expect(
      (await new TransferRepository(f.db.knex).payload(c.transferId))?.pdf.subarray(0, 5).toString(),
    ).toBe("%PDF-");
  });

  it("refuses a recipient unknown to the directory: nothing stored, audited as failed", async () => {
    const before = await f.db.knex("transfers").count({ n: "*" }).first();
    const unknown = rppsOf(99);
    const err = await send([rpps[0]!, unknown]).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "NOT_FOUND", message: expect.stringContaining("to[1]") as unknown });
    expect((err as Error).message).not.toContain(INS);
    expect(await f.db.knex("transfers").count({ n: "*" }).first()).toEqual(before);
    const last = await f.db.knex("audit_entries").orderBy("seq", "desc").first();
    expect(last).toMatchObject({
      action: "transfer.failed",
      outcome: "failure",
      reason: "recipient.unknown",
      member_id: `rpps:${unknown}`,
    });
  });

  it("rejects a bad RPPS and an invalid sheet, naming the field", async () => {
    await expect(send(["123"])).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path: "to[0]" })],
    });
    const bad = exampleSheet("discharge");
    bad.data.patient!.ins = "123";
    await expect(
      createTransfer(f.deps, { sheet: bad, to: [rpps[0]!], actor: "cli:test" }),
    ).rejects.toMatchObject({ code: "VALIDATION_FAILED" });
  });
});

describe("outbox worker", () => {
  it("sends queued transfers: one room per context, reused; state sent with event ids; audit verifies", async () => {
    await f.db.knex("transfers").where("state", "queued").update({ state: "failed" }); // earlier tests' leftovers
    const t = new RecordingTransport();
    const a = await send([rpps[0]!]);
    const b = await send([rpps[0]!]);
    const c = await send([rpps[0]!, rpps[1]!]);
    expect(await worker(t).runOnce()).toBe(3);
    expect(t.rooms).toHaveLength(2);
    expect(t.rooms.every((r) => /^[0-9A-F]{10}$/.test(r.reference))).toBe(true);
    const rooms = await Promise.all(
      [a, b, c].map(async (x) => (await transferStatus(f.db.knex, x.transferId)).transfer.roomId),
    );
    expect(rooms[0]).toBe(rooms[1]);
    expect(rooms[2]).not.toBe(rooms[0]);
    const s = await transferStatus(f.db.knex, a.transferId);
    expect(s.transfer.state).toBe("sent");
    expect(s.events.at(-1)).toMatchObject({ step: "sent", matrixEventId: s.transfer.sheetEventId });
    expect(t.sends.find((x) => x.sheet.transferId === c.transferId)?.expected.sort()).toEqual([ALICE, BOB]);
    // The caption names the patient (it is encrypted) but never the INS; the file name is ASCII.
    const first = t.sends[0]!.sheet;
    expect(first.caption.body).not.toContain(INS);
    expect(first.caption.body).toContain("MARCHAL Odette, née le 12/03/1948");
    expect(first.filename).toBe("lettre-de-sortie-MARCHAL-2026-01-16.pdf");
    expect(first.reference).toMatch(/^LDL-[0-9A-Z]{4}-[0-9A-Z]{3}$/);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it("retries with backoff, then fails after the last attempt; each audited", async () => {
    const t = new RecordingTransport();
    const w = worker(t);
    const ok = await send([rpps[0]!]);
    t.failNext = 2;
    await w.runOnce();
    expect((await transferStatus(f.db.knex, ok.transferId)).transfer).toMatchObject({
      state: "queued",
      attempts: 1,
      lastReason: "matrix.unreachable",
    });
    expect(await w.runOnce()).toBe(0); // not due yet
    clock.advance(5000);
    await w.runOnce();
    clock.advance(5000);
    await w.runOnce();
    const s = await transferStatus(f.db.knex, ok.transferId);
    expect(s.transfer.state).toBe("sent");
    expect(s.events.map((e) => e.step)).toEqual(["created", "queued", "retried", "retried", "sent"]);

    const doomed = await send([rpps[0]!]);
    t.failNext = 10;
    for (let i = 0; i < 3; i++) {
      await w.runOnce();
      clock.advance(5000);
    }
    expect((await transferStatus(f.db.knex, doomed.transferId)).transfer.state).toBe("failed");
    const actions = (
      await f.db.knex("audit_entries").where("transfer_id", doomed.transferId).orderBy("seq")
    ).map((r: { action: string }) => r.action);
    expect(actions.slice(-3)).toEqual(["transfer.retried", "transfer.retried", "transfer.failed"]);
  });

  it("leases: a claimed transfer is not claimed again until its lease expires; the loser's write is fenced", async () => {
    const x = await send([rpps[0]!]);
    const first = await claimDue(f.db, "A.1", clock.now(), 10_000, 10);
    expect(first.map((r) => r.id)).toContain(x.transferId);
    expect(await claimDue(f.db, "B.1", clock.now(), 10_000, 10)).toEqual([]);
    clock.advance(11_000); // A crashed
    const second = await claimDue(f.db, "B.2", clock.now(), 10_000, 10);
    expect(second.map((r) => r.id)).toEqual([x.transferId]);
    const sent = {
      eventId: "$s",
      pdfSha256: x.pdfSha256,
      contentUri: "mxc://t/1",
    };
    expect(
      await recordSent(
        f.deps,
        first.find((r) => r.id === x.transferId)!,
        "A.1",
        "!r:test",
        sent,
      ),
    ).toBe(false);
    expect(await recordSent(f.deps, second[0]!, "B.2", "!r:test", sent)).toBe(true);
  });
});

describe("receipts and escalation", () => {
  it("delivery, read and acknowledgement by a recipient move the state forward; others are ignored and audited", async () => {
    const t = new RecordingTransport();
    const x = await send([rpps[0]!, rpps[1]!]);
    await worker(t).runOnce();
    const { transfer } = await transferStatus(f.db.knex, x.transferId);
    const at = clock.now();
    expect(await recordDelivery(f.deps, { eventId: transfer.sheetEventId! }, ALICE, at)).toBe("recorded");
    expect(await recordRead(f.deps, { transferId: x.transferId }, BOB, at, "$r1")).toBe("recorded");
    expect(await recordDelivery(f.deps, { transferId: x.transferId }, BOB, at)).toBe("recorded"); // state stays read
    expect((await transferStatus(f.db.knex, x.transferId)).transfer.state).toBe("read");
    expect(await recordAcknowledgement(f.deps, { transferId: x.transferId }, "@carol:test", at, "$a0")).toBe(
      "ignored",
    );
    expect(
      await recordAcknowledgement(f.deps, { transferId: x.transferId }, "@mallory:test", at, "$a1"),
    ).toBe("ignored");
    expect(await recordAcknowledgement(f.deps, { transferId: x.transferId }, ALICE, at, "$a2")).toBe(
      "recorded",
    );
    expect(await recordAcknowledgement(f.deps, { transferId: x.transferId }, ALICE, at, "$a3")).toBe(
      "duplicate",
    );
    const s = await transferStatus(f.db.knex, x.transferId);
    expect(s.transfer.state).toBe("acknowledged");
    expect(s.recipients.find((r) => r.matrixId === ALICE)?.acknowledgedAt).toBe(at.toISOString());
    const ignored = await f.db.knex("audit_entries").where({ transfer_id: x.transferId, outcome: "failure" });
    expect(ignored.map((r: { reason: string }) => r.reason)).toEqual(["not_recipient", "not_recipient"]);
    expect(s.events.at(-1)).toMatchObject({
      step: "acknowledged",
      matrixEventId: "$a2",
      memberRef: `rpps:${rpps[0]!}`,
    });
  });

  it("findOverdue: discharge sheets unacknowledged after 24 h; marked escalated once per delay", async () => {
    await f.db
      .knex("transfers")
      .whereIn("state", ["sent", "delivered", "read"])
      .update({ state: "acknowledged" });
    const t = new RecordingTransport();
    const x = await send([rpps[0]!]);
    await worker(t).runOnce();
    clock.advance(23 * 3_600_000);
    expect(await findOverdue(f.deps, clock.now())).toEqual([]);
    clock.advance(2 * 3_600_000);
    const overdue = await findOverdue(f.deps, clock.now());
    expect(overdue.map((o) => o.id)).toEqual([x.transferId]);
    await markEscalated(f.deps, overdue[0]!, clock.now());
    expect(await findOverdue(f.deps, clock.now())).toEqual([]);
    expect(await findOverdue(f.deps, clock.now(), { byKind: {}, defaultHours: 1 })).toEqual([]);
    clock.advance(2 * 3_600_000);
    expect(
      (await findOverdue(f.deps, clock.now(), { byKind: {}, defaultHours: 1 })).map((o) => o.id),
    ).toEqual([x.transferId]);
    expect((await transferStatus(f.db.knex, x.transferId)).events.at(-1)).toMatchObject({
      step: "escalated",
    });
    expect((await f.trail.verify()).ok).toBe(true);
  });
});
