import { describe, expect, it } from "vitest";
import { checkIdentifier, computeCheckKey, withCheckKey } from "../../../src/forms/index.ts";
import type { IdentifierType } from "../../../src/forms/index.ts";
import { luhnValid } from "../../../src/forms/identifiers.ts";

const ok = { ok: true };
const reason = (r: string) => ({ ok: false, reason: r });

/** Changes the last character (the key, or its last digit) to another digit. */
const breakKey = (v: string): string => v.slice(0, -1) + String((Number(v.at(-1)) + 1) % 10);

describe("Luhn", () => {
  it("accepts the textbook value and rejects a one-digit change", () => {
    expect(luhnValid("79927398713")).toBe(true);
    expect(luhnValid("79927398710")).toBe(false);
  });
});

describe("RPPS", () => {
  const valid = withCheckKey("rpps", "1000123456");
  it("accepts a Luhn-valid 11-digit number", () => {
    expect(checkIdentifier("rpps", valid)).toEqual(ok);
    expect(checkIdentifier("rpps", "99900001019")).toEqual(ok);
  });
  it("rejects a wrong key, a wrong length, letters", () => {
    expect(checkIdentifier("rpps", breakKey(valid))).toEqual(reason("key"));
    expect(checkIdentifier("rpps", valid.slice(1))).toEqual(reason("length"));
    expect(checkIdentifier("rpps", `${valid}0`)).toEqual(reason("length"));
    expect(checkIdentifier("rpps", "1000A234560")).toEqual(reason("charset"));
    expect(checkIdentifier("rpps", "1000 123456")).toEqual(reason("charset"));
  });
});

describe("ADELI", () => {
  it("accepts numbers published on practitioners' pages (Luhn over 9 digits)", () => {
    for (const v of ["449311372", "699353793", "789310596", "339331548"]) {
      expect(checkIdentifier("adeli", v)).toEqual(ok);
    }
    expect(checkIdentifier("adeli", withCheckKey("adeli", "69609912"))).toEqual(ok);
  });
  it("rejects a wrong key, a wrong length, letters outside the département", () => {
    expect(checkIdentifier("adeli", breakKey("449311372"))).toEqual(reason("key"));
    expect(checkIdentifier("adeli", "44931137")).toEqual(reason("length"));
    expect(checkIdentifier("adeli", "4493113A2")).toEqual(reason("charset"));
    expect(checkIdentifier("adeli", "2C9311372")).toEqual(reason("charset"));
  });
  it("accepts Corsican and overseas départements on structure alone", () => {
    expect(checkIdentifier("adeli", "2A6012345")).toEqual(ok);
    expect(checkIdentifier("adeli", "9B6012345")).toEqual(ok);
  });
});

describe("FINESS", () => {
  it("accepts published mainland and overseas numbers", () => {
    for (const v of ["750712184", "130786049", "690781810", "330781196", "970408589"]) {
      expect(checkIdentifier("finess", v)).toEqual(ok);
    }
  });
  it("accepts published Corsican numbers (2A → 21, 2B → 22 for the Luhn key)", () => {
    for (const v of ["2A0000154", "2B0004246", "2B0000038", "2B0005342", "2B0005359"]) {
      expect(checkIdentifier("finess", v)).toEqual(ok);
    }
    expect(computeCheckKey("finess", "2A000015")).toBe("4");
    expect(computeCheckKey("finess", "2B000424")).toBe("6");
    expect(checkIdentifier("finess", "2A0000155")).toEqual(reason("key"));
  });
  it("rejects a wrong key, a wrong length, letters", () => {
    expect(checkIdentifier("finess", breakKey("750712184"))).toEqual(reason("key"));
    expect(checkIdentifier("finess", "75071218")).toEqual(reason("length"));
    expect(checkIdentifier("finess", "7507121A4")).toEqual(reason("charset"));
    expect(checkIdentifier("finess", "2a0000154")).toEqual(reason("charset"));
  });
});

