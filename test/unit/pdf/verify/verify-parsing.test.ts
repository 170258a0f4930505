import { X509Certificate } from "node:crypto";
import * as asn1js from "asn1js";
import fc from "fast-check";
import { AttributeTypeAndValue, Certificate as PkiCertificate, type AttributeValueType } from "pkijs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isPasserelleError } from "../../../../src/core/errors.ts";
import { oid, sequence, setOf, tlv } from "../../../../src/pdf/sign/der.ts";
import { OID } from "../../../../src/pdf/verify/oids.ts";
import {
  decodeTextString,
  indirectObjects,
  parsePdfDate,
  parseValue,
  type PdfDict,
  type PdfString,
} from "../../../../src/pdf/verify/pdf-objects.ts";
import { P12Signer } from "../../../../src/pdf/sign/signer.ts";
import { signPdf } from "../../../../src/pdf/sign/sign.ts";
import { extractSignature, verifyPdf, type VerificationReport } from "../../../../src/pdf/verify/verify.ts";
import { identity } from "../../../../src/pdf/verify/verify-identity.ts";
import { loadCertificate, type Certificate } from "../../../../src/pdf/verify/verify-read.ts";
import { PASSPHRASE, VERIFY_CLOCK, makePki, renderSample, type TestPki } from "../sign-fixtures.ts";

describe("DER writer, read back by asn1js", () => {
  it("encodes OIDs and long lengths", () => {
    expect(oid("1.2.840.113549.1.9.16.2.47").toString("hex")).toBe("060b2a864886f70d010910022f");
    const big = tlv(0x04, Buffer.alloc(300, 7));
    expect(big.subarray(0, 4).toString("hex")).toBe("0482012c");
    const read = asn1js.fromBER(big);
    expect(read.offset).toBe(304);
    expect((read.result as asn1js.OctetString).valueBlock.valueHexView).toEqual(new Uint8Array(300).fill(7));
    const o = asn1js.fromBER(oid("2.16.840.1.101.3.4.2.1")).result as asn1js.ObjectIdentifier;
    expect(o.getValue()).toBe("2.16.840.1.101.3.4.2.1");
  });

  it("sorts SET OF elements by encoding (X.690 §11.6)", () => {
    const a = tlv(0x04, Buffer.from([2]));
    const b = tlv(0x04, Buffer.from([1, 9]));
    const c = tlv(0x02, Buffer.from([5]));
    const set = asn1js.fromBER(setOf([a, b, c])).result;
    if (!(set instanceof asn1js.Set)) throw new Error("not a SET");
    expect(set.valueBlock.value.map((e) => Buffer.from(e.valueBeforeDecodeView).toString("hex"))).toEqual([
      "020105",
      "040102",
      "04020109",
    ]);
  });
});

// ------------------------------------------------------------------------------------------------
// Hostile /Contents: whatever the bytes, the verifier answers with a report or a PasserelleError.

let pki: TestPki;
let signed: Buffer;
beforeAll(async () => {
  pki = await makePki();
  signed = await signPdf(await renderSample(), await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE));
});
afterAll(() => pki.cleanup());

/** The signed PDF with `der` (hex-encoded, zero-padded) in place of its /Contents. */
function withContents(der: Uint8Array): Buffer {
  const [, contentsStart = 0, contentsEnd = 0] = extractSignature(signed).byteRange;
  const room = (contentsEnd - contentsStart - 2) / 2;
  const out = Buffer.from(signed);
  out.write(
    Buffer.concat([der, Buffer.alloc(Math.max(0, room - der.length))])
      .subarray(0, room)
      .toString("hex"),
    contentsStart + 1,
    "latin1",
  );
  return out;
}

/** A report, or the code of a PasserelleError; anything else thrown fails the test. */
async function outcome(pdf: Buffer): Promise<VerificationReport | string> {
  try {
    return await verifyPdf(pdf, { trustedCas: [pki.caPem], clock: VERIFY_CLOCK });
  } catch (e) {
    if (isPasserelleError(e)) return e.code;
    throw e;
  }
}

const codes = (r: VerificationReport | string): string[] =>
  typeof r === "string" ? [r] : r.issues.map((i) => i.code);

