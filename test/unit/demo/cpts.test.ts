import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAuditTrail } from "../../../src/audit/index.ts";
import type { AuditTrail } from "../../../src/audit/index.ts";
import { DEMO_HOSPITAL, DEMO_MEMBERS, seedDemoCpts } from "../../../src/demo/cpts.ts";
import { DirectoryService } from "../../../src/directory/index.ts";
import { checkIdentifier } from "../../../src/forms/index.ts";
import type { Database } from "../../../src/storage/index.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { testConfig } from "../../helpers/config.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

let db: Database;
let trail: AuditTrail;
let cleanup: () => Promise<void>;
beforeAll(async () => {
  const t = await tempDir();
  cleanup = t.cleanup;
  const config = testConfig(t.dir);
  db = await openDatabase(config.database, MIGRATIONS);
  trail = await openAuditTrail(config, db);
});
afterAll(async () => {
  await trail.close();
  await db.close();
  await cleanup();
});

describe("demo CPTS", () => {
  it("uses fictional practitioners with valid RPPS keys", () => {
    for (const m of DEMO_MEMBERS) {
      expect(m.rpps.startsWith("999")).toBe(true);
      expect(checkIdentifier("rpps", m.rpps).ok).toBe(true);
    }
  });

  it("seeds a hospital with two units and the city team, idempotently, with Matrix ids and roles", async () => {
    const directory = new DirectoryService(db, trail);
    const mxid = (m: { localpart: string }) => `@${m.localpart}:localhost`;
    await seedDemoCpts(directory, mxid);
    await seedDemoCpts(directory, mxid);
    const repo = directory.repository;
    const hospital = await repo.findStructure({ finess: DEMO_HOSPITAL.finess });
    expect((await repo.childStructures(hospital!.id)).map((s) => s.name)).toEqual([
      "Médecine gériatrique",
      "Cardiologie",
    ]);
    expect(await repo.countMembers()).toBe(DEMO_MEMBERS.length);
    const cardiologist = await repo.findByMatrixId("@dr.roussel:localhost");
    expect(cardiologist?.roles).toContain("specialist");
    expect(cardiologist?.structureId).toBeDefined();
    expect((await trail.verify()).ok).toBe(true);
  });
});
