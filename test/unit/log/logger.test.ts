import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Log } from "../../../src/core/index.ts";
import { CENSOR, createLogger, prettyLine, REDACTED_KEYS } from "../../../src/log/index.ts";
import { captureLog } from "../../helpers/log.ts";

const EXAMPLE = path.resolve(import.meta.dirname, "../../../liaison-forms/examples/discharge.json");

/** Every string value (leaf) of a JSON document. */
const leaves = (v: unknown): string[] =>
  typeof v === "string"
    ? [v]
    : Array.isArray(v)
      ? v.flatMap(leaves)
      : typeof v === "object" && v !== null
        ? Object.values(v).flatMap(leaves)
        : [];

describe("the service logger (pino)", () => {
  it("writes one JSON line per call: ISO time, level label, msg, the fields and the child's bindings", () => {
    const { log, raw } = captureLog("info");
    const adt: Log = log.child({ module: "adt" });
    adt.warn({ reason: "MSH.missing" }, "adt frame refused");
    adt.debug({ reason: "x" }, "not written at info");
    expect(raw).toHaveLength(1);
    const line = JSON.parse(raw[0]!) as Record<string, unknown>;
    expect(line).toMatchObject({
      level: "warn",
      module: "adt",
      reason: "MSH.missing",
      msg: "adt frame refused",
    });
    expect(line.time).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it("an object holding a whole liaison sheet, at any depth, prints none of its patient values", () => {
    const sheet = JSON.parse(readFileSync(EXAMPLE, "utf8")) as { data: { patient: Record<string, string> } };
    const patient = sheet.data.patient;
    const { log, raw } = captureLog();
    const l = log.child({ module: "test" });
    l.info({ data: sheet.data }, "whole data");
    l.info({ sheet }, "whole sheet");
    l.info({ ...patient }, "patient fields at the top level");
    l.info({ transfer: { input: { patient } } }, "nested patient");
    l.info(
      { a: { b: { ins: patient.ins, birthDate: patient.birthDate, lastName: patient.lastName } } },
      "deep",
    );
    l.info({ event: { content: { body: "Mme MARCHAL sort demain" } } }, "a message body");
    l.info({ token: "syt_secret", headers: { authorization: "Bearer abc" }, password: "pw" }, "secrets");
    const out = raw.join("");
    expect(raw).toHaveLength(7);
    for (const value of leaves(patient)) expect(out).not.toContain(JSON.stringify(value));
    expect(out).not.toMatch(/MARCHAL|248037511204721|1948-03-12|syt_secret|Bearer|"pw"/);
    expect(out).toContain(CENSOR);
    // the ids and codes the service does log stay readable
    l.warn({ transfer: "t-1", code: "VALIDATION_FAILED", route: "/api/v1/transfers/:id" }, "kept");
    expect(JSON.parse(raw.at(-1)!)).toMatchObject({ transfer: "t-1", code: "VALIDATION_FAILED" });
  });

  it("redacts every key of the list at depth 1 to 4", () => {
    const { log, raw } = captureLog();
    for (const k of REDACTED_KEYS) {
      log.info({ [k]: "LEAK", x: { [k]: "LEAK", y: { [k]: "LEAK", z: { [k]: "LEAK" } } } }, k);
    }
    expect(raw.join("")).not.toContain("LEAK");
  });

  it("pretty lines for a terminal: time, level, module, message, fields", () => {
    const lines: string[] = [];
    const log = createLogger({ format: "pretty", destination: { write: (s: string) => lines.push(s) } });
    log
      .child({ module: "mllp" })
      .warn({ reason: "frame.outside", bytes: "12", patient: { ins: "1" } }, "mllp bytes outside a frame");
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^\d\d:\d\d:\d\d\.\d{3} WARN {2}\[mllp\] mllp bytes outside a frame reason=frame\.outside bytes=12 patient=\[redacted\]\n$/,
    );
    expect(prettyLine("not json")).toBe("not json");
  });
});
