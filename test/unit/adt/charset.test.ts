/**
 * MSH-18 per message (HL7 v2.5 §2.15.9.18, table 0211): the bytes are decoded after MSH-18 is read,
 * in 8859/1, 8859/15, ASCII or UTF-8, the listener's default only when MSH-18 is empty; a name
 * decoded wrong never comes out (mislabelled or invalid bytes are refused with a reason). And the
 * HL7 v2 leniency the profile allows: segments ended early, trailing parts omitted.
 */
import { describe, expect, it } from "vitest";
import { parseAdt, parseEr7 } from "../../../src/adt/index.ts";
import { decodeHl7, encodeHl7, hexDecoder } from "../../../src/adt/charset.ts";
import { pamFixture } from "../../helpers/adt.ts";

const withCharset = (charset: string, name = "HÉLÈNE"): string =>
  pamFixture("a01-admit.hl7")
    .replace("|UNICODE UTF-8|", `|${charset}|`)
    .replace("MARCHAL^Odette", `${name}^Odette`);
const lastNameOf = (bytes: Buffer, fallback: "UNICODE UTF-8" | "8859/1" = "UNICODE UTF-8") => {
  const d = decodeHl7(bytes, fallback);
  if (!d.ok) return d.reason;
  const r = parseAdt(parseEr7(d.text, hexDecoder(d.charset))!);
  return r.ok ? r.event.patient.lastName : r.reason;
};

describe("character set per message", () => {
  it("8859/1, 8859/15 and UTF-8 bytes give the same name; an empty MSH-18 takes the listener's default", () => {
    expect(lastNameOf(Buffer.from(withCharset("8859/1"), "latin1"))).toBe("HÉLÈNE");
    expect(lastNameOf(Buffer.from(withCharset("UNICODE UTF-8"), "utf8"))).toBe("HÉLÈNE");
    expect(lastNameOf(encodeHl7(withCharset("8859/15", "ŒUVRÉ"), "8859/15"))).toBe("ŒUVRÉ");
    expect(lastNameOf(Buffer.from(withCharset("", "ÇA"), "latin1"), "8859/1")).toBe("ÇA");
    expect(lastNameOf(Buffer.from(withCharset("", "ÇA"), "utf8"), "UNICODE UTF-8")).toBe("ÇA");
    const ascii = withCharset("ASCII", "DUPONT")
      .normalize("NFD")
      .replace(/[\u0300-\u036f]/g, "");
    expect(lastNameOf(Buffer.from(ascii, "latin1"))).toBe("DUPONT");
  });

  it("mislabelled or invalid bytes are refused, never decoded into a corrupted name", () => {
    // 8859/1 bytes under UTF-8 (declared, or by default)
    expect(lastNameOf(Buffer.from(withCharset("UNICODE UTF-8"), "latin1"))).toBe("charset.invalid_utf8");
    expect(lastNameOf(Buffer.from(withCharset(""), "latin1"))).toBe("charset.invalid_utf8");
    // UTF-8 bytes under 8859/1: "é" would read "Ã©" (and "É", C3 89, holds a C1 byte)
    expect(lastNameOf(Buffer.from(withCharset("8859/1", "Hélène"), "utf8"))).toBe("charset.mismatch");
    expect(lastNameOf(Buffer.from(withCharset("8859/1"), "utf8"))).toBe("charset.c1_control");
    // Windows-1252 curly quote (0x92) under 8859/1: a C1 control there
    expect(lastNameOf(Buffer.from(withCharset("8859/1", "D\u0092ARC"), "latin1"))).toBe("charset.c1_control");
    expect(lastNameOf(Buffer.from(withCharset("ASCII"), "latin1"))).toBe("charset.not_ascii");
    expect(decodeHl7(Buffer.from(withCharset("UNICODE UTF-16"), "latin1"), "UNICODE UTF-8")).toMatchObject({
      ok: false,
      reason: "charset.unsupported",
      unsupported: true,
    });
    // a \\X..\\ escape that does not decode leaves U+FFFD: refused too
    expect(lastNameOf(Buffer.from(withCharset("UNICODE UTF-8", "H\\XC3\\LENE"), "utf8"))).toBe(
      "pid5.garbled",
    );
    expect(lastNameOf(Buffer.from(withCharset("UNICODE UTF-8", "H\\XC389\\LENE"), "utf8"))).toBe("HÉLENE");
  });
});

describe("HL7 v2 leniency: a segment may end before its last field", () => {
  const admit = pamFixture("a01-admit.hl7");
  const parse = (text: string) => parseAdt(parseEr7(text)!);
  const cut = (seg: string, keep: number) =>
    admit
      .split("\r")
      .map((s) =>
        s.startsWith(`${seg}|`)
          ? s
              .split("|")
              .slice(0, keep + 1)
              .join("|")
          : s,
      )
      .join("\r");
  it("a PID without PID-32 and a PV1 ended after PV1-19 are read; ended before PV1-19 is AE naming PV1-19", () => {
    expect(parse(cut("PID", 11)).ok).toBe(true);
    expect(parse(cut("PV1", 19))).toMatchObject({ ok: true, event: { stay: { visit: "2026000123" } } });
    expect(parse(cut("PV1", 18))).toMatchObject({ ok: false, ack: "AE", location: "PV1^1^19" });
    expect(parse(cut("ZBE", 2))).toMatchObject({ ok: true, event: { stay: { unit: "3B" } } });
    expect(parse(cut("MSH", 8))).toMatchObject({ ok: false, ack: "AR", location: "MSH^1^10" });
    expect(parse("MSH|^~\\&")).toMatchObject({ ok: false, ack: "AR" });
    expect(parseEr7("hello")).toBeUndefined();
    expect(parseEr7("MSH|^^\\&|")).toBeUndefined(); // delimiters must be distinct
  });
});