describe("verifyPdf on hostile CMS bytes", () => {
  const cms = (): Buffer => extractSignature(signed).cmsDer;
  const signedDataOid = oid(OID.signedData);
  const cases: [string, () => Uint8Array][] = [
    ["garbage", () => Buffer.from("not DER at all, just text")],
    ["a lone tag byte", () => Buffer.from([0x30])],
    ["truncated to half", () => cms().subarray(0, cms().length >> 1)],
    ["truncated by one byte", () => cms().subarray(0, cms().length - 1)],
    [
      "outer length one byte too long",
      () => Buffer.concat([Buffer.from([0x30, 0x82]), u16(cms().readUInt16BE(2) + 1), cms().subarray(4)]),
    ],
    [
      "outer length one byte too short",
      () => Buffer.concat([Buffer.from([0x30, 0x82]), u16(cms().readUInt16BE(2) - 1), cms().subarray(4)]),
    ],
    ["a 4 GiB length", () => Buffer.from([0x30, 0x84, 0xff, 0xff, 0xff, 0xff, 0x06, 0x00])],
    ["a length of 2^64", () => Buffer.from([0x30, 0x89, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0x06, 0x00])],
    ["an unterminated indefinite length", () => Buffer.from([0x30, 0x80, 0x30, 0x80, 0x06, 0x01, 0x2a])],
    ["an indefinite length on a primitive", () => Buffer.from([0x04, 0x80, 0x00, 0x00])],
    ["a multi-byte tag", () => Buffer.from([0x1f, 0x81, 0x00, 0x00])],
    ["deeply nested SEQUENCEs", () => nested(3000)],
    ["a BMPString of odd length (asn1js throws a RangeError)", () => tlv(0x1e, Buffer.from([0, 0xe9, 0]))],
    [
      "a ContentInfo that is not SignedData",
      () => sequence(oid(OID.data), tlv(0xa0, tlv(0x04, Buffer.from("x")))),
    ],
    ["SignedData with nothing inside", () => sequence(signedDataOid, tlv(0xa0, sequence()))],
    [
      "SignedData with an empty signer set",
      () =>
        sequence(
          signedDataOid,
          tlv(0xa0, sequence(tlv(0x02, Buffer.from([1])), setOf([]), sequence(oid(OID.data)), setOf([]))),
        ),
    ],
  ];

  it.each(cases)("%s: a typed verdict, never a crash", async (_name, bytes) => {
    const result = await outcome(withContents(bytes()));
    expect(typeof result === "string" ? result : result.valid).not.toBe(true);
    if (typeof result !== "string") expect(result.signatureValid).toBe(false);
    expect(codes(result).length).toBeGreaterThan(0);
  });

  it("names an unreadable CMS as such", async () => {
    for (const name of ["garbage", "truncated to half", "a 4 GiB length", "deeply nested SEQUENCEs"]) {
      const make = cases.find(([n]) => n === name)?.[1];
      expect(codes(await outcome(withContents(make!()))), name).toContain("cms-unparsable");
    }
  });

  it("property: random mutations of the CMS bytes never crash verify, nor pass a change to what is signed", async () => {
    const original = cms();
    const signedParts = protectedRanges(original, new X509Certificate(pki.signerCertPem).raw);
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ at: fc.nat(original.length - 1), byte: fc.integer({ min: 0, max: 255 }) }), {
          minLength: 1,
          maxLength: 6,
        }),
        fc.option(fc.nat(original.length), { nil: undefined }),
        async (edits, truncateAt) => {
          const der = Buffer.from(original);
          for (const { at, byte } of edits) der[at] = byte;
          const mutated = truncateAt === undefined ? der : der.subarray(0, truncateAt);
          const result = await outcome(withContents(mutated));
          if (typeof result === "string" || !result.valid) return;
          // The envelope (versions, algorithm sets, other certificates) is not signed: a change there
          // may stay valid. The signed attributes, the signature and the signer's certificate may not.
          const changed = [...original.keys()].filter((i) => mutated[i] !== original[i]);
          expect(changed.filter((i) => signedParts.some(([from, to]) => i >= from && i < to))).toEqual([]);
        },
      ),
      { numRuns: 200 },
    );
  });

  it("property: random bytes in /Contents never crash verify", async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ minLength: 1, maxLength: 600 }), async (bytes) => {
        const result = await outcome(withContents(bytes));
        expect(typeof result === "string" || !result.valid).toBe(true);
      }),
      { numRuns: 100 },
    );
  });
});

