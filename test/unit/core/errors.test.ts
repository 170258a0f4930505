import { describe, expect, it } from "vitest";
import { HTTP_STATUS, PasserelleError, fixedClock } from "../../../src/core/index.ts";

describe("PasserelleError", () => {
  it("carries a stable code, its HTTP status and field issues", () => {
    const e = new PasserelleError("VALIDATION_FAILED", "bad sheet", {
      issues: [{ path: "data.patient.ins", rule: "ins.key", message: { fr: "clé", en: "key" } }],
    });
    expect(e.code).toBe("VALIDATION_FAILED");
    expect(e.httpStatus).toBe(422);
    expect(e.issues[0]?.path).toBe("data.patient.ins");
    expect(e).toBeInstanceOf(Error);
  });

  it("maps every client-caused code to a 4xx", () => {
    for (const code of [
      "INVALID_JSON",
      "VALIDATION_FAILED",
      "UNKNOWN_FORM",
      "BAD_PASSPHRASE",
      "NOT_A_PDF",
    ] as const) {
      expect(HTTP_STATUS[code]).toBeGreaterThanOrEqual(400);
      expect(HTTP_STATUS[code]).toBeLessThan(500);
    }
  });
});

describe("fixedClock", () => {
  it("stands still until advanced", () => {
    const c = fixedClock("2026-01-02T03:04:05Z");
    expect(c.now().toISOString()).toBe("2026-01-02T03:04:05.000Z");
    c.advance(1000);
    expect(c.now().toISOString()).toBe("2026-01-02T03:04:06.000Z");
  });
});
