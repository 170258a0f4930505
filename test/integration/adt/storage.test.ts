/**
 * ADT intake and processing on both engines (sqlite and a real PostgreSQL), without Matrix: the
 * notices land in the outbox (queued), with a settable clock for the same-day letter check.
 * Duplicates (also two at once), A01 → admission notice, A03 → discharge notice and pending
 * indicator, the next day → missing (audited), A13 → withdrawal in the same transfer context,
 * objection → nothing queued.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdtEvent } from "../../../src/adt/index.ts";
import {
  AdtProcessor,
  acceptAdtEvent,
  checkSameDayLetters,
  receiveAdtJson,
  sameDayIndicator,
} from "../../../src/adt/index.ts";
import { CircleService } from "../../../src/circles/index.ts";
import { TransferRepository, transferStatus } from "../../../src/transfers/index.ts";
import { insOf, PATIENT } from "../../helpers/adt.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { engines } from "../postgres.ts";
import { addRecipients, openFixture, type TransferFixture } from "../../helpers/transfers-fixture.ts";

const event = (
  o: Partial<AdtEvent> & Pick<AdtEvent, "trigger" | "controlId">,
  ins: string = PATIENT.ins,
): AdtEvent => ({
  sender: "SIH_VALMONT/CH VALMONT",
  occurredAt: "2026-03-09T11:30:00+01:00",
  patient: { ins, lastName: "MARCHAL", firstNames: "Odette Marie", birthDate: "1948-03-12" },
  stay: {
    facility: "699990016",
    facilityName: "CH VALMONT",
    visit: "2026000123",
    unit: "3B",
    admittedAt: "2026-03-02T10:15:00+01:00",
    ...(o.trigger === "A03" ? { dischargedAt: "2026-03-09T11:30:00+01:00" } : {}),
  },
  ...o,
});

describe.each(engines())("ADT intake and notices on $name", (engine) => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let f: TransferFixture;
  let now = new Date("2026-03-09T12:00:00+01:00");
  let processor: AdtProcessor;
  let circles: CircleService;
  const count = async (table: string, where: Record<string, string>): Promise<number> =>
    Number(((await f.db.knex(table).where(where).count({ n: "*" }).first()) as { n: number | string }).n);

  beforeAll(async () => {
    await engine.setup();
    tmp = await tempDir("passerelle-adt-storage-");
    f = await openFixture(tmp.dir, { database: await engine.fresh(), clock: { now: () => now } });
    const rpps = await addRecipients(f, ["@a:test.local", "@b:test.local"]);
    circles = new CircleService(f.deps);
    for (const r of rpps) await circles.join({ ins: PATIENT.ins, rpps: r, source: "csv" }, "cli:test");
    processor = new AdtProcessor(f.deps);
  });
  afterAll(async () => {
    await f.close();
    await tmp.cleanup();
    await engine.teardown();
  });

  it("A01 → one admission notice queued for the circle; the same control id again (even twice at once) is a duplicate", async () => {
    const a01 = event({ trigger: "A01", controlId: "C-1", occurredAt: "2026-03-02T10:15:00+01:00" });
    const first = await receiveAdtJson(f.deps, a01, "api:test");
    expect(first.outcome).toBe("accepted");
    const again = await Promise.all([
      acceptAdtEvent(f.deps, a01, undefined, "api:test"),
      acceptAdtEvent(f.deps, a01, undefined, "api:test"),
    ]);
    expect(again.map((a) => a.outcome)).toEqual(["duplicate", "duplicate"]);
    const both = await Promise.all([
      acceptAdtEvent(f.deps, { ...a01, controlId: "C-RACE" }, undefined, "api:test"),
      acceptAdtEvent(f.deps, { ...a01, controlId: "C-RACE" }, undefined, "api:test"),
    ]);
    expect(both.map((a) => a.outcome).sort()).toEqual(["accepted", "duplicate"]);
    await processor.runOnce();
    const s = await transferStatus(f.db.knex, `adt-${first.messageId}-notice`);
    expect(s.transfer).toMatchObject({ form: "admission-notice@1", state: "queued" });
    expect(s.recipients).toHaveLength(2);
    expect(await count("adt_messages", { state: "pending" })).toBe(0);
  });

  it("A03 → discharge notice, indicator pending; the next day without a letter → missing, audited; A13 → withdrawal", async () => {
    const a03 = await receiveAdtJson(f.deps, event({ trigger: "A03", controlId: "C-3" }), "api:test");
    await processor.runOnce();
    const notice = (await transferStatus(f.db.knex, `adt-${a03.messageId}-notice`)).transfer;
    expect(notice.form).toBe("discharge-notice@1");
    expect(await sameDayIndicator(f, "2026-03-09", "2026-03-09")).toEqual({
      discharges: 1,
      sameDay: 0,
      missing: 0,
      pending: 1,
    });
    expect(await checkSameDayLetters(f.deps)).toEqual({ onTime: 0, missing: 0 });
    now = new Date("2026-03-10T00:05:00+01:00");
    expect(await checkSameDayLetters(f.deps)).toEqual({ onTime: 0, missing: 1 });
    expect(await sameDayIndicator(f, "2026-03-01", "2026-03-31")).toMatchObject({ missing: 1, rate: 0 });
    expect(await count("audit_entries", { action: "adt.letter_missing" })).toBe(1);
    const a13 = await receiveAdtJson(f.deps, event({ trigger: "A13", controlId: "C-13" }), "api:test");
    await processor.runOnce();
    const w = (await transferStatus(f.db.knex, `adt-${a13.messageId}-withdrawal`)).transfer;
    expect(w.contextKey).toBe(notice.contextKey);
    expect(await count("adt_stays", { letter_check: "cancelled" })).toBe(1);
  });

  it("A03 for a stay whose admission was never accepted (never received, refused, or cancelled by A11): « Sortie — admission non reçue », no admission date; A11 without a notice sends nothing", async () => {
    const repo = new TransferRepository(f.db.knex);
    const noticeOf = async (messageId: number, suffix = "notice") =>
      (await repo.payload(`adt-${messageId}-${suffix}`))?.data as
        { stay: Record<string, unknown>; notice: Record<string, unknown> } | undefined;
    // never received: no A01 for this visit (an A01 refused with AE never reaches adt_messages either)
    const stay = {
      facility: "699990016",
      visit: "V-NO-ADM",
      unit: "3B",
      admittedAt: "2026-03-02T10:15:00+01:00",
    };
    const a03 = await receiveAdtJson(
      f.deps,
      event({
        trigger: "A03",
        controlId: "C-NOADM-3",
        stay: { ...stay, dischargedAt: "2026-03-09T11:30:00+01:00" },
      }),
      "api:test",
    );
    await processor.runOnce();
    const unknown = await noticeOf(a03.messageId);
    expect(unknown?.notice).toEqual({ status: "admissionUnknown" });
    expect(unknown?.stay.admittedAt).toBeUndefined();
    expect(unknown?.stay.dischargedAt).toBe("2026-03-09T11:30:00+01:00");
    // an A11 for an admission no notice announced: nothing to withdraw, nothing sent
    const a11 = await receiveAdtJson(
      f.deps,
      event({ trigger: "A11", controlId: "C-NOADM-11", stay: { ...stay, visit: "V-NO-ADM-2" } }),
      "api:test",
    );
    await processor.runOnce();
    expect(await count("transfers", { id: `adt-${a11.messageId}-withdrawal` })).toBe(0);
    // admitted, then the admission cancelled (A11), then discharged: the admission is not known either
    const v3 = { ...stay, visit: "V-CANCELLED" };
    await receiveAdtJson(f.deps, event({ trigger: "A01", controlId: "C-CX-1", stay: v3 }), "api:test");
    await receiveAdtJson(f.deps, event({ trigger: "A11", controlId: "C-CX-11", stay: v3 }), "api:test");
    const cx3 = await receiveAdtJson(
      f.deps,
      event({
        trigger: "A03",
        controlId: "C-CX-3",
        stay: { ...v3, dischargedAt: "2026-03-09T11:30:00+01:00" },
      }),
      "api:test",
    );
    await processor.runOnce();
    expect((await noticeOf(cx3.messageId))?.notice).toEqual({ status: "admissionUnknown" });
    expect((await noticeOf(cx3.messageId))?.stay.admittedAt).toBeUndefined();
    // the known admission of the first test still gives an ordinary discharge notice with its date
    const known = await receiveAdtJson(f.deps, event({ trigger: "A03", controlId: "C-KNOWN-3" }), "api:test");
    await processor.runOnce();
    expect((await noticeOf(known.messageId))?.notice).toEqual({ status: "issued" });
    expect((await noticeOf(known.messageId))?.stay.admittedAt).toBe("2026-03-02T10:15:00+01:00");
  });

  it("a patient who objected: accepted, nothing queued, suppression audited; the chain verifies", async () => {
    const ins = insOf(3);
    await circles.join(
      { ins, rpps: (await addRecipients(f, ["@a:test.local"]))[0]!, source: "cli" },
      "cli:test",
    );
    await circles.recordObjection(ins, "cli", "cli:test");
    const a = await receiveAdtJson(
      f.deps,
      event(
        { trigger: "A01", controlId: "C-OBJ", stay: { facility: "699990016", visit: "V9", unit: "3B" } },
        ins,
      ),
      "api:test",
    );
    await processor.runOnce();
    expect(await count("transfers", { id: `adt-${a.messageId}-notice` })).toBe(0);
    expect(
      await count("audit_entries", { action: "circle.notice_suppressed", patient_ref: a.patientRef }),
    ).toBe(1);
    expect((await f.trail.verify()).ok).toBe(true);
  });
});
