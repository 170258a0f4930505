import { describe, expect, it } from "vitest";
import {
  formatDate,
  formatDateTime,
  formatNir,
  isPresent,
  valueAt,
} from "../../../../src/pdf/render/format.ts";

describe("sheet value formatting", () => {
  it("prints calendar dates the French way without time-zone shifts", () => {
    expect(formatDate("1948-03-12")).toBe("12/03/1948");
  });
  it("prints instants in Paris civil time (winter and summer offsets)", () => {
    expect(formatDateTime("2026-01-16T09:30:00Z")).toBe("16/01/2026 à 10:30");
    expect(formatDateTime("2026-07-16T09:30:00Z")).toBe("16/07/2026 à 11:30");
  });
  it("groups an INS-NIR as on the carte Vitale", () => {
    expect(formatNir("248037511204721")).toBe("2 48 03 75 112 047 21");
  });
  it("reads dotted paths and knows what is worth printing", () => {
    expect(valueAt({ a: { b: "x" } }, "a.b")).toBe("x");
    expect(valueAt({ a: "x" }, "a.b")).toBeUndefined();
    expect(isPresent("  ")).toBe(false);
    expect(isPresent([])).toBe(false);
    expect(isPresent({ x: "" })).toBe(false);
    expect(isPresent(false)).toBe(true);
  });
});