describe("INS-NIR", () => {
  it("computes the key as 97 − (N mod 97), as in published worked examples", () => {
    expect(computeCheckKey("ins", "1370476243484")).toBe("15");
    expect(computeCheckKey("ins", "2620875032039")).toBe("77");
    expect(computeCheckKey("ins", "1891275125012")).toBe("82");
  });
  it("accepts valid numbers, Corsica included (2A → 19, 2B → 18)", () => {
    expect(checkIdentifier("ins", "248037511204721")).toEqual(ok);
    const corse = withCheckKey("ins", "152072A004123");
    expect(corse).toBe(`152072A004123${String(97 - Number(1520719004123n % 97n)).padStart(2, "0")}`);
    expect(checkIdentifier("ins", corse)).toEqual(ok);
    expect(checkIdentifier("ins", withCheckKey("ins", "280112B033001"))).toEqual(ok);
  });
  it("accepts NIA and special months, rejects impossible structures", () => {
    expect(checkIdentifier("ins", withCheckKey("ins", "7850399123456"))).toEqual(ok);
    expect(checkIdentifier("ins", withCheckKey("ins", "1853599123456"))).toEqual(ok);
    expect(checkIdentifier("ins", withCheckKey("ins", "5480375112047"))).toEqual(reason("structure"));
    expect(checkIdentifier("ins", withCheckKey("ins", "2481375112047"))).toEqual(reason("structure"));
    expect(checkIdentifier("ins", withCheckKey("ins", "2480075112047"))).toEqual(reason("structure"));
  });
  it("rejects a wrong key, a wrong length, letters", () => {
    expect(checkIdentifier("ins", "248037511204722")).toEqual(reason("key"));
    expect(checkIdentifier("ins", "2480375112047")).toEqual(reason("length"));
    expect(checkIdentifier("ins", "24803751120472X")).toEqual(reason("charset"));
    expect(checkIdentifier("ins", "2480375X1204721")).toEqual(reason("charset"));
  });
});

describe("SIRET", () => {
  it("accepts Luhn-valid numbers", () => {
    expect(checkIdentifier("siret", "73282932000074")).toEqual(ok);
    expect(checkIdentifier("siret", withCheckKey("siret", "4420385910001"))).toEqual(ok);
  });
  it("accepts La Poste establishments by digit sum (multiple of 5), and its Luhn head office", () => {
    const poste = withCheckKey("siret", "3560000004512");
    expect(luhnValid(poste)).toBe(false);
    expect(checkIdentifier("siret", poste)).toEqual(ok);
    expect(checkIdentifier("siret", "35600000000048")).toEqual(ok);
    expect(checkIdentifier("siret", breakKey(poste))).toEqual(reason("key"));
  });
  it("rejects a wrong key, a wrong length, letters", () => {
    expect(checkIdentifier("siret", "73282932000075")).toEqual(reason("key"));
    expect(checkIdentifier("siret", "7328293200007")).toEqual(reason("length"));
    expect(checkIdentifier("siret", "7328293200007A")).toEqual(reason("charset"));
  });
});

describe("computeCheckKey", () => {
  it("produces values every check accepts", () => {
    const bodies: [IdentifierType, string][] = [
      ["rpps", "1012345678"],
      ["adeli", "75601234"],
      ["finess", "2B123456"],
      ["ins", "1990199999999"],
      ["siret", "1234567890123"],
    ];
    for (const [type, body] of bodies) expect(checkIdentifier(type, withCheckKey(type, body))).toEqual(ok);
  });
  it("refuses a body of the wrong shape", () => {
    expect(() => computeCheckKey("rpps", "123")).toThrow(RangeError);
    expect(() => computeCheckKey("ins", "24803751120472")).toThrow(RangeError);
    expect(() => computeCheckKey("siret", "12345678901A3")).toThrow(RangeError);
  });
});
