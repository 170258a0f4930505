/**
 * Who is told when a discharge letter is missing (the same-day check, `checkSameDayLetters`), on
 * sqlite and a real PostgreSQL, without Matrix: the recipients are read back from the transfers
 * tables. A unit with a directory structure: its staff (role recipient) in the unit's transfer,
 * the CPTS coordinators (role coordinator, active, with a Matrix id) in a second one. A unit with
 * only a correspondent: one transfer to the correspondent and the coordinators.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AdtEvent } from "../../../src/adt/index.ts";
import { AdtProcessor, checkSameDayLetters, receiveAdtJson, setAdtUnit } from "../../../src/adt/index.ts";
import { DirectoryService } from "../../../src/directory/index.ts";
import { TransferRepository, transferStatus } from "../../../src/transfers/index.ts";
import { insOf } from "../../helpers/adt.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { engines } from "../postgres.ts";
import { openFixture, rppsOf, type TransferFixture } from "../../helpers/transfers-fixture.ts";

const FACILITY = "699990016";
const discharge = (controlId: string, unit: string, visit: string, n: number): AdtEvent => ({
  trigger: "A03",
  controlId,
  sender: "SIH_VALMONT/CH VALMONT",
  occurredAt: "2026-03-09T11:30:00+01:00",
  patient: { ins: insOf(n), lastName: "MARCHAL", firstNames: "Odette", birthDate: "1948-03-12" },
  stay: {
    facility: FACILITY,
    facilityName: "CH VALMONT",
    visit,
    unit,
    admittedAt: "2026-03-02T10:15:00+01:00",
    dischargedAt: "2026-03-09T11:30:00+01:00",
  },
});

describe.each(engines())("missing discharge letter: who is told, on $name", (engine) => {
  let tmp: { dir: string; cleanup: () => Promise<void> };
  let f: TransferFixture;
  let now = new Date("2026-03-09T12:00:00+01:00");
  let unitId: number;
  let emptyUnitId: number;
  const ids: Record<string, number> = {};

  /** Matrix ids of a transfer's recipients (sorted), from transfer_recipients. */
  const recipientsOf = async (id: string): Promise<string[]> =>
    (await transferStatus(f.db.knex, id)).recipients.map((r) => r.matrixId).sort();
  const statusOf = async (id: string): Promise<unknown> =>
    ((await new TransferRepository(f.db.knex).payload(id))?.data as { notice?: { status?: string } }).notice
      ?.status;

  beforeAll(async () => {
    await engine.setup();
    tmp = await tempDir("passerelle-adt-missing-");
    f = await openFixture(tmp.dir, { database: await engine.fresh(), clock: { now: () => now } });
    const directory = new DirectoryService(f.db, f.trail);
    const hospital = await directory.addStructure({ kind: "hospital", name: "CH Valmont", finess: FACILITY });
    unitId = (await directory.addStructure({ kind: "unit", name: "Unité 3B", parentId: hospital.id })).id;
    emptyUnitId = (await directory.addStructure({ kind: "unit", name: "Unité 5D", parentId: hospital.id }))
      .id;
    const add = (n: number, roles: string[], matrixId?: string, structureId?: number) =>
      directory.addMember(
        {
          rpps: rppsOf(n),
          ...(matrixId === undefined ? {} : { matrixId }),
          professionCode: "10",
          name: `Docteur Test ${n}`,
          roles,
          ...(structureId === undefined ? {} : { structureId }),
        },
        "cli:test",
      );
    await add(11, ["recipient"], "@staff1:test.local", unitId);
    await add(12, ["recipient"], "@staff2:test.local", unitId);
    await add(13, ["sender"], "@clerk:test.local", unitId); // in the unit, not a recipient
    await add(21, ["coordinator"], "@coord:test.local");
    await add(22, ["coordinator"]); // no Matrix account: cannot be told
    await add(23, ["coordinator"], "@coordleft:test.local");
    await directory.removeMember(rppsOf(23), "cli:test"); // no longer active
    await add(31, ["recipient"], "@corr:test.local");
    await add(32, ["recipient"], "@corr4c:test.local");
    // 3B: a structure (which wins over its correspondent); 4C: only a correspondent
    await setAdtUnit(f.db.knex, {
      facility: FACILITY,
      unit: "3B",
      name: "Médecine gériatrique — unité 3B",
      contactRpps: rppsOf(31),
      structureId: unitId,
    });
    await setAdtUnit(f.db.knex, {
      facility: FACILITY,
      unit: "4C",
      name: "Cardiologie — unité 4C",
      contactRpps: rppsOf(32),
    });
    // 5D: a structure with nobody to receive (a directory not yet filled in), and a correspondent
    await setAdtUnit(f.db.knex, {
      facility: FACILITY,
      unit: "5D",
      name: "Pneumologie — unité 5D",
      contactRpps: rppsOf(31),
      structureId: emptyUnitId,
    });
    // 6E: its correspondent has no Matrix account
    await setAdtUnit(f.db.knex, {
      facility: FACILITY,
      unit: "6E",
      name: "Unité 6E",
      contactRpps: rppsOf(22),
    });
    for (const [key, unit, visit, n] of [
      ["3B", "3B", "V-3B", 1],
      ["4C", "4C", "V-4C", 2],
      ["5D", "5D", "V-5D", 3],
      ["6E", "6E", "V-6E", 4],
    ] as const) {
      ids[key] = (await receiveAdtJson(f.deps, discharge(`C-${key}`, unit, visit, n), "api:test")).messageId;
    }
    await new AdtProcessor(f.deps).runOnce();
    // every A03 processed, even for the units that cannot be reached in their room
    expect(await f.db.knex("adt_messages").whereNot({ state: "processed" }).pluck("id")).toEqual([]);
    expect(await checkSameDayLetters(f.deps)).toEqual({ onTime: 0, missing: 0 });
    now = new Date("2026-03-10T00:05:00+01:00");
    expect(await checkSameDayLetters(f.deps)).toEqual({ onTime: 0, missing: 4 });
  });
  afterAll(async () => {
    await f.close();
    await tmp.cleanup();
    await engine.teardown();
  });

  it("a unit with a structure: its staff (role recipient) in the unit's notice, the coordinators in another", async () => {
    const id = `adt-${String(ids["3B"])}-missing`;
    const unitNotice = await transferStatus(f.db.knex, id);
    expect(unitNotice.transfer.form).toBe("discharge-notice@1");
    expect(unitNotice.links.unitId).toBe(unitId);
    expect(await statusOf(id)).toBe("letterMissing");
    expect(await recipientsOf(id)).toEqual(["@staff1:test.local", "@staff2:test.local"]);
    expect(await recipientsOf(`${id}-cpts`)).toEqual(["@coord:test.local"]);
    expect(await statusOf(`${id}-cpts`)).toBe("letterMissing");
    expect((await transferStatus(f.db.knex, `${id}-cpts`)).links.unitId).toBeUndefined();
  });

  it("a unit with only a correspondent: one notice to the correspondent and the coordinators", async () => {
    const id = `adt-${String(ids["4C"])}-missing`;
    expect(await statusOf(id)).toBe("letterMissing");
    expect(await recipientsOf(id)).toEqual(["@coord:test.local", "@corr4c:test.local"]);
    const cpts: unknown = await f.db
      .knex("transfers")
      .where({ id: `${id}-cpts` })
      .first("id");
    expect(cpts).toBeUndefined();
  });

  it("a unit whose structure has no recipient: reminded through its correspondent, who is told with the coordinators", async () => {
    expect(await recipientsOf(`adt-${String(ids["5D"])}-reminder`)).toEqual(["@corr:test.local"]);
    const id = `adt-${String(ids["5D"])}-missing`;
    expect(await recipientsOf(id)).toEqual(["@coord:test.local", "@corr:test.local"]);
    expect(await statusOf(id)).toBe("letterMissing");
  });

  it("a unit whose correspondent cannot be reached: no reminder, the coordinators are still told", async () => {
    const reminder: unknown = await f.db
      .knex("transfers")
      .where({ id: `adt-${String(ids["6E"])}-reminder` })
      .first("id");
    expect(reminder).toBeUndefined();
    expect(await recipientsOf(`adt-${String(ids["6E"])}-missing`)).toEqual(["@coord:test.local"]);
  });

  it("checked again: nothing new is decided or sent", async () => {
    const before = await f.db.knex("transfers").count({ n: "*" }).first();
    expect(await checkSameDayLetters(f.deps)).toEqual({ onTime: 0, missing: 0 });
    expect(await f.db.knex("transfers").count({ n: "*" }).first()).toEqual(before);
  });
});
