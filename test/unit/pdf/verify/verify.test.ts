import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../../src/core/clock.ts";
import { isPasserelleError } from "../../../../src/core/errors.ts";
import { extractEmbeddedFiles } from "../../../../src/pdf/verify/embedded-files.ts";
import { P12Signer } from "../../../../src/pdf/sign/signer.ts";
import { signPdf } from "../../../../src/pdf/sign/sign.ts";
import { extractSignature, verifyPdf, type VerificationReport } from "../../../../src/pdf/verify/verify.ts";
import {
  PASSPHRASE,
  SHEET_JSON,
  SIGNING_TIME,
  VERIFY_CLOCK,
  makePki,
  renderSample,
  type TestPki,
} from "../sign-fixtures.ts";

let pki: TestPki;
let otherPki: TestPki;
let signed: Buffer;

beforeAll(async () => {
  [pki, otherPki] = await Promise.all([makePki(), makePki({ organisation: "Autre établissement" })]);
  signed = await signPdf(await renderSample(), await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE));
});
afterAll(() => Promise.all([pki.cleanup(), otherPki.cleanup()]));

const verify = (
  pdf: Buffer,
  trustedCas: (string | Uint8Array)[] = [pki.caPem],
): Promise<VerificationReport> => verifyPdf(pdf, { trustedCas, clock: VERIFY_CLOCK });
const codes = (r: VerificationReport): string[] => r.issues.map((i) => i.code);

