/**
 * Care circles through `bin/passerelle circle …` in-process, on a real sqlite file: join, list,
 * leave, objection, CSV import with rejected rows — and the audit holds the pseudonym, never the INS.
 */
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/index.ts";
import { withCheckKey } from "../../../src/forms/index.ts";
import { captureIo } from "../../helpers/io.ts";
import { tempDir } from "../../helpers/tmp.ts";

const INS = "248037511204721";
const rppsOf = (n: number): string => withCheckKey("rpps", `8880000${String(n).padStart(3, "0")}`);
let tmp: { dir: string; cleanup: () => Promise<void> };
const env = (): Record<string, string> => ({ PASSERELLE_DATA_DIR: tmp.dir });
const cli = async (...argv: string[]) => {
  const io = captureIo(tmp.dir, env());
  const code = await runCli(argv, io);
  return { code, io };
};

beforeEach(async () => {
  tmp = await tempDir("passerelle-circle-cli-");
  for (const n of [1, 2, 3]) {
    const r = await cli(
      "directory",
      "add-member",
      "--rpps",
      rppsOf(n),
      "--profession",
      "60",
      "--name",
      `Infirmière Test ${n}`,
    );
    expect(r.code, r.io.text()).toBe(0);
  }
});
afterEach(async () => {
  await tmp.cleanup();
});

describe("circle commands", () => {
  it("add, list, remove; idempotent add; audit holds the pseudonym only", async () => {
    expect(
      (await cli("circle", "add", "--ins", INS, "--rpps", rppsOf(1), "--since", "2025-01-15")).code,
    ).toBe(0);
    expect(
      (await cli("circle", "add", "--ins", INS, "--rpps", rppsOf(2), "--consent", "explicit")).code,
    ).toBe(0);
    const again = await cli("circle", "add", "--ins", INS, "--rpps", rppsOf(1));
    expect(again.io.text()).toMatch(/already in the circle/);
    const listed = await cli("circle", "list", "--ins", INS, "--json");
    const circle = JSON.parse(listed.io.stdout[0]!) as {
      members: { rpps: string; since: string; consent: string }[];
    };
    expect(circle.members.map((m) => [m.rpps, m.consent])).toEqual([
      [rppsOf(1), "informed"],
      [rppsOf(2), "explicit"],
    ]);
    expect(circle.members[0]!.since).toBe("2025-01-15");
    expect(listed.io.text()).not.toContain(INS);
    expect((await cli("circle", "remove", "--ins", INS, "--rpps", rppsOf(1))).code).toBe(0);
    const after = JSON.parse((await cli("circle", "list", "--ins", INS, "--json")).io.stdout[0]!) as {
      members: unknown[];
    };
    expect(after.members).toHaveLength(1);
    const exported = path.join(tmp.dir, "audit.jsonl");
    expect((await cli("audit", "export", "--out", exported)).code).toBe(0);
    const text = await import("node:fs/promises").then((fs) => fs.readFile(exported, "utf8"));
    expect(text).toContain("circle.joined");
    expect(text).toContain("circle.left");
    expect(text).not.toContain(INS);
    expect((await cli("audit", "verify")).code).toBe(0);
  });

  it("bad INS key or unknown RPPS: exit 1 naming the field, never the value", async () => {
    const bad = await cli("circle", "add", "--ins", "248037511204722", "--rpps", rppsOf(1));
    expect(bad.code).toBe(1);
    expect(bad.io.text()).toMatch(/ins/);
    expect(bad.io.text()).not.toContain("248037511204722");
    const unknown = await cli("circle", "add", "--ins", INS, "--rpps", rppsOf(9));
    expect(unknown.code).toBe(1);
    expect(unknown.io.text()).toMatch(/rpps/);
  });

  it("objection is recorded and lifted, audited", async () => {
    expect((await cli("circle", "object", "--ins", INS)).code).toBe(0);
    const c = JSON.parse((await cli("circle", "list", "--ins", INS, "--json")).io.stdout[0]!) as {
      objectionAt?: string;
    };
    expect(c.objectionAt).toMatch(/^\d{4}-/);
    expect((await cli("circle", "object", "--ins", INS, "--lift")).code).toBe(0);
    const d = JSON.parse((await cli("circle", "list", "--ins", INS, "--json")).io.stdout[0]!) as {
      objectionAt?: string;
    };
    expect(d.objectionAt).toBeUndefined();
  });

  it("CSV import of a practice: rows added, bad rows reported by line and field", async () => {
    const other = withCheckKey("ins", "1850275123456");
    const csv = [
      "ins;rpps;since;consent",
      `${INS};${rppsOf(3)};2024-06-01;informed`,
      `${other};${rppsOf(3)};;explicit`,
      `248037511204722;${rppsOf(3)};;`,
      `${INS};${rppsOf(3)};2024-13-45;`,
    ].join("\n");
    await writeFile(path.join(tmp.dir, "practice.csv"), csv);
    const r = await cli("circle", "import", "practice.csv", "--json");
    expect(r.code).toBe(1);
    const report = JSON.parse(r.io.stdout[0]!) as { added: number; unchanged: number; rejected: unknown[] };
    expect(report.added).toBe(2);
    expect(report.rejected).toEqual([
      { line: 4, field: "ins", rule: "ins.key" },
      { line: 5, field: "since", rule: "date" },
    ]);
    expect(r.io.text()).not.toContain("248037511204722");
  });
});
