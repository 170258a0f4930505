import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { AuditEntry, AuditTrail, PatientRef, VerifyReport } from "../../../src/audit/index.ts";
import {
  accessRequest,
  auditEvent,
  entryHash,
  exportAudit,
  loadPseudonymKey,
  openAuditTrail,
  patientPseudonym,
  verifyExportFile,
} from "../../../src/audit/index.ts";
import { runCli } from "../../../src/cli/index.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { fixedClock } from "../../../src/core/index.ts";
import type { Database } from "../../../src/storage/index.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { captureIo, engines, envFor } from "../postgres.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

const INS_A = "269054958815780";
const INS_B = "180017512345660";

/** Drops the append-only triggers, as a database administrator could. */
async function dropGuards(db: Database): Promise<void> {
  if (db.engine === "postgres") {
    await db.knex.raw("drop trigger audit_entries_append_only on audit_entries");
    await db.knex.raw("drop trigger audit_checkpoints_append_only on audit_checkpoints");
  } else {
    for (const t of ["entries", "checkpoints"]) {
      for (const op of ["update", "delete"]) await db.knex.raw(`drop trigger audit_${t}_no_${op}`);
    }
  }
}

const row = (e: AuditEntry) => ({
  seq: e.seq,
  time: e.time,
  actor: e.actor,
  action: e.action,
  transfer_id: e.transfer ?? null,
  room_id: e.room ?? null,
  outcome: e.outcome,
  prev_hash: e.prevHash,
  hash: e.hash,
});

