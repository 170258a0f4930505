/**
 * `document send / queue / assign` in-process on a real sqlite file: a CDA sent twice prints the
 * same transfer and sends nothing the second time; a PDF needs its patient and type; a document
 * nobody can be found for waits in the queue until a coordinator assigns it.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAuditTrail } from "../../../src/audit/index.ts";
import { runCli } from "../../../src/cli/index.ts";
import { systemClock } from "../../../src/core/index.ts";
import { DirectoryService } from "../../../src/directory/index.ts";
import { withCheckKey } from "../../../src/forms/index.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { insOf } from "../../helpers/adt.ts";
import { testConfig } from "../../helpers/config.ts";
import { documentCda, tinyPdf } from "../../helpers/documents.ts";
import { captureIo } from "../../helpers/io.ts";
import { tempDir } from "../../helpers/tmp.ts";

let dir: string;
let cleanup: () => Promise<void>;
const RPPS = withCheckKey("rpps", "8880000001");
const env = () => ({
  PASSERELLE_DATA_DIR: path.join(dir, "data"),
  PASSERELLE_MATRIX_ALLOWED_SERVERS: "test",
});
const run = async (...argv: string[]) => {
  const io = captureIo(dir, env());
  const code = await runCli(argv, io);
  return { code, io, text: io.text() };
};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir("passerelle-cli-document-"));
  const config = testConfig(path.join(dir, "data"));
  const db = await openDatabase(config.database, MIGRATIONS);
  const trail = await openAuditTrail(config, db, systemClock);
  await new DirectoryService(db, trail).addMember(
    { rpps: RPPS, matrixId: "@gp:test", professionCode: "10", name: "Docteur Test", roles: ["recipient"] },
    "cli:test",
  );
  await trail.close();
  await db.close();
  await writeFile(
    path.join(dir, "letter.xml"),
    documentCda({ id: "CLI-1", ins: insOf(1), recipients: [RPPS] }),
  );
  await writeFile(path.join(dir, "orphan.xml"), documentCda({ id: "CLI-2", ins: insOf(2) }));
  await writeFile(path.join(dir, "report.pdf"), tinyPdf("Compte rendu"));
}, 60_000);
afterAll(async () => cleanup());

describe("passerelle document send / queue / assign", () => {
  it("document send --json twice: the same transfer, nothing sent the second time", async () => {
    const first = await run("document", "send", "letter.xml", "--json");
    expect(first.code, first.text).toBe(0);
    const r1 = JSON.parse(first.io.stdout[0] ?? "{}") as Record<string, unknown>;
    expect(r1).toMatchObject({
      duplicate: false,
      outcome: "queued",
      routing: [{ rpps: RPPS, source: "document", reason: "cda.information_recipient" }],
    });
    expect(r1.transferId).toEqual(expect.any(String));
    const second = await run("document", "send", "letter.xml", "--json");
    expect(second.code, second.text).toBe(0);
    const r2 = JSON.parse(second.io.stdout[0] ?? "{}") as Record<string, unknown>;
    expect(r2).toEqual({ ...r1, duplicate: true });
    const status = await run("transfer", "status", String(r1.transferId), "--json");
    const s = JSON.parse(status.io.stdout[0] ?? "{}") as { routing: unknown; transfer: { kind: string } };
    expect(s.transfer.kind).toBe("document");
    expect(s.routing).toEqual(r1.routing);
    const text = await run("transfer", "status", String(r1.transferId));
    expect(text.text).toContain(`routed to rpps:${RPPS} (document: cda.information_recipient)`);
  });

  it("a PDF needs --ins and --kind; with them and --to it is sent", async () => {
    const missing = await run("document", "send", "report.pdf");
    expect(missing.code).toBe(2);
    expect(missing.text).toContain("--ins");
    const sent = await run(
      "document",
      "send",
      "report.pdf",
      "--ins",
      insOf(3),
      "--kind",
      "34874-7",
      "--to",
      RPPS,
    );
    expect(sent.code, sent.text).toBe(0);
    expect(sent.io.stdout[0]).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.io.stderr).toContain(`→ rpps:${RPPS} (message: message.recipient)`);
  });

  it("nobody to send to: « à orienter », listed by document queue, sent by document assign", async () => {
    const queued = await run("document", "send", "orphan.xml", "--json");
    const r = JSON.parse(queued.io.stdout[0] ?? "{}") as { documentId: string; outcome: string };
    expect(r.outcome).toBe("to_route");
    const list = await run("document", "queue", "--json");
    expect(
      (JSON.parse(list.io.stdout[0] ?? "[]") as { documentId: string }[]).map((d) => d.documentId),
    ).toEqual([r.documentId]);
    const assigned = await run(
      "document",
      "assign",
      r.documentId,
      "--to",
      RPPS,
      "--actor",
      `rpps:${RPPS}`,
      "--json",
    );
    expect(assigned.code, assigned.text).toBe(0);
    expect(JSON.parse(assigned.io.stdout[0] ?? "{}")).toMatchObject({
      outcome: "queued",
      routing: [{ rpps: RPPS, source: "coordinator", reason: "coordinator.assigned" }],
    });
    const empty = await run("document", "queue");
    expect(empty.io.stdout).toEqual(["aucun document à orienter / nothing to route"]);
    const again = await run("document", "assign", r.documentId, "--to", RPPS);
    expect(again.code).toBe(1);
  });
});
