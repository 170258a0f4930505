import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { PasserelleError } from "../../../src/core/index.ts";
import {
  MIGRATIONS,
  CodeMigrationSource,
  migrateLatest,
  migrationStatus,
  openDatabase,
  toStorageError,
} from "../../../src/storage/index.ts";

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "passerelle-storage-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("migrations", () => {
  it("are ordered by name and unique", () => {
    const names = MIGRATIONS.map((m) => m.name);
    expect([...names].sort()).toEqual(names);
    expect(new Set(names).size).toBe(names.length);
  });

  it("come from code, in array order", async () => {
    const src = new CodeMigrationSource();
    const list = await src.getMigrations();
    expect(list.map((m) => src.getMigrationName(m))).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it("run at start-up, once, on a fresh sqlite file (WAL, busy timeout)", async () => {
    const filename = join(tmp(), "sub", "p.sqlite");
    const db = await openDatabase({ engine: "sqlite", filename });
    try {
      expect(await migrationStatus(db.knex)).toEqual({ applied: MIGRATIONS.map((m) => m.name), pending: [] });
      expect(await migrateLatest(db.knex)).toEqual([]);
      const [mode] = await db.knex.raw<{ journal_mode: string }[]>("pragma journal_mode");
      expect(mode?.journal_mode).toBe("wal");
      const [busy] = await db.knex.raw<{ timeout: number }[]>("pragma busy_timeout");
      expect(busy?.timeout).toBe(5000);
    } finally {
      await db.close();
    }
  });

  it("can be deferred (db migrate)", async () => {
    const db = await openDatabase(
      { engine: "sqlite", filename: join(tmp(), "p.sqlite") },
      { migrate: false },
    );
    try {
      expect((await migrationStatus(db.knex)).pending).toHaveLength(MIGRATIONS.length);
      expect(await migrateLatest(db.knex)).toEqual(MIGRATIONS.map((m) => m.name));
    } finally {
      await db.close();
    }
  });
});

describe("toStorageError", () => {
  it("maps driver errors to clear, value-free codes", () => {
    const refused = Object.assign(new Error("connect ECONNREFUSED 127.0.0.1:5432 password=x"), {
      code: "ECONNREFUSED",
    });
    expect(toStorageError(refused, "x").code).toBe("IO_ERROR");
    expect(toStorageError(refused, "x").message).not.toContain("password");
    expect(toStorageError(Object.assign(new Error("busy"), { code: "SQLITE_BUSY" }), "x").message).toMatch(
      /locked/,
    );
    expect(toStorageError(new AggregateError([refused]), "x").code).toBe("IO_ERROR");
    const same = new PasserelleError("NOT_FOUND", "n");
    expect(toStorageError(same, "x")).toBe(same);
  });

  it("reports an unusable sqlite path or file as IO_ERROR", async () => {
    const d = tmp();
    writeFileSync(join(d, "file"), "x");
    await expect(
      openDatabase({ engine: "sqlite", filename: join(d, "file", "p.sqlite") }),
    ).rejects.toMatchObject({
      code: "IO_ERROR",
    });
    writeFileSync(join(d, "junk.sqlite"), "not a database ".repeat(20), { mode: 0o600 }); // private, as required
    await expect(openDatabase({ engine: "sqlite", filename: join(d, "junk.sqlite") })).rejects.toMatchObject({
      code: "IO_ERROR",
      message: expect.stringMatching(/not a valid sqlite database/),
    });
  });
});
