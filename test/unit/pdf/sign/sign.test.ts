import { createHash, X509Certificate } from "node:crypto";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PasserelleError } from "../../../../src/core/errors.ts";
import { OID } from "../../../../src/pdf/verify/oids.ts";
import { DEFAULT_SIGNATURE_LENGTH } from "../../../../src/pdf/sign/placeholder.ts";
import { P12Signer } from "../../../../src/pdf/sign/signer.ts";
import { findPlaceholder, signPdf } from "../../../../src/pdf/sign/sign.ts";
import { extractSignature, verifyPdf } from "../../../../src/pdf/verify/verify.ts";
import {
  PASSPHRASE,
  SIGNING_TIME,
  VERIFY_CLOCK,
  makePki,
  renderSample,
  type TestPki,
} from "../sign-fixtures.ts";

let pki: TestPki;
let signer: P12Signer;
let unsigned: Buffer;
let signed: Buffer;

beforeAll(async () => {
  pki = await makePki();
  signer = await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE);
  unsigned = await renderSample();
  signed = await signPdf(unsigned, signer);
});
afterAll(() => pki.cleanup());

const verify = (pdf: Buffer) => verifyPdf(pdf, { trustedCas: [pki.caPem], clock: VERIFY_CLOCK });

/** The signed attributes of the CMS, as forge ASN.1 (an independent parser). */
function signedAttributeOids(cmsDer: Buffer): { oids: string[]; attrs: forge.asn1.Asn1[] } {
  const ci = forge.asn1.fromDer(forge.util.createBuffer(cmsDer.toString("binary")));
  const sd = ((ci.value as forge.asn1.Asn1[])[1]!.value as forge.asn1.Asn1[])[0]!;
  const signerInfos = (sd.value as forge.asn1.Asn1[]).at(-1)!;
  const si = (signerInfos.value as forge.asn1.Asn1[])[0]!;
  const attrs = (si.value as forge.asn1.Asn1[])[3]!.value as forge.asn1.Asn1[];
  const oids = attrs.map((a) => forge.asn1.derToOid((a.value as forge.asn1.Asn1[])[0]!.value as string));
  return { oids, attrs };
}

