/** `bin/passerelle adt unit / indicator / messages / refused` in-process on a real sqlite file. */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { adtUnit, storeRefused } from "../../../src/adt/index.ts";
import { runCli } from "../../../src/cli/index.ts";
import { systemClock } from "../../../src/core/index.ts";
import { addStructure } from "../../../src/directory/index.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { captureIo } from "../../helpers/io.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture } from "../../helpers/transfers-fixture.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

let tmp: { dir: string; cleanup: () => Promise<void> };
const cli = async (...argv: string[]) => {
  const io = captureIo(tmp.dir, { PASSERELLE_DATA_DIR: tmp.dir });
  return { code: await runCli(argv, io), io };
};
beforeEach(async () => {
  tmp = await tempDir("passerelle-adt-cli-");
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("adt commands", () => {
  it("adt unit saves what the notices print; bad values exit 1 naming the field", async () => {
    const ok = await cli(
      "adt",
      "unit",
      "--facility",
      "699990016",
      "--unit",
      "3B",
      "--name",
      "Gériatrie 3B",
      "--phone",
      "04 72 00 31 10",
    );
    expect(ok.code, ok.io.text()).toBe(0);
    const db = await openDatabase({ engine: "sqlite", filename: `${tmp.dir}/passerelle.sqlite` }, MIGRATIONS);
    try {
      expect(await adtUnit(db.knex, "699990016", "3B")).toEqual({
        facility: "699990016",
        unit: "3B",
        name: "Gériatrie 3B",
        phone: "04 72 00 31 10",
      });
    } finally {
      await db.close();
    }
    const bad = await cli("adt", "unit", "--facility", "699990017", "--unit", "3B", "--name", "X");
    expect(bad.code).toBe(1);
    expect(bad.io.text()).toMatch(/facility/);
    expect((await cli("adt", "unit", "--unit", "3B")).code).toBe(2);
  });

  it("adt unit --structure names the unit's directory structure, which must be of kind unit", async () => {
    expect((await cli("adt", "unit", "--facility", "699990016", "--unit", "X", "--name", "X")).code).toBe(0);
    const db = await openDatabase({ engine: "sqlite", filename: `${tmp.dir}/passerelle.sqlite` }, MIGRATIONS);
    let hospital: number;
    let unit: number;
    try {
      hospital = (await addStructure(db, { kind: "hospital", name: "CH", finess: "699990016" }, systemClock))
        .id;
      unit = (await addStructure(db, { kind: "unit", name: "3B", parentId: hospital }, systemClock)).id;
    } finally {
      await db.close();
    }
    const args = ["adt", "unit", "--facility", "699990016", "--unit", "3B", "--name", "Gériatrie 3B"];
    const ok = await cli(...args, "--structure", String(unit));
    expect(ok.code, ok.io.text()).toBe(0);
    for (const bad of [String(hospital), "999", "0", "abc"]) {
      const r = await cli(...args, "--structure", bad);
      expect(r.code, bad).toBe(1);
      expect(r.io.text()).toMatch(/structure/);
    }
    const check = await openDatabase(
      { engine: "sqlite", filename: `${tmp.dir}/passerelle.sqlite` },
      MIGRATIONS,
    );
    try {
      expect(await adtUnit(check.knex, "699990016", "3B")).toMatchObject({ structureId: unit });
    } finally {
      await check.close();
    }
  });

  it("adt indicator and messages on an empty feed", async () => {
    const r = await cli("adt", "indicator", "--from", "2026-03-01", "--to", "2026-03-31", "--json");
    expect(r.code).toBe(0);
    expect(JSON.parse(r.io.stdout[0]!)).toEqual({ discharges: 0, sameDay: 0, missing: 0, pending: 0 });
    expect((await cli("adt", "indicator", "--from", "March")).code).toBe(1);
    expect((await cli("adt", "messages")).io.stdout).toEqual(["none"]);
    expect((await cli("adt", "refused")).io.stdout).toEqual(["none"]);
  });

  it("adt refused lists the refused frames kept for review: codes and ids, never their content", async () => {
    const f = await openFixture(tmp.dir);
    try {
      await storeRefused(
        f.deps,
        {
          raw: Buffer.from("MSH|^~\\&|SIH|CHV|||||ADT^A01|C-9|P|2.5\rPID|||248037511204721"),
          ack: "AE",
          reason: "pid5.missing",
          location: "PID^1^5",
          sender: "SIH/CHV",
          controlId: "C-9",
          trigger: "A01",
        },
        "cli:test",
      );
    } finally {
      await f.close();
    }
    const r = await cli("adt", "refused", "--json");
    expect(r.code, r.io.text()).toBe(0);
    expect(JSON.parse(r.io.stdout[0]!)).toMatchObject([
      {
        ack: "AE",
        reason: "pid5.missing",
        location: "PID^1^5",
        sender: "SIH/CHV",
        controlId: "C-9",
        trigger: "A01",
      },
    ]);
    expect(r.io.text()).not.toContain("248037511204721");
    expect((await cli("adt", "refused", "--limit", "0")).code).toBe(1);
  });
});
