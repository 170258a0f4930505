import { spawn } from "node:child_process";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditTrail, auditEvent, generateSigningKey } from "../../../src/audit/index.ts";
import { runCli } from "../../../src/cli/index.ts";
import { migrationStatus, openDatabase } from "../../../src/storage/index.ts";
import { captureIo, engines, envFor, findPostgresBin, startPostgres } from "../postgres.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

describe.each(engines())("storage on $name", (engine) => {
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());

  it("runs the migrations at start-up, once", async () => {
    const config = await engine.fresh();
    const a = await openDatabase(config, MIGRATIONS);
    const b = await openDatabase(config, MIGRATIONS);
    try {
      expect(await migrationStatus(b.knex, MIGRATIONS)).toEqual({
        applied: MIGRATIONS.map((m) => m.name),
        pending: [],
      });
      expect(a.engine).toBe(engine.name);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it("has `db migrate` and `db status` commands", async () => {
    const config = await engine.fresh();
    const { io, out } = captureIo(envFor(config, "/tmp"), "/tmp");
    expect(await runCli(["db", "status"], io)).toBe(1); // pending
    expect(await runCli(["db", "migrate", "--json"], io)).toBe(0);
    expect(JSON.parse(out.at(-1)!)).toEqual({ engine: engine.name, applied: MIGRATIONS.map((m) => m.name) });
    expect(await runCli(["db", "migrate"], io)).toBe(0);
    expect(out.at(-1)).toMatch(/up to date/);
    expect(await runCli(["db", "status"], io)).toBe(0);
  });

  it("keeps the audit append-only at the database level too", async () => {
    const db = await openDatabase(await engine.fresh(), MIGRATIONS);
    try {
      const trail = await AuditTrail.open(db, { key: await generateSigningKey() });
      await trail.append(auditEvent("transfer.created", { actor: "system:test", transfer: "t-1" }));
      await expect(db.knex("audit_entries").update({ actor: "@m:evil" })).rejects.toThrow(/append-only/);
      await expect(db.knex("audit_entries").delete()).rejects.toThrow(/append-only/);
    } finally {
      await db.close();
    }
  });
});

describe("a database that is down or locked", () => {
  it.runIf(findPostgresBin() !== undefined)(
    "PostgreSQL down: a clear IO_ERROR, nothing written",
    async () => {
      const pg = await startPostgres();
      const url = await pg.createDatabase();
      const db = await openDatabase({ engine: "postgres", url }, MIGRATIONS);
      const trail = await AuditTrail.open(db, { key: await generateSigningKey() });
      await trail.append(auditEvent("transfer.created", { actor: "system:test", transfer: "t-1" }));
      await pg.stop();
      await expect(
        trail.append(auditEvent("transfer.sent", { actor: "system:test", transfer: "t-1" })),
      ).rejects.toMatchObject({
        code: "IO_ERROR",
      });
      await db.close();
      await expect(openDatabase({ engine: "postgres", url }, MIGRATIONS)).rejects.toMatchObject({
        code: "IO_ERROR",
        message: expect.stringMatching(/unreachable/),
      });
    },
  );

  it("sqlite locked by another process: IO_ERROR after busy_timeout, the event loop turning meanwhile; then it works again", async () => {
    // Another process holds the write lock for 2 s.
    const { trail, holder, close } = await lockedTrail(300, 2000);
    // The wait for the lock is asynchronous: timers keep firing while the append waits.
    let ticks = 0;
    const ticker = setInterval(() => {
      ticks++;
    }, 10);
    const started = performance.now();
    await expect(
      trail.append(auditEvent("transfer.created", { actor: "system:test", transfer: "t-1" })),
    ).rejects.toMatchObject({
      code: "IO_ERROR",
      message: expect.stringMatching(/locked/),
    });
    clearInterval(ticker);
    expect(performance.now() - started).toBeGreaterThanOrEqual(290);
    expect(ticks).toBeGreaterThanOrEqual(10);
    await holder.exited;
    const e = await trail.append(auditEvent("transfer.created", { actor: "system:test", transfer: "t-1" }));
    expect(e.seq).toBe(1);
    expect((await trail.verify()).ok).toBe(true);
    await close();
  });

  it("sqlite locked by another process for less than busy_timeout: the write waits and succeeds", async () => {
    const { trail, holder, close } = await lockedTrail(5000, 400);
    const started = performance.now();
    const e = await trail.append(auditEvent("transfer.created", { actor: "system:test", transfer: "t-1" }));
    expect(performance.now() - started).toBeGreaterThanOrEqual(200);
    expect(e.seq).toBe(1);
    await holder.exited;
    expect((await trail.verify()).ok).toBe(true);
    await close();
  });
});

/** An audit trail on a fresh sqlite file waiting `busyTimeoutMs` for a lock that another process holds for `holdMs`. */
async function lockedTrail(busyTimeoutMs: number, holdMs: number) {
  const [sqlite] = engines();
  const config = await sqlite!.fresh();
  if (config.engine !== "sqlite") throw new Error("sqlite expected");
  const db = await openDatabase(config, MIGRATIONS, { busyTimeoutMs });
  const trail = await AuditTrail.open(db, { key: await generateSigningKey() });
  const holder = await holdWriteLock(config.filename, holdMs);
  const close = async (): Promise<void> => {
    await db.close();
    await sqlite!.teardown();
  };
  return { trail, holder, close };
}

/** Another process (better-sqlite3, as the service uses) takes the database's write lock for `ms`. */
async function holdWriteLock(filename: string, ms: number): Promise<{ exited: Promise<unknown> }> {
  const holder = spawn(
    process.execPath,
    [
      "-e",
      `const D=require("better-sqlite3");const d=new D(${JSON.stringify(filename)});` +
        `d.exec("BEGIN IMMEDIATE; UPDATE audit_head SET writer='other'");console.log("locked");` +
        `setTimeout(()=>{d.exec("COMMIT");d.close()},${ms})`,
    ],
    { cwd: process.cwd(), stdio: ["ignore", "pipe", "inherit"] },
  );
  const exited = new Promise((resolve) => holder.once("exit", resolve));
  await new Promise<void>((resolve) =>
    holder.stdout.once("data", () => {
      resolve();
    }),
  );
  return { exited };
}