describe("signPdf", () => {
  it("produces a PAdES signature that verifies against the dev CA", async () => {
    const report = await verify(signed);
    expect(report.issues).toEqual([]);
    expect(report).toMatchObject({
      valid: true,
      signatureValid: true,
      byteRangeCoversWholeFile: true,
      chainTrusted: true,
      subFilter: "ETSI.CAdES.detached",
      signingTime: SIGNING_TIME,
      reason: "Fiche de liaison ville-hôpital",
      location: "Saint-Étienne",
      signatureCount: 1,
    });
    expect(report.signer).toMatchObject({
      organisation: "Centre hospitalier de Test-Étienne",
      finess: "420784878",
      commonName: "Centre hospitalier de Test-Étienne – cachet Passerelle (DEV)",
    });
  });

  it("keeps the file length and only fills the ByteRange and Contents", () => {
    expect(signed.length).toBe(unsigned.length);
    const { contentsStart, contentsEnd, byteRangeOffset } = findPlaceholder(unsigned);
    expect(extractSignature(signed).byteRange).toEqual([
      0,
      contentsStart,
      contentsEnd,
      signed.length - contentsEnd,
    ]);
    expect(signed.subarray(0, byteRangeOffset)).toEqual(unsigned.subarray(0, byteRangeOffset));
    expect(signed.subarray(contentsEnd)).toEqual(unsigned.subarray(contentsEnd));
    expect(contentsEnd - contentsStart).toBe(2 * DEFAULT_SIGNATURE_LENGTH + 2);
  });

  it("is deterministic for a fixed time (no random ids, no signing-time attribute)", async () => {
    expect(await renderSample()).toEqual(unsigned);
    expect(await signPdf(await renderSample(), signer)).toEqual(signed);
  });

  it("signs with contentType, messageDigest and signingCertificateV2 only — no signingTime", () => {
    const { cmsDer } = extractSignature(signed);
    const { oids, attrs } = signedAttributeOids(cmsDer);
    expect([...oids].sort()).toEqual([OID.contentType, OID.messageDigest, OID.signingCertificateV2].sort());
    expect(oids).not.toContain(OID.signingTime);
    // SigningCertificateV2 → certs → ESSCertIDv2 { certHash } (hashAlgorithm sha256 is the DEFAULT, hence omitted)
    const v2 = attrs[oids.indexOf(OID.signingCertificateV2)]!;
    const kid = (node: forge.asn1.Asn1, i: number): forge.asn1.Asn1 => (node.value as forge.asn1.Asn1[])[i]!;
    const essCertId = kid(kid(kid(kid(v2, 1), 0), 0), 0); // SET → SigningCertificateV2 → certs → ESSCertIDv2
    const fields = essCertId.value as forge.asn1.Asn1[];
    expect(fields).toHaveLength(1);
    const leaf = new X509Certificate(pki.signerCertPem).raw;
    expect(Buffer.from(fields[0]!.value as string, "binary")).toEqual(
      createHash("sha256").update(leaf).digest(),
    );
  });

  it("names the signer by its certificate's issuer and serial, byte for byte (RFC 5652 §10.2.4)", () => {
    const { cmsDer } = extractSignature(signed);
    const der = (node: forge.asn1.Asn1): string => forge.asn1.toDer(node).getBytes();
    const kids = (node: forge.asn1.Asn1): forge.asn1.Asn1[] => node.value as forge.asn1.Asn1[];
    const ci = forge.asn1.fromDer(forge.util.createBuffer(cmsDer.toString("binary")));
    const signerInfo = kids(kids(kids(kids(ci)[1]!)[0]!).at(-1)!)[0]!;
    const leaf = forge.asn1.fromDer(
      forge.util.createBuffer(new X509Certificate(pki.signerCertPem).raw.toString("binary")),
    );
    const tbs = kids(kids(leaf)[0]!); // [0] version, serialNumber, signature, issuer, …
    expect(der(kids(signerInfo)[1]!)).toBe(
      der(forge.asn1.create(forge.asn1.Class.UNIVERSAL, forge.asn1.Type.SEQUENCE, true, [tbs[3]!, tbs[1]!])),
    );
  });

  it("carries the signer and CA certificates in the CMS", () => {
    const cmsDer = extractSignature(signed).cmsDer;
    const msg = forge.pkcs7.messageFromAsn1(
      forge.asn1.fromDer(forge.util.createBuffer(cmsDer.toString("binary"))),
    );
    const subjects = (msg as forge.pkcs7.PkcsSignedData).certificates.map(
      (c) => c.subject.getField("CN")?.value as string,
    );
    expect(subjects).toHaveLength(2);
    expect(subjects.some((cn) => cn.includes("DEV CA"))).toBe(true);
  });

  it("signs many times with one parsed keystore", async () => {
    const outputs = await Promise.all(
      Array.from({ length: 25 }, () => renderSample().then((pdf) => signPdf(pdf, signer))),
    );
    for (const pdf of outputs.slice(0, 5)) expect((await verify(pdf)).valid).toBe(true);
    expect(new Set(outputs.map((o) => o.toString("base64"))).size).toBe(1); // deterministic too
    const other = await signPdf(await renderSample({ pages: 3, placeholder: { reason: "autre" } }), signer);
    expect((await verify(other)).valid).toBe(true);
  });

  it("fits an RSA-3072 chain in the default placeholder", async () => {
    const big = await makePki({ keyBits: 3072 });
    try {
      const s = await P12Signer.fromFile(big.signerP12Path, PASSPHRASE);
      const pdf = await signPdf(unsigned, s);
      expect((await verifyPdf(pdf, { trustedCas: [big.caPem], clock: VERIFY_CLOCK })).valid).toBe(true);
    } finally {
      await big.cleanup();
    }
  });

  it("fails with SIGNATURE_TOO_LARGE when the placeholder is too small", async () => {
    const small = await renderSample({ placeholder: { signatureLength: 1024 } });
    await expect(signPdf(small, signer)).rejects.toMatchObject({ code: "SIGNATURE_TOO_LARGE" });
  });

  it("rejects input without a placeholder, or that is not a PDF", async () => {
    await expect(signPdf(await renderSample({ placeholder: false }), signer)).rejects.toMatchObject({
      code: "PDF_UNSUPPORTED",
    });
    await expect(signPdf(signed, signer)).rejects.toMatchObject({ code: "PDF_UNSUPPORTED" });
    await expect(signPdf(Buffer.from("hello"), signer)).rejects.toBeInstanceOf(PasserelleError);
    await expect(signPdf(Buffer.from("hello"), signer)).rejects.toMatchObject({ code: "NOT_A_PDF" });
  });

  it("does not modify its input", async () => {
    const copy = Buffer.from(unsigned);
    await signPdf(unsigned, signer);
    expect(unsigned).toEqual(copy);
  });
});