describe("verifyPdf", () => {
  it("accepts the untouched signed file, with the CA as PEM or DER", async () => {
    expect((await verify(signed)).valid).toBe(true);
    const der = Buffer.from(pki.caPem.replace(/-----[^-]+-----|\s/g, ""), "base64");
    expect((await verify(signed, [der])).valid).toBe(true);
    expect((await verify(signed, [otherPki.caPem + pki.caPem])).valid).toBe(true); // PEM bundle
  });

  it("detects one flipped byte anywhere in the signed ranges", async () => {
    const [, len1 = 0, start2 = 0, len2 = 0] = extractSignature(signed).byteRange;
    const positions = [
      ...Array.from({ length: 12 }, (_, i) => 20 + Math.floor(((len1 - 20) * i) / 12)),
      ...Array.from({ length: 12 }, (_, i) => start2 + Math.floor((len2 * i) / 12)),
      signed.length - 1,
    ];
    for (const pos of positions) {
      const tampered = Buffer.from(signed);
      tampered[pos] = (tampered[pos] ?? 0) ^ 0x01;
      let report: VerificationReport | undefined;
      try {
        report = await verify(tampered);
      } catch (e) {
        expect(isPasserelleError(e), `byte ${String(pos)}`).toBe(true); // e.g. a damaged %%EOF
        continue;
      }
      expect(report.valid, `byte ${String(pos)}`).toBe(false);
    }
  });

  it("reports a content change as a digest mismatch", async () => {
    const [, len1 = 0] = extractSignature(signed).byteRange;
    const tampered = Buffer.from(signed);
    const pos = Math.floor(len1 / 2);
    tampered[pos] = (tampered[pos] ?? 0) ^ 0x01;
    const report = await verify(tampered);
    expect(report).toMatchObject({ valid: false, signatureValid: false, byteRangeCoversWholeFile: true });
    expect(codes(report)).toContain("digest-mismatch");
  });

  it("flags bytes appended after signing (incremental update) as not covering the whole file", async () => {
    const updated = Buffer.concat([signed, Buffer.from("\n99 0 obj\n<< /Injected true >>\nendobj\n%%EOF\n")]);
    const report = await verify(updated);
    expect(report).toMatchObject({ valid: false, signatureValid: true, byteRangeCoversWholeFile: false });
    expect(codes(report)).toContain("not-whole-file");
  });

  it("keeps the signature valid but the chain untrusted for another CA", async () => {
    const report = await verify(signed, [otherPki.caPem]);
    expect(report).toMatchObject({ valid: false, signatureValid: true, chainTrusted: false });
    expect(codes(report)).toEqual(["chain-untrusted"]);
    expect(report.signer?.finess).toBe("420784878");
  });

  it("checks certificate validity at the signing time (/M)", async () => {
    const late = await renderSample({ placeholder: { signingTime: new Date("2031-01-01T00:00:00Z") } });
    const signedLate = await signPdf(late, await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE));
    const report = await verifyPdf(signedLate, {
      trustedCas: [pki.caPem],
      clock: fixedClock("2031-01-02T00:00:00Z"),
    });
    expect(report).toMatchObject({ valid: false, signatureValid: true, chainTrusted: false });
    expect(codes(report)).toContain("certificate-expired");
    const future = await verifyPdf(signed, {
      trustedCas: [pki.caPem],
      clock: fixedClock("2025-03-01T00:00:00Z"),
    });
    expect(codes(future)).toContain("signing-time-future");
    expect((await verify(signed)).signingTime).toEqual(SIGNING_TIME);
  });

  it("reports a damaged CMS instead of crashing", async () => {
    const { byteRange } = extractSignature(signed);
    const tampered = Buffer.from(signed);
    tampered.write("ff", (byteRange[1] ?? 0) + 1, "latin1"); // first byte of the DER
    const report = await verify(tampered);
    expect(report.valid).toBe(false);
    expect(codes(report)).toContain("cms-unparsable");
  });

  it("reports a non-hex character in /Contents as a damaged signature", async () => {
    const { byteRange } = extractSignature(signed);
    const tampered = Buffer.from(signed);
    tampered.write("zz", (byteRange[1] ?? 0) + 41, "latin1");
    const report = await verify(tampered);
    expect(report.valid).toBe(false);
    expect(codes(report)).toContain("contents-malformed");
  });

  it("never crashes nor accepts randomly damaged files", async () => {
    const original = extractSignature(signed).cmsDer;
    let seed = 42;
    const random = (n: number): number => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let i = 0; i < 300; i++) {
      const damaged = Buffer.from(signed);
      for (let k = 0; k <= i % 3; k++) damaged[random(damaged.length)] = random(256);
      const input = i % 10 === 0 ? damaged.subarray(0, random(damaged.length)) : damaged;
      let report: VerificationReport;
      try {
        report = await verify(input);
      } catch (e) {
        expect(isPasserelleError(e), String(e)).toBe(true);
        continue;
      }
      // Only the zero padding of /Contents (or the case of a hex digit) is outside the signature.
      if (report.valid) expect(extractSignature(input).cmsDer.equals(original)).toBe(true);
    }
  });

  it("raises NOT_A_PDF / PDF_UNSUPPORTED for garbage, truncated or unsigned input", async () => {
    const codeOf = async (input: Buffer): Promise<string | undefined> => {
      try {
        await verify(input);
        return undefined;
      } catch (e) {
        return isPasserelleError(e) ? e.code : "crash";
      }
    };
    expect(await codeOf(Buffer.alloc(0))).toBe("NOT_A_PDF");
    expect(await codeOf(Buffer.from("garbage, definitely not a PDF"))).toBe("NOT_A_PDF");
    expect(await codeOf(signed.subarray(0, Math.floor(signed.length / 2)))).toBe("PDF_UNSUPPORTED");
    expect(await codeOf(signed.subarray(0, signed.length - 10))).toBe("PDF_UNSUPPORTED");
    expect(await codeOf(await renderSample({ placeholder: false }))).toBe("PDF_UNSUPPORTED");
    expect(await codeOf(await renderSample())).toBe("PDF_UNSUPPORTED"); // placeholder never signed
    expect(() => extractSignature(Buffer.from("%PDF-1.7\n%%EOF\n"))).toThrow(/no signature/);
  });

  it("rejects unreadable trust anchors with CONFIG_INVALID", async () => {
    const invalid = expect.objectContaining({ code: "CONFIG_INVALID" });
    await expect(verify(signed, ["not a PEM"])).rejects.toThrow(invalid);
    const broken = "-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----";
    await expect(verify(signed, [broken])).rejects.toThrow(invalid);
    await expect(verify(signed, [Buffer.from("junk")])).rejects.toThrow(invalid);
  });
});

describe("extractEmbeddedFiles", () => {
  it("returns the JSON attached by pdfkit, inflated", () => {
    const files = extractEmbeddedFiles(signed);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ name: "fiche.json", mimeType: "application/json" });
    expect(JSON.parse(files[0]!.content.toString("utf8"))).toEqual(SHEET_JSON);
  });

  it("rejects non-PDF input", () => {
    expect(() => extractEmbeddedFiles(Buffer.from("{}"))).toThrow(
      expect.objectContaining({ code: "NOT_A_PDF" }),
    );
  });
});
