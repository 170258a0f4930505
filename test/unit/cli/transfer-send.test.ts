/** `transfer send --to-unit`: an admission notice addressed to a hospital unit, in-process on sqlite. */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openAuditTrail } from "../../../src/audit/index.ts";
import { runCli } from "../../../src/cli/index.ts";
import { systemClock } from "../../../src/core/index.ts";
import { withCheckKey } from "../../../src/forms/index.ts";
import { addStructure, DirectoryService } from "../../../src/directory/index.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { testConfig } from "../../helpers/config.ts";
import { captureIo } from "../../helpers/io.ts";
import { examplePath } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

let dir: string;
let cleanup: () => Promise<void>;
let unitId: number;
// The members' server `test` is allowed besides the embedded default's own (trust policy).
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
  ({ dir, cleanup } = await tempDir("passerelle-cli-transfer-"));
  const config = testConfig(path.join(dir, "data"));
  const db = await openDatabase(config.database, MIGRATIONS);
  const trail = await openAuditTrail(config, db, systemClock);
  const hospital = await addStructure(db, { finess: "750712184", kind: "hospital", name: "CH" }, systemClock);
  unitId = (await addStructure(db, { kind: "unit", name: "Gériatrie", parentId: hospital.id }, systemClock))
    .id;
  await new DirectoryService(db, trail).addMember(
    {
      rpps: withCheckKey("rpps", "8880000001"),
      matrixId: "@nurse:test",
      professionCode: "60",
      name: "Infirmière Test",
      roles: ["recipient"],
      structureId: unitId,
    },
    "cli:test",
  );
  await trail.close();
  await db.close();
}, 60_000);
afterAll(async () => cleanup());

describe("passerelle transfer send --to-unit", () => {
  it("queues the sheet for the unit's recipients", async () => {
    const sent = await run("transfer", "send", examplePath("admission"), "--to-unit", String(unitId));
    expect(sent.code, sent.text).toBe(0);
    const id = sent.io.stdout[0] ?? "";
    const status = await run("transfer", "status", id, "--json");
    expect(status.code, status.text).toBe(0);
    const s = JSON.parse(status.io.stdout[0] ?? "{}") as {
      recipients: { matrixId: string }[];
      transfer: { state: string };
      links: unknown;
    };
    expect(s.transfer.state).toBe("queued");
    expect(s.links).toEqual({ unitId });
    expect((await run("transfer", "status", id)).text).toContain(`addressed to unit ${String(unitId)}`);
    expect(s.recipients.map((r) => r.matrixId)).toEqual(["@nurse:test"]);
  });

  it("refuses a malformed unit (usage, exit 2) and an unknown one (exit 1, naming toUnit.structureId)", async () => {
    expect((await run("transfer", "send", examplePath("admission"), "--to-unit", "geriatrie")).code).toBe(2);
    const unknown = await run("transfer", "send", examplePath("admission"), "--to-unit", "9999");
    expect(unknown.code).toBe(1);
    expect(unknown.text).toContain("toUnit.structureId");
  });
});
