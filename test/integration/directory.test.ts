import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditTrail } from "../../src/audit/index.ts";
import { openAuditTrail } from "../../src/audit/index.ts";
import { runCli } from "../../src/cli/index.ts";
import { loadConfig } from "../../src/config/index.ts";
import { DirectoryRepository, DirectoryService, importExtraction } from "../../src/directory/index.ts";
import type { Database } from "../../src/storage/index.ts";
import { openDatabase } from "../../src/storage/index.ts";
import {
  syntheticExtraction,
  syntheticHeader,
  syntheticLine,
  syntheticRpps,
} from "../helpers/directory-synthetic.ts";
import { captureIo, engines, envFor } from "./postgres.ts";
import { MIGRATIONS } from "../../src/migrations.ts";

const ACTOR = "cli:test";

describe.each(engines())("directory on $name", (engine) => {
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  async function hub(): Promise<{
    db: Database;
    trail: AuditTrail;
    env: Record<string, string>;
    dir: string;
  }> {
    const dir = mkdtempSync(join(tmpdir(), "passerelle-dir-"));
    dirs.push(dir);
    const env = envFor(await engine.fresh(), dir);
    const config = loadConfig(env, dir);
    const db = await openDatabase(config.database, MIGRATIONS);
    return { db, trail: await openAuditTrail(config, db), env, dir };
  }

  it("imports an extraction idempotently, audits each added or changed member", async () => {
    const { db, trail } = await hub();
    const csv = Buffer.from(syntheticExtraction(500));
    const progress: number[] = [];
    const first = await importExtraction(db, trail, csv, {
      actor: ACTOR,
      onProgress: (d) => progress.push(d),
    });
    expect(first).toMatchObject({
      imported: 500,
      inserted: 500,
      updated: 0,
      rejected: [],
      encoding: "utf-8",
    });
    expect(first.structures.inserted).toBeGreaterThan(0);
    expect(progress.at(-1)).toBe(500);
    const again = await importExtraction(db, trail, csv, { actor: ACTOR });
    expect(again).toMatchObject({ imported: 500, inserted: 0, updated: 0, unchanged: 500 });
    expect((await trail.head()).seq).toBe(500);

    const changed = [
      syntheticHeader(),
      ...Array.from({ length: 502 }, (_, i) =>
        syntheticLine(i, i === 3 ? { "Nom d'exercice": "NOUVEAU" } : {}),
      ),
    ];
    const third = await importExtraction(db, trail, Buffer.from(changed.join("\n")), { actor: ACTOR });
    expect(third).toMatchObject({ imported: 502, inserted: 2, updated: 1, unchanged: 499 });
    const actions: { action: string; member_id: string }[] = await db
      .knex("audit_entries")
      .where("seq", ">", 500)
      .select("action", "member_id");
    expect(actions).toContainEqual({ action: "member.changed", member_id: `rpps:${syntheticRpps(3)}` });
    expect(actions.filter((a) => a.action === "member.added")).toHaveLength(2);
    expect((await trail.verify()).ok).toBe(true);
    await db.close();
  });

  it("reports rejected rows with line and reason, and imports the others", async () => {
    const { db, trail } = await hub();
    const bad = syntheticRpps(2).slice(0, 10) + String((Number(syntheticRpps(2)[10]) + 3) % 10);
    const lines = [
      syntheticHeader(),
      syntheticLine(1),
      syntheticLine(2, { "Identifiant PP": bad }),
      syntheticLine(3, { "Identifiant PP": "1234" }),
      syntheticLine(4, { "Code profession": "77" }),
      syntheticLine(1),
      "garbage line without pipes",
      syntheticLine(5),
    ];
    const r = await importExtraction(db, trail, Buffer.from(lines.join("\r\n")), { actor: ACTOR });
    expect(r.imported).toBe(2);
    expect(r.rejected.map((x) => [x.line, x.rule])).toEqual([
      [3, "rpps.key"],
      [4, "rpps.length"],
      [5, "profession.unknown"],
      [6, "duplicate"],
      [7, "columns"],
    ]);
    expect(r.rejected[3]?.reason).toBe("duplicate RPPS (first on line 2)");
    await db.close();
  });

  it("reads Latin-1 exports", async () => {
    const { db, trail } = await hub();
    const text = [
      syntheticHeader(),
      syntheticLine(0, { "Nom d'exercice": "LEFÈVRE", "Prénom d'exercice": "Zoé" }),
    ].join("\n");
    const r = await importExtraction(db, trail, Buffer.from(text, "latin1"), { actor: ACTOR });
    expect(r).toMatchObject({ encoding: "latin-1", imported: 1 });
    const m = await new DirectoryRepository(db.knex).findByRpps(syntheticRpps(0));
    expect(m).toMatchObject({ lastName: "LEFÈVRE", firstName: "Zoé" });
    await db.close();
  });

  it("writes nothing when the import fails half-way", async () => {
    const { db, trail } = await hub();
    const failing = new Proxy(trail, {
      get(target, prop, receiver) {
        if (prop === "appendWithin") return () => Promise.reject(new Error("disk full"));
        const v: unknown = Reflect.get(target, prop, receiver);
        return typeof v === "function" ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    await expect(
      importExtraction(db, failing, Buffer.from(syntheticExtraction(300)), { actor: ACTOR }),
    ).rejects.toThrow();
    expect(await new DirectoryRepository(db.knex).countMembers()).toBe(0);
    expect(await db.knex("structures").count({ n: "*" }).first()).toMatchObject({ n: expect.anything() });
    expect(Number((await db.knex("structures").count({ n: "*" }).first())?.n)).toBe(0);
    expect((await trail.head()).seq).toBe(0);
    await db.close();
  });

  it("looks members up by RPPS, Matrix id, name prefix and profession within the territory", async () => {
    const { db, trail } = await hub();
    await importExtraction(db, trail, Buffer.from(syntheticExtraction(200)), { actor: ACTOR });
    const svc = new DirectoryService(db, trail);
    const repo = new DirectoryRepository(db.knex);
    await svc.addMember(
      {
        rpps: syntheticRpps(7),
        matrixId: "@dr.girard:hub.example",
        professionCode: "10",
        name: "Dr Paul Girard",
        roles: ["specialist"],
      },
      ACTOR,
    );
    expect(await repo.findByMatrixId("@dr.girard:hub.example")).toMatchObject({
      rpps: syntheticRpps(7),
      roles: ["specialist"],
    });
    expect(await repo.findByRpps(syntheticRpps(12))).toMatchObject({
      lastName: "LEFÈVRE",
      professionCode: "21",
    });
    const byName = await repo.searchByName("lefev", 500);
    expect(byName.length).toBe(20);
    expect(byName.every((m) => m.lastName === "LEFÈVRE")).toBe(true);
    expect((await repo.searchByName("zoe lef", 500)).every((m) => m.firstName === "Zoé")).toBe(true);
    expect(await repo.searchByName("%", 5)).toEqual([]);

    expect(await repo.findByProfessionInTerritory("10")).toEqual([]);
    await svc.setTerritory({ postcodes: ["75011"], communes: [] });
    const gps = await repo.findByProfessionInTerritory("10", 1000);
    expect(gps.length).toBeGreaterThan(0);
    expect(gps.every((m) => m.professionCode === "10" && m.postcode === "75011")).toBe(true);
    await svc.setTerritory({ postcodes: [], communes: ["75103"] });
    expect((await repo.findByProfessionInTerritory("60", 1000)).every((m) => m.communeCode === "75103")).toBe(
      true,
    );
    expect(await repo.getTerritory()).toEqual({ postcodes: [], communes: ["75103"] });
    await db.close();
  });

  it("adds a hospital and its units (a unit has no identifier of its own); refuses an orphan without one", async () => {
    const { db, trail } = await hub();
    const svc = new DirectoryService(db, trail);
    const hospital = await svc.addStructure({
      kind: "hospital",
      name: "CH de démonstration",
      finess: "699990016",
    });
    const units = await Promise.all(
      ["Médecine gériatrique", "Cardiologie"].map((name) =>
        svc.addStructure({ kind: "unit", name, parentId: hospital.id }),
      ),
    );
    expect(units.map((u) => u.parentId)).toEqual([hospital.id, hospital.id]);
    expect(new Set(units.map((u) => u.id)).size).toBe(2);
    await expect(svc.addStructure({ kind: "unit", name: "Orpheline" })).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [expect.objectContaining({ path: "finess", rule: "required" })],
    });
    await db.close();
  });

  it("adds, updates and removes members with audit entries; refuses bad input by field", async () => {
    const { db, trail } = await hub();
    const svc = new DirectoryService(db, trail);
    const rpps = syntheticRpps(42);
    const a = await svc.addMember(
      {
        rpps,
        matrixId: "@ide.roux:hub.example",
        professionCode: "60",
        name: "Léa Roux",
        roles: ["recipient"],
      },
      ACTOR,
    );
    expect(a.created).toBe(true);
    const b = await svc.addMember({ rpps, professionCode: "60", name: "Léa Roux", roles: ["sender"] }, ACTOR);
    expect(b).toMatchObject({
      created: false,
      member: { roles: ["recipient", "sender"], matrixId: "@ide.roux:hub.example" },
    });
    await expect(
      svc.addMember(
        { rpps: syntheticRpps(43), matrixId: "@ide.roux:hub.example", professionCode: "60", name: "X" },
        ACTOR,
      ),
    ).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(
      svc.addMember(
        { rpps: "12345678901", matrixId: "not-a-matrix-id", professionCode: "42", name: "", roles: ["boss"] },
        ACTOR,
      ),
    ).rejects.toMatchObject({
      code: "VALIDATION_FAILED",
      issues: [
        expect.objectContaining({ path: "rpps", rule: "rpps.key" }),
        expect.objectContaining({ path: "matrixId" }),
        expect.objectContaining({ path: "profession" }),
        expect.objectContaining({ path: "name" }),
        expect.objectContaining({ path: "role" }),
      ],
    });
    const removed = await svc.removeMember(rpps, ACTOR);
    expect(removed).toMatchObject({ active: false, roles: [] });
    expect(await new DirectoryRepository(db.knex).searchByName("roux")).toEqual([]);
    const log: { action: string }[] = await db.knex("audit_entries").orderBy("seq").select("action");
    expect(log.map((l) => l.action)).toEqual(["member.added", "member.changed", "member.removed"]);
    await db.close();
  });

  it("has the directory CLI: import --json, add-member, find, territory, remove-member", async () => {
    const { db, env, dir } = await hub();
    await db.close();
    const file = join(dir, "extraction.csv");
    writeFileSync(
      file,
      [syntheticExtraction(30).trimEnd(), syntheticLine(31, { "Code profession": "99" })].join("\n"),
    );
    const { io, out, err } = captureIo(env, dir);
    expect(await runCli(["directory", "import", file, "--json"], io)).toBe(0);
    const report = JSON.parse(out.pop()!) as {
      imported: number;
      rejected: { line: number; reason: string }[];
    };
    expect(report.imported).toBe(30);
    expect(report.rejected).toEqual([
      { line: 32, rule: "profession.unknown", reason: "Code profession: unknown profession code" },
    ]);
    expect(await runCli(["directory", "import", file], io)).toBe(0);
    expect(out.slice(-2)).toEqual([
      "imported 30 (inserted 0, updated 0, unchanged 30), rejected 1, new structures 0, encoding utf-8",
      "  line 32: Code profession: unknown profession code",
    ]);

    const rpps = syntheticRpps(50);
    const add = [
      "directory",
      "add-member",
      "--rpps",
      rpps,
      "--matrix-id",
      "@mg:hub.example",
      "--profession",
      "10",
      "--name",
      "Marie Curie",
      "--role",
      "recipient",
      "--role",
      "specialist",
    ];
    expect(await runCli(add, io)).toBe(0);
    expect(out.pop()).toBe(
      `added member RPPS ${rpps} Marie Curie (profession 10) @mg:hub.example [recipient,specialist]`,
    );
    expect(await runCli(["directory", "find", "--matrix-id", "@mg:hub.example", "--json"], io)).toBe(0);
    expect(JSON.parse(out.pop()!)).toMatchObject([{ rpps, displayName: "Marie Curie" }]);
    expect(await runCli(["directory", "find", "--name", "curie"], io)).toBe(0);
    expect(await runCli(["directory", "territory", "--postcodes", "75011,75012"], io)).toBe(0);
    expect(await runCli(["directory", "find", "--profession", "10"], io)).toBe(0);
    expect(await runCli(["directory", "remove-member", "--rpps", rpps], io)).toBe(0);
    expect(await runCli(["directory", "find", "--rpps", "10000000000"], io)).toBe(1);

    expect(
      await runCli(["directory", "add-member", "--rpps", "1", "--profession", "10", "--name", "X"], io),
    ).toBe(1);
    expect(err.join("\n")).toMatch(/rpps: RPPS has the wrong length/);
    expect(await runCli(["directory", "import"], io)).toBe(2);
    expect(await runCli(["directory", "import", join(dir, "missing.csv")], io)).toBe(1);
    expect(await runCli(["directory", "add-member", "--bogus"], io)).toBe(2);
    expect(await runCli(["audit", "verify"], io)).toBe(0);
  });
});
