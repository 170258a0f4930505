/**
 * Escalation, unit admissions and tele-expertise answers on sqlite and PostgreSQL (a recording
 * transport stands in for Matrix, which transfers/escalation.test.ts covers): the queries, the
 * fences against a second scheduler or a second answer, and the migration's unique `in_reply_to`.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../src/core/index.ts";
import { addStructure, DirectoryService } from "../../../src/directory/index.ts";
import {
  answerTeleexpertise,
  createTransfer,
  EscalationScheduler,
  OutboxWorker,
  transferStatus,
} from "../../../src/transfers/index.ts";
import { findOverdue } from "../../../src/transfers/escalation/overdue.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { RecordingTransport } from "../../helpers/recording-transport.ts";
import { engines } from "../postgres.ts";
import { openFixture, rppsOf, type TransferFixture } from "../../helpers/transfers-fixture.ts";

const HOUR = 3_600_000;
const tele = exampleSheet("teleexpertise-request");
const REQUESTER = String(tele.data.requester?.rpps);
const EXPERT = String(tele.data.expert?.rpps);

describe.each(engines())("escalation and tele-expertise on $name", (engine) => {
  const clock = fixedClock("2026-03-03T08:00:00Z");
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let f: TransferFixture;
  let unitId: number;

  beforeAll(async () => {
    await engine.setup();
    tmp = await tempDir("passerelle-escalation-engines-");
    f = await openFixture(tmp.dir, { database: await engine.fresh(), clock });
    const svc = new DirectoryService(f.db, f.trail, clock);
    const hospital = await addStructure(f.db, { finess: "750712184", kind: "hospital", name: "CH" }, clock);
    unitId = (await addStructure(f.db, { kind: "unit", name: "Gériatrie", parentId: hospital.id }, clock)).id;
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
    await add(REQUESTER, "@gp:test", ["recipient"]);
    await add(EXPERT, "@derm:test", ["specialist"]);
    await add(rppsOf(1), "@nurse:test", ["recipient"], unitId);
    await add(rppsOf(2), "@clerk:test", ["sender"], unitId);
    await add(rppsOf(50), "@coord:test", ["coordinator"]);
  }, 120_000);
  afterAll(async () => {
    await f.close();
    await tmp.cleanup();
    await engine.teardown();
  });

  it("two schedulers looking at once escalate an overdue sheet once", async () => {
    const t = new RecordingTransport();
    const c = await createTransfer(f.deps, {
      sheet: exampleSheet("admission"),
      toUnit: { structureId: unitId },
      actor: "cli:test",
    });
    expect((await transferStatus(f.db.knex, c.transferId)).recipients.map((r) => r.matrixId)).toEqual([
      "@nurse:test",
    ]);
    await new OutboxWorker(f.deps, t).runOnce();
    clock.advance(73 * HOUR);
    const [a, b] = await Promise.all([
      new EscalationScheduler(f.deps, t).runOnce(),
      new EscalationScheduler(f.deps, t).runOnce(),
    ]);
    expect(a + b).toBe(1);
    const s = await transferStatus(f.db.knex, c.transferId);
    expect(s.transfer.escalations).toBe(1);
    expect(s.events.filter((e) => e.step === "escalated")).toHaveLength(1);
    // The reminder and the notice were posted once each (one transaction id each).
    expect([...t.notices.keys()].filter((k) => k.startsWith(`passerelle.${c.transferId}.`))).toHaveLength(2);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  it("two answers at once: one is stored, the other is refused; the deadline is tracked until then", async () => {
    const t = new RecordingTransport();
    const c = await createTransfer(f.deps, { sheet: tele, actor: "cli:test" });
    await new OutboxWorker(f.deps, t).runOnce();
    const due = new Date("2026-03-06T22:59:59.000Z");
    const ids = async (at: Date) => (await findOverdue(f.deps, at)).map((x) => x.id);
    clock.advance(due.getTime() - clock.now().getTime() - 1000);
    expect(await ids(clock.now())).not.toContain(c.transferId);
    clock.advance(1000);
    expect(await ids(clock.now())).toContain(c.transferId);
    const answer = { opinion: "Bénin.", consultationNeeded: false };
    const results = await Promise.allSettled([
      answerTeleexpertise(f.deps, c.transferId, answer, { rpps: EXPERT }),
      answerTeleexpertise(f.deps, c.transferId, answer, { matrixId: "@derm:test" }),
    ]);
    expect(results.filter((r) => r.status === "fulfilled")).toHaveLength(1);
    expect(results.find((r) => r.status === "rejected")?.reason).toMatchObject({ code: "CONFLICT" });
    const answers = await f.db.knex("transfers").where("in_reply_to", c.transferId);
    expect(answers).toHaveLength(1);
    expect((await transferStatus(f.db.knex, c.transferId)).transfer.state).toBe("answered");
    expect(await ids(clock.now())).not.toContain(c.transferId);
    expect((await f.trail.verify()).ok).toBe(true);
  });
});
