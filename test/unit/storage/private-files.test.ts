/**
 * The sqlite database holds sheets in clear: it and its -wal and -shm files are created 0600 in a
 * 0700 folder whatever the umask, and the service refuses to open a database whose folder or file
 * is open to other users (as it refuses shared keys).
 */
import { spawnSync } from "node:child_process";
import { chmodSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { openDatabase } from "../../../src/storage/index.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "passerelle-private-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
const mode = (p: string): string => (statSync(p).mode & 0o777).toString(8);

describe("the sqlite files at rest", () => {
  it("are created 0600 (database, -wal, -shm) in a 0700 folder", async () => {
    const filename = join(tmp(), "data", "passerelle.sqlite");
    const db = await openDatabase({ engine: "sqlite", filename }, MIGRATIONS);
    try {
      // A write goes through the WAL: both side files exist while the database is open.
      await db.knex.schema.createTable("probe", (t) => t.integer("n"));
      await db.knex("probe").insert({ n: 1 });
      expect(mode(join(filename, ".."))).toBe("700");
      for (const f of [filename, `${filename}-wal`, `${filename}-shm`])
        expect([f, mode(f)]).toEqual([f, "600"]);
    } finally {
      await db.close();
    }
  });

  it("refuses a data folder readable by others, naming the folder and the fix", async () => {
    const dir = join(tmp(), "data");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const filename = join(dir, "passerelle.sqlite");
    await expect(openDatabase({ engine: "sqlite", filename }, MIGRATIONS)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: `${dir} is readable by other users (mode 755); run chmod 700`,
    });
    chmodSync(dir, 0o750); // group-readable is shared too
    await expect(openDatabase({ engine: "sqlite", filename }, MIGRATIONS)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
    });
    expect(() => statSync(filename)).toThrow(); // nothing was created
  });

  it("refuses a database or WAL file readable by others", async () => {
    const dir = tmp();
    const filename = join(dir, "passerelle.sqlite");
    const db = await openDatabase({ engine: "sqlite", filename }, MIGRATIONS);
    await db.close();
    chmodSync(filename, 0o644);
    await expect(openDatabase({ engine: "sqlite", filename }, MIGRATIONS)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: `${filename} is readable by other users (mode 644); run chmod 600`,
    });
    chmodSync(filename, 0o600);
    writeFileSync(`${filename}-wal`, "", { mode: 0o644 });
    chmodSync(`${filename}-wal`, 0o604);
    await expect(openDatabase({ engine: "sqlite", filename }, MIGRATIONS)).rejects.toMatchObject({
      code: "CONFIG_INVALID",
      message: expect.stringContaining("-wal is readable by other users") as unknown,
    });
  });

  it("make the CLI refuse to start on a data folder readable by others (src/main.ts, as bin/passerelle runs it)", () => {
    const dir = join(tmp(), "data");
    mkdirSync(dir);
    chmodSync(dir, 0o755);
    const main = resolve(import.meta.dirname, "../../../src/main.ts");
    const run = () =>
      spawnSync(process.execPath, ["--disable-warning=ExperimentalWarning", main, "db", "migrate"], {
        encoding: "utf8",
        env: { ...process.env, PASSERELLE_DATA_DIR: dir },
        timeout: 60_000,
      });
    const refused = run();
    expect(refused.status).not.toBe(0);
    expect(refused.stderr).toContain(
      `CONFIG_INVALID: ${dir} is readable by other users (mode 755); run chmod 700`,
    );
    chmodSync(dir, 0o700);
    const ok = run();
    expect(ok.status, ok.stderr).toBe(0);
    expect(mode(join(dir, "passerelle.sqlite"))).toBe("600");
  });
});
