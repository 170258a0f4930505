/** Problem details (RFC 9457) from PasserelleError codes and body-parser errors. */
import { describe, expect, it } from "vitest";
import { problemType, toPasserelleError, toProblem } from "../../../src/api/index.ts";
import type { ErrorCode } from "../../../src/core/index.ts";
import { HTTP_STATUS, PasserelleError } from "../../../src/core/index.ts";

describe("toProblem", () => {
  it("maps a code to its HTTP status, a stable type and the field errors in English and French", () => {
    const p = toProblem(
      new PasserelleError("VALIDATION_FAILED", "invalid sheet: data.patient.ins", {
        issues: [
          { path: "data.patient.ins", rule: "ins.key", message: { en: "bad key", fr: "clé invalide" } },
        ],
      }),
    );
    expect(p).toEqual({
      type: "urn:passerelle:problem:validation-failed",
      title: "Validation failed",
      status: 422,
      detail: "invalid sheet: data.patient.ins",
      code: "VALIDATION_FAILED",
      errors: [{ path: "data.patient.ins", rule: "ins.key", message: "bad key", fr: "clé invalide" }],
    });
  });

  it("gives every code a title and its status from HTTP_STATUS; 5xx hide their message", () => {
    for (const code of Object.keys(HTTP_STATUS) as ErrorCode[]) {
      const p = toProblem(new PasserelleError(code, "secret detail /var/lib/x"));
      expect(p.status).toBe(HTTP_STATUS[code]);
      expect(p.title.length).toBeGreaterThan(0);
      expect(p.type).toBe(problemType(code));
      if (p.status >= 500) expect(p.detail).not.toContain("secret");
    }
  });

  it("API codes are 4xx: payload too large 413, media type 415, rate limited 429", () => {
    expect([
      HTTP_STATUS.PAYLOAD_TOO_LARGE,
      HTTP_STATUS.UNSUPPORTED_MEDIA_TYPE,
      HTTP_STATUS.RATE_LIMITED,
    ]).toEqual([413, 415, 429]);
  });
});

describe("toPasserelleError", () => {
  it("maps body-parser failures to client errors naming the body", () => {
    const parse = toPasserelleError(
      Object.assign(new SyntaxError("Unexpected token"), { type: "entity.parse.failed", status: 400 }),
    );
    expect(parse.code).toBe("INVALID_JSON");
    expect(parse.issues[0]?.path).toBe("body");
    expect(parse.message).not.toContain("Unexpected token");
    expect(toPasserelleError(Object.assign(new Error("x"), { type: "entity.too.large" })).code).toBe(
      "PAYLOAD_TOO_LARGE",
    );
    expect(toPasserelleError(Object.assign(new Error("x"), { type: "charset.unsupported" })).code).toBe(
      "UNSUPPORTED_MEDIA_TYPE",
    );
  });

  it("keeps a PasserelleError and turns anything else into INTERNAL without its message", () => {
    const e = new PasserelleError("NOT_FOUND", "transfer not found");
    expect(toPasserelleError(e)).toBe(e);
    const internal = toPasserelleError(new TypeError("cannot read MARCHAL"));
    expect(internal.code).toBe("INTERNAL");
    expect(toProblem(internal).detail).not.toContain("MARCHAL");
  });
});
