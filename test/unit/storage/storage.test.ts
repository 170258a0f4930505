import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Knex } from "knex";
import { afterEach, describe, expect, it } from "vitest";
import { PasserelleError } from "../../../src/core/index.ts";
import {
  CodeMigrationSource,
  migrateLatest,
  migrationStatus,
  openDatabase,
  orderMigrations,
  toStorageError,
} from "../../../src/storage/index.ts";
import type { Migration } from "../../../src/storage/index.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

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

  it("keep the released names and order, whichever module declares them", () => {
    expect(MIGRATIONS.map((m) => m.name)).toEqual([
      "0001_directory",
      "0002_audit",
      "0003_transfers",
      "0004_evidence",
      "0005_escalation",
      "0007_circles_adt",
      "0008_adt_unit_structure",
      "0009_adt_rejected",
      "0010_ack_device_resends",
      "0011_documents",
      "0012_transfer_routing",
      "0013_adt_stay_physicians",
      "0014_audit_document_sha256",
    ]);
  });

  it("join the parts of a step that spans modules, in registration order (down reversed)", async () => {
    const ran: string[] = [];
    const step = (name: string, tag: string, part?: true): Migration => ({
      name,
      ...(part === undefined ? {} : { part }),
      up: () => Promise.resolve(void ran.push(`up ${tag}`)),
      down: () => Promise.resolve(void ran.push(`down ${tag}`)),
    });
    const joined = orderMigrations([
      [step("0002_b", "a2", true)],
      [step("0003_c", "b3"), step("0002_b", "b2", true), step("0001_a", "b1")],
    ]);
    expect(joined.map((m) => m.name)).toEqual(["0001_a", "0002_b", "0003_c"]);
    const knex = null as unknown as Knex; // the steps above do not touch it
    await joined[1]!.up(knex);
    await joined[1]!.down(knex);
    expect(ran).toEqual(["up a2", "up b2", "down b2", "down a2"]);
    expect(() => orderMigrations([[step("0001_a", "x")], [step("0001_a", "y", true)]])).toThrow(
      /two migrations are named 0001_a/,
    );
  });

  it("come from code, in array order", async () => {
    const src = new CodeMigrationSource(MIGRATIONS);
    const list = await src.getMigrations();
    expect(list.map((m) => src.getMigrationName(m))).toEqual(MIGRATIONS.map((m) => m.name));
  });

  it("run at start-up, once, on a fresh sqlite file (WAL, busy timeout)", async () => {
    const filename = join(tmp(), "sub", "p.sqlite");
    const db = await openDatabase({ engine: "sqlite", filename }, MIGRATIONS);
    try {
      expect(await migrationStatus(db.knex, MIGRATIONS)).toEqual({
        applied: MIGRATIONS.map((m) => m.name),
        pending: [],
      });
      expect(await migrateLatest(db.knex, MIGRATIONS)).toEqual([]);
      const [mode] = await db.knex.raw<{ journal_mode: string }[]>("pragma journal_mode");
      expect(mode?.journal_mode).toBe("wal");
      // sqlite's own busy handler is off: the lock is waited for asynchronously (see the
      // integration test with a second process holding the lock).
      const [busy] = await db.knex.raw<{ timeout: number }[]>("pragma busy_timeout");
      expect(busy?.timeout).toBe(0);
      const [sync] = await db.knex.raw<{ synchronous: number }[]>("pragma synchronous");
      expect(sync?.synchronous).toBe(2); // FULL
    } finally {
      await db.close();
    }
  });

  it("can be deferred (db migrate)", async () => {
    const db = await openDatabase({ engine: "sqlite", filename: join(tmp(), "p.sqlite") }, MIGRATIONS, {
      migrate: false,
    });
    try {
      expect((await migrationStatus(db.knex, MIGRATIONS)).pending).toHaveLength(MIGRATIONS.length);
      expect(await migrateLatest(db.knex, MIGRATIONS)).toEqual(MIGRATIONS.map((m) => m.name));
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
    // better-sqlite3 reports extended result codes.
    const unique = Object.assign(new Error("UNIQUE constraint failed"), { code: "SQLITE_CONSTRAINT_UNIQUE" });
    expect(toStorageError(unique, "x").code).toBe("CONFLICT");
    const fsync = toStorageError(
      Object.assign(new Error("disk I/O error"), { code: "SQLITE_IOERR_FSYNC" }),
      "x",
    );
    expect(fsync).toMatchObject({ code: "IO_ERROR", message: expect.stringMatching(/SQLITE_IOERR\)/) });
    const snapshot = Object.assign(new Error("database is locked"), { code: "SQLITE_BUSY_SNAPSHOT" });
    expect(toStorageError(snapshot, "x").message).toMatch(/locked/);
    expect(toStorageError(new AggregateError([refused]), "x").code).toBe("IO_ERROR");
    const same = new PasserelleError("NOT_FOUND", "n");
    expect(toStorageError(same, "x")).toBe(same);
  });

  it("reports an unusable sqlite path or file as IO_ERROR", async () => {
    const d = tmp();
    writeFileSync(join(d, "file"), "x");
    await expect(
      openDatabase({ engine: "sqlite", filename: join(d, "file", "p.sqlite") }, MIGRATIONS),
    ).rejects.toMatchObject({
      code: "IO_ERROR",
    });
    writeFileSync(join(d, "junk.sqlite"), "not a database ".repeat(20), { mode: 0o600 }); // private, as required
    await expect(
      openDatabase({ engine: "sqlite", filename: join(d, "junk.sqlite") }, MIGRATIONS),
    ).rejects.toMatchObject({
      code: "IO_ERROR",
      message: expect.stringMatching(/not a valid sqlite database/),
    });
  });
});
