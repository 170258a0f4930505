import { describe, expect, it } from "vitest";
import { DerError, children, oid, readOid, readTlv, setOf, tlv } from "../../../src/pdf/der.ts";
import {
  decodeTextString,
  indirectObjects,
  parsePdfDate,
  parseValue,
  type PdfDict,
  type PdfString,
} from "../../../src/pdf/pdf-objects.ts";

describe("DER helpers", () => {
  it("encodes OIDs and long lengths, and reads them back", () => {
    expect(oid("1.2.840.113549.1.9.16.2.47").toString("hex")).toBe("060b2a864886f70d010910022f");
    const big = tlv(0x04, Buffer.alloc(300, 7));
    expect(big.subarray(0, 4).toString("hex")).toBe("0482012c");
    expect(readTlv(big, 0)).toMatchObject({ tag: 4, contentStart: 4, end: 304 });
    expect(readOid(oid("2.16.840.1.101.3.4.2.1"), readTlv(oid("2.16.840.1.101.3.4.2.1"), 0))).toBe(
      "2.16.840.1.101.3.4.2.1",
    );
  });

  it("sorts SET OF elements by encoding (X.690 §11.6)", () => {
    const a = tlv(0x04, Buffer.from([2]));
    const b = tlv(0x04, Buffer.from([1, 9]));
    const c = tlv(0x02, Buffer.from([5]));
    const set = setOf([a, b, c]);
    expect(children(set, readTlv(set, 0)).map((t) => set.subarray(t.start, t.end).toString("hex"))).toEqual([
      "020105",
      "040102",
      "04020109",
    ]);
  });

  it("reads BER indefinite lengths and rejects truncation", () => {
    const ber = Buffer.from("3080040100" + "0000", "hex");
    expect(readTlv(ber, 0)).toMatchObject({ contentStart: 2, contentEnd: 5, end: 7 });
    expect(() => readTlv(Buffer.from("3005040100", "hex"), 0)).toThrow(DerError);
  });
});

describe("PDF object parser", () => {
  const parse = (s: string) => parseValue(Buffer.from(s, "latin1"), 0).value;

  it("parses dictionaries, arrays, references, names and strings", () => {
    const v = parse(
      "<< /Type /Sig /A [1 0 R 2.5 -3 true null] /N /application#2Fjson /S (a\\(b\\)c\\n\\101) >>",
    );
    expect(v).toMatchObject({ kind: "dict" });
    const entries = (v as PdfDict).entries;
    expect(entries.get("A")).toEqual([{ kind: "ref", num: 1, gen: 0 }, 2.5, -3, true, null]);
    expect(entries.get("N")).toEqual({ kind: "name", name: "application/json" });
    expect((entries.get("S") as PdfString).bytes.toString("latin1")).toBe("a(b)c\nA");
  });

  it("records the exact offsets of hex strings", () => {
    const src = "<< /Contents <00ff> >>";
    const contents = (parse(src) as PdfDict).entries.get("Contents") as PdfString;
    expect([contents.start, contents.end, contents.hex]).toEqual([13, 19, true]);
    expect(contents.bytes).toEqual(Buffer.from([0, 255]));
  });

  it("decodes text strings and dates", () => {
    const utf16 = parse("<FEFF00C9>") as PdfString;
    expect(decodeTextString(utf16)).toBe("É");
    expect(parsePdfDate("D:20250310143000Z")).toEqual(new Date("2025-03-10T14:30:00Z"));
    expect(parsePdfDate("D:20250310153000+01'00'")).toEqual(new Date("2025-03-10T14:30:00Z"));
    expect(parsePdfDate("yesterday")).toBeUndefined();
  });

  it("skips stream data while scanning objects", () => {
    const pdf = Buffer.from(
      "%PDF-1.7\n1 0 obj\n<< /Length 12 >>\nstream\n2 0 obj (no)\nendstream\nendobj\n3 0 obj\n42\nendobj\n",
      "latin1",
    );
    expect([...indirectObjects(pdf)].map((o) => [o.num, o.value])).toEqual([
      [1, { kind: "dict", entries: new Map([["Length", 12]]) }],
      [3, 42],
    ]);
  });
});