/**
 * Where, in the CMS DER, lie the bytes a valid verdict depends on: the signed attributes, the
 * signature value (RFC 5652 §5.3) and the signer's certificate. Read with asn1js (offsets of each
 * element's original encoding).
 */
function protectedRanges(der: Buffer, signerCert: Uint8Array): [number, number][] {
  const kids = (e: asn1js.AsnType | undefined): asn1js.AsnType[] => {
    if (!(e instanceof asn1js.Constructed)) {
      throw new Error("not a constructed element");
    }
    return e.valueBlock.value;
  };
  const range = (e: asn1js.AsnType): [number, number] => {
    const view = e.valueBeforeDecodeView;
    return [view.byteOffset - der.byteOffset, view.byteOffset - der.byteOffset + view.byteLength];
  };
  const signedData = kids(kids(kids(asn1js.fromBER(der).result)[1])[0]);
  const certificates = kids(signedData.find((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0));
  const signerInfo = kids(kids(signedData.at(-1))[0]);
  const cert = certificates.find((c) => Buffer.from(c.valueBeforeDecodeView).equals(signerCert))!;
  const attrs = signerInfo.find((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0)!;
  return [range(cert), range(attrs), range(signerInfo.at(-1)!)];
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

/** `depth` SEQUENCEs inside one another, with indefinite lengths (2 bytes each, then the end-of-contents octets). */
function nested(depth: number): Buffer {
  return Buffer.concat([Buffer.alloc(depth * 2, Buffer.from([0x30, 0x80])), Buffer.alloc(depth * 2, 0)]);
}

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

describe("signer identity", () => {
  /** A certificate read from DER whose subject is `C=FR, CN=<value>` (unsigned: identity() does not verify). */
  function withCommonName(value: AttributeValueType): Certificate {
    const cert = new PkiCertificate();
    cert.subject.typesAndValues.push(
      new AttributeTypeAndValue({ type: "2.5.4.6", value: new asn1js.PrintableString({ value: "FR" }) }),
    );
    cert.subject.typesAndValues.push(new AttributeTypeAndValue({ type: "2.5.4.3", value }));
    cert.serialNumber = new asn1js.Integer({ valueHex: Uint8Array.from([0x00, 0x8f, 0x01]).buffer });
    cert.notBefore.value = new Date("2025-01-01T00:00:00Z");
    cert.notAfter.value = new Date("2026-01-01T00:00:00Z");
    cert.subjectPublicKeyInfo.algorithm.algorithmId = OID.rsaEncryption;
    cert.signatureAlgorithm.algorithmId = OID.sha256WithRSAEncryption;
    cert.signature.algorithmId = OID.sha256WithRSAEncryption;
    return loadCertificate(new Uint8Array(cert.toSchema(true).toBER()));
  }
  const named = (tag: number, hex: string): AttributeValueType => {
    const value = asn1js.fromBER(tlv(tag, Buffer.from(hex, "hex"))).result;
    const strings = [asn1js.Utf8String, asn1js.BmpString, asn1js.UniversalString, asn1js.TeletexString];
    if (!strings.some((type) => value instanceof type)) throw new Error("not a directory string");
    return value as AttributeValueType;
  };

  it.each([
    ["UTF8String", named(0x0c, "c3a9"), "é"],
    ["UTF8String with an invalid byte", named(0x0c, "ff41"), "\uFFFDA"],
    ["BMPString", named(0x1e, "00e90041"), "éA"],
    ["UniversalString", named(0x1c, "000000e9"), "é"],
    ["TeletexString (Latin-1)", named(0x14, "e9"), "é"],
  ])("decodes a %s common name", (_type, value, expected) => {
    const signer = identity(withCommonName(value));
    expect(signer.commonName).toBe(expected);
    expect(signer.subject).toBe(`CN=${expected},C=FR`);
    expect(signer.serialNumber).toBe("8F01");
  });

  it("escapes RFC 4514 specials in names", () => {
    const signer = identity(withCommonName(new asn1js.Utf8String({ value: "A, B+C" })));
    expect(signer.subject).toBe("CN=A\\, B\\+C,C=FR");
  });
});