describe.each(engines())("audit trail on $name", (engine) => {
  beforeAll(() => engine.setup());
  afterAll(() => engine.teardown());

  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  /** A fresh hub: database, data dir (keys), trail with a checkpoint every 5 entries, 20 entries. */
  async function hub(n = 20) {
    const dataDir = mkdtempSync(join(tmpdir(), "passerelle-audit-"));
    dirs.push(dataDir);
    const dbConfig = await engine.fresh();
    const env = { ...envFor(dbConfig, dataDir), PASSERELLE_AUDIT_CHECKPOINT_EVERY: "5" };
    const config = loadConfig(env, dataDir);
    const db = await openDatabase(config.database, MIGRATIONS);
    const clock = fixedClock("2026-03-01T08:00:00.000Z");
    const trail: AuditTrail = await openAuditTrail(config, db, clock);
    for (let i = 1; i <= n; i++) {
      clock.advance(60_000);
      await trail.append(
        auditEvent(i % 2 === 0 ? "transfer.delivered" : "transfer.sent", {
          actor: "@passerelle:hub.example",
          transfer: `tr-${String(Math.ceil(i / 4))}`,
          sheet: `sheet-${String(Math.ceil(i / 4))}`,
          room: "!r1:hub.example",
        }),
      );
    }
    return { db, trail, env, dataDir, clock };
  }

  it("appends singly, concurrently and in batches, one chain, checkpoints every N", async () => {
    const { db, trail } = await hub(0);
    const ev = (i: number) =>
      auditEvent("transfer.queued", { actor: "system:outbox", transfer: `t-${String(i)}` });
    const one = await trail.append(ev(0));
    const many = await Promise.all(Array.from({ length: 200 }, (_, i) => trail.append(ev(i))));
    const batch = await trail.appendBatch(Array.from({ length: 50 }, (_, i) => ev(i)));
    expect(one.seq).toBe(1);
    expect(many.map((e) => e.seq)).toEqual(Array.from({ length: 200 }, (_, i) => i + 2));
    expect(batch.at(-1)?.seq).toBe(251);
    await trail.close();
    const report = await trail.verify();
    expect(report).toMatchObject({
      ok: true,
      entries: 251,
      lastSeq: 251,
      lastCheckpointSeq: 251,
      unsignedTail: 0,
    });
    await expect(trail.append(ev(1))).rejects.toMatchObject({ code: "CONFLICT" });
    await db.close();
  });

  it("rolls back a batch that fails half-way: nothing half-written, chain intact", async () => {
    const { db, trail } = await hub(3);
    await expect(
      db.knex.transaction(async (trx) => {
        await trail.appendWithin(trx, [auditEvent("transfer.sent", { actor: "system:x", transfer: "t-9" })]);
        throw new Error("crash after the audit insert");
      }),
    ).rejects.toThrow(/crash/);
    expect((await trail.head()).seq).toBe(3);
    expect(
      (await trail.append(auditEvent("transfer.sent", { actor: "system:x", transfer: "t-9" }))).seq,
    ).toBe(4);
    expect((await trail.verify()).ok).toBe(true);
    await db.close();
  });

  const sqlTampering: [string, (db: Database, entries: AuditEntry[]) => Promise<void>, number, string][] = [
    [
      "an edited field",
      (db) => db.knex("audit_entries").where({ seq: 7 }).update({ actor: "@m:evil" }),
      7,
      "modified",
    ],
    [
      "an edited and re-hashed entry",
      async (db, entries) => {
        const { hash: _h, ...e } = { ...entries[6]!, actor: "@m:evil" };
        await db
          .knex("audit_entries")
          .where({ seq: 7 })
          .update({ actor: "@m:evil", hash: entryHash(e) });
      },
      7,
      "modified",
    ],
    ["a deleted entry", (db) => db.knex("audit_entries").where({ seq: 7 }).delete(), 7, "deleted"],
    [
      "two reordered entries",
      async (db) => {
        await db.knex("audit_entries").where({ seq: 7 }).update({ seq: -7 });
        await db.knex("audit_entries").where({ seq: 8 }).update({ seq: 7 });
        await db.knex("audit_entries").where({ seq: -7 }).update({ seq: 8 });
      },
      7,
      "reordered",
    ],
    [
      "an inserted entry (the rest renumbered)",
      async (db, entries) => {
        await db.knex("audit_entries").where("seq", ">", 7).increment("seq", 1_000_000);
        await db.knex("audit_entries").where("seq", ">", 1_000_000).decrement("seq", 999_999);
        const base = entries[6]!;
        const { hash: _h, ...u } = { ...base, seq: 8, prevHash: base.hash, transfer: "tr-forged-1" };
        await db.knex("audit_entries").insert(row({ ...u, hash: entryHash(u) }));
      },
      8,
      "inserted",
    ],
    ["a truncated tail", (db) => db.knex("audit_entries").where("seq", ">", 18).delete(), 19, "deleted"],
    [
      "a forged checkpoint",
      async (db) => {
        const cp = (await db.knex("audit_checkpoints").where({ seq: 10 }).first()) as { jws: string };
        const [h, , s] = cp.jws.split(".");
        const p = Buffer.from(JSON.stringify({ seq: 10, headHash: "f".repeat(64), time: "x" })).toString(
          "base64url",
        );
        await db
          .knex("audit_checkpoints")
          .where({ seq: 10 })
          .update({ jws: `${h!}.${p}.${s!}` });
      },
      10,
      "checkpoint-signature-invalid",
    ],
  ];

  for (const [what, tamper, seq, reason] of sqlTampering) {
    it(`catches ${what} done directly in SQL`, async () => {
      const { db, trail, env, dataDir } = await hub();
      const entries: AuditEntry[] = [];
      for await (const e of (await import("../../../src/audit/rows.ts")).pagesOf(db.knex)) entries.push(...e);
      await trail.close();
      expect((await trail.verify()).ok).toBe(true);
      await dropGuards(db);
      await tamper(db, entries);
      const report = await trail.verify();
      expect(report.ok).toBe(false);
      expect(report.failure).toMatchObject({ seq, reason });
      await db.close();
      const { io, out } = captureIo(env, dataDir);
      expect(await runCli(["audit", "verify"], io)).toBe(1);
      expect(out.join("\n")).toContain(`FAILED at seq ${String(seq)}`);
    });
  }

  it("catches a chain rewritten consistently from seq 7 on, with the signed checkpoints", async () => {
    const { db, trail } = await hub();
    await trail.close();
    await dropGuards(db);
    const entries: AuditEntry[] = [];
    for await (const e of (await import("../../../src/audit/rows.ts")).pagesOf(db.knex)) entries.push(...e);
    let prev = entries[5]!.hash;
    for (const e of entries.slice(6)) {
      const { hash: _h, ...u } = { ...e, prevHash: prev, ...(e.seq === 7 ? { actor: "@m:evil" } : {}) };
      prev = entryHash(u);
      await db
        .knex("audit_entries")
        .where({ seq: e.seq })
        .update({ actor: u.actor, prev_hash: u.prevHash, hash: prev });
    }
    await db.knex("audit_head").update({ hash: prev });
    expect((await trail.verify()).failure).toMatchObject({ seq: 6, reason: "rewritten" });
    await db.close();
  });

  describe("exports", () => {
    let ctx: Awaited<ReturnType<typeof hub>>;
    let file: string;
    let lines: string[];
    beforeAll(async () => {
      ctx = await hub(23);
      file = join(ctx.dataDir, "audit.jsonl");
      const s = await exportAudit(ctx.trail, ctx.db.knex, file, {});
      expect(s).toMatchObject({ firstSeq: 1, lastSeq: 23, entries: 23 });
      lines = readFileSync(file, "utf8").trimEnd().split("\n");
    });
    afterAll(() => ctx.db.close());

    const verifyLines = async (ls: string[]): Promise<VerifyReport> => {
      const f = join(ctx.dataDir, `t-${String(Math.random()).slice(2)}.jsonl`);
      writeFileSync(f, ls.join("\n") + "\n");
      return verifyExportFile(f);
    };
    const entryLine = (seq: number) =>
      lines.findIndex((l) => l.startsWith(`{"type":"entry","seq":${String(seq)},`));

    it("verifies offline, with its checkpoints and public key", async () => {
      expect(lines[0]).toMatch(/"type":"header"/);
      expect(lines.filter((l) => l.includes('"type":"checkpoint"'))).toHaveLength(5); // 5,10,15,20 and the head
      expect(await verifyExportFile(file)).toMatchObject({ ok: true, entries: 23, lastCheckpointSeq: 23 });
      const { io, out } = captureIo(ctx.env, ctx.dataDir);
      expect(await runCli(["audit", "verify", "--file", file, "--json"], io)).toBe(0);
      expect(JSON.parse(out[0]!)).toMatchObject({ ok: true });
    });

    it("catches one edited line", async () => {
      const i = entryLine(9);
      const ls = lines.map((l, k) => (k === i ? l.replace("transfer.sent", "transfer.failed") : l));
      expect((await verifyLines(ls)).failure).toMatchObject({ seq: 9, reason: "modified", line: i + 1 });
    });

    it("catches one deleted line (entry, last entry, closing checkpoint)", async () => {
      expect((await verifyLines(lines.filter((_, k) => k !== entryLine(9)))).failure).toMatchObject({
        seq: 9,
        reason: "deleted",
      });
      expect((await verifyLines(lines.filter((_, k) => k !== entryLine(23)))).failure).toMatchObject({
        reason: "deleted",
      });
      expect((await verifyLines(lines.slice(0, -1))).failure).toMatchObject({ seq: 23, reason: "deleted" });
      expect((await verifyLines(lines.filter((_, k) => k !== entryLine(1)))).failure).toMatchObject({
        seq: 1,
      });
    });

    it("catches two reordered lines", async () => {
      const i = entryLine(12);
      const ls = [...lines];
      [ls[i], ls[i + 1]] = [ls[i + 1]!, ls[i]!];
      expect((await verifyLines(ls)).failure).toMatchObject({ seq: 12, reason: "reordered" });
    });

    it("catches one inserted line", async () => {
      const i = entryLine(12);
      const dup = [...lines.slice(0, i + 1), lines[i]!, ...lines.slice(i + 1)];
      expect((await verifyLines(dup)).failure).toMatchObject({ seq: 12, reason: "inserted" });
      const extra = [
        ...lines.slice(0, i),
        lines[i]!.replace(/"hash":"[0-9a-f]+"/, `"hash":"${"0".repeat(64)}"`),
        ...lines.slice(i),
      ];
      expect((await verifyLines(extra)).ok).toBe(false);
      const field = lines.map((l, k) => (k === i ? l.replace("{", '{"patientName":"X",') : l));
      expect((await verifyLines(field)).failure).toMatchObject({ reason: "malformed" });
    });

    it("catches a replaced key or a pinned key mismatch", async () => {
      const other = JSON.parse(lines[0]!) as { keys: { x: string }[] };
      other.keys[0]!.x = other.keys[0]!.x.replace(/^./, (c) => (c === "A" ? "B" : "A"));
      expect((await verifyLines([JSON.stringify(other), ...lines.slice(1)])).ok).toBe(false);
      const wrong = join(ctx.dataDir, "wrong.jwk");
      writeFileSync(wrong, JSON.stringify(other.keys[0]));
      const { io } = captureIo(ctx.env, ctx.dataDir);
      expect(await runCli(["audit", "verify", "--file", file, "--key", wrong], io)).toBe(1);
    });

    it("exports one sheet with the signed checkpoints around it", async () => {
      const f = join(ctx.dataDir, "sheet.jsonl");
      const s = await exportAudit(ctx.trail, ctx.db.knex, f, { sheet: "sheet-3" }); // seq 9–12
      expect(s).toMatchObject({ firstSeq: 6, lastSeq: 15 });
      expect(await verifyExportFile(f)).toMatchObject({ ok: true, firstSeq: 6, lastSeq: 15 });
      const ls = readFileSync(f, "utf8").trimEnd().split("\n");
      expect((await verifyLines(ls.filter((l) => !l.includes('"seq":6,')))).ok).toBe(false);
      const { io, out } = captureIo(ctx.env, ctx.dataDir);
      expect(
        await runCli(
          ["audit", "export", "--out", f, "--from", "2026-03-01T08:10:00Z", "--to", "2026-03-01T08:12:00Z"],
          io,
        ),
      ).toBe(0);
      expect(out[0]).toMatch(/seq 6–15/);
      expect(await runCli(["audit", "export", "--out", f, "--sheet", "sheet-99"], io)).toBe(1);
      expect(await runCli(["audit", "export", "--out", f, "--from", "yesterday"], io)).toBe(1);
    });
  });

  it("answers an RGPD access request with every transfer about the patient, and only those", async () => {
    const { db, trail, env, dataDir } = await hub(0);
    const key = await loadPseudonymKey(dataDir);
    const a: PatientRef = patientPseudonym(INS_A, key);
    const b = patientPseudonym(INS_B, key);
    const steps = [
      "transfer.created",
      "transfer.sent",
      "transfer.delivered",
      "transfer.acknowledged",
    ] as const;
    for (const [transfer, patient] of [
      ["t-a1", a],
      ["t-b1", b],
      ["t-a2", a],
    ] as const) {
      for (const step of steps) {
        await trail.append(
          auditEvent(step, {
            actor: "@passerelle:hub.example",
            transfer,
            sheet: `s-${transfer}`,
            ...(step === "transfer.created" ? { patient } : {}),
          }),
        );
      }
    }
    const report = await accessRequest(db.knex, a);
    expect(report.transfers.map((t) => t.transfer)).toEqual(["t-a1", "t-a2"]);
    expect(report.transfers[0]!.events.map((e) => e.action)).toEqual([...steps]);
    const stored = JSON.stringify(await db.knex("audit_entries").select());
    expect(stored).not.toContain(INS_A);
    await db.close();
    const insFile = join(dataDir, "ins.txt");
    writeFileSync(insFile, `${INS_A}\n`);
    const { io, out, err } = captureIo(env, dataDir);
    expect(await runCli(["audit", "access-request", "--ins-file", insFile, "--json"], io)).toBe(0);
    expect((JSON.parse(out[0]!) as { transfers: unknown[] }).transfers).toHaveLength(2);
    expect(await runCli(["audit", "access-request", "--ins", "269054958815781"], io)).toBe(1);
    expect(err.join("\n")).not.toContain("269054958815781");
  });
});
