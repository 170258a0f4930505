/**
 * The verifier's verdict on each hostile or unusual signature of the variant corpus: which flags,
 * and exactly which issues (code and message). These are the verdicts of the verifier as it stood
 * before it moved to PKI.js, so they pin that its behaviour did not change.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { verifyPdf, type VerificationReport } from "../../../../src/pdf/verify/verify.ts";
import { SIGNING_TIME, VERIFY_CLOCK, renderSample } from "../sign-fixtures.ts";
import { variantCases, type VariantCase } from "./verify-variants.ts";

interface Expected {
  readonly valid: boolean;
  readonly signatureValid: boolean;
  readonly chainTrusted: boolean;
  /** `severity code: message` */
  readonly issues: readonly string[];
}

const EXPECTED: Record<string, Expected> = {
  valid: {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "valid, trusting the intermediate only": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "untrusted: another root": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error chain-untrusted: no certification path to a trusted CA"],
  },
  "intermediate missing from the CMS": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error chain-untrusted: no certification path to a trusted CA"],
  },
  "no certificates in the CMS": {
    valid: false,
    signatureValid: false,
    chainTrusted: false,
    issues: ["error signer-certificate-missing: the signer's certificate is not in the CMS"],
  },
  "signer certificate missing, intermediate present": {
    valid: false,
    signatureValid: false,
    chainTrusted: false,
    issues: ["error signer-certificate-missing: the signer's certificate is not in the CMS"],
  },
  "sid names an unknown serial": {
    valid: false,
    signatureValid: false,
    chainTrusted: false,
    issues: ["error signer-certificate-missing: the signer's certificate is not in the CMS"],
  },
  "sid as subjectKeyIdentifier": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "signature tampered": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: [
      "error bad-signature: the signature over the signed attributes does not verify with the signer's key",
    ],
  },
  "signing-certificate-v2 names the intermediate": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: [
      "error signing-certificate-mismatch: signing-certificate-v2 does not match the signer's certificate",
    ],
  },
  "no signing-certificate attribute": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error no-signing-certificate: no signing-certificate-v2 attribute (required by PAdES B-B)"],
  },
  "signing-certificate v1 (SHA-1)": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "signing-certificate v1 naming another certificate": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: [
      "error signing-certificate-mismatch: signing-certificate-v2 does not match the signer's certificate",
    ],
  },
  "signing-certificate-v2 unreadable": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error signing-certificate-unreadable: the signing-certificate attribute cannot be read"],
  },
  "content-type attribute is not id-data": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error content-type-attribute: the content-type attribute is missing or is not id-data"],
  },
  "no content-type attribute": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error content-type-attribute: the content-type attribute is missing or is not id-data"],
  },
  "no message-digest attribute": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error message-digest-missing: no single message-digest attribute"],
  },
  "message-digest is not an OCTET STRING": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error message-digest-missing: no single message-digest attribute"],
  },
  "two message-digest values": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error message-digest-missing: no single message-digest attribute"],
  },
  "signing-time attribute": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: ["warning signing-time-attribute: signing-time attribute present (PAdES uses /M)"],
  },
  "SHA-384 digest": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "SHA-512 digest": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "unsupported digest OID": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: [
      "error unsupported-digest: unsupported digest algorithm 1.2.840.113549.2.5",
      "error unsupported-signature-algorithm: unsupported signature algorithm 1.2.840.113549.1.1.1",
    ],
  },
  sha256WithRSAEncryption: {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "sha512WithRSAEncryption over a SHA-256 digest": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: [
      "error bad-signature: the signature over the signed attributes does not verify with the signer's key",
    ],
  },
  "RSASSA-PSS": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error unsupported-signature-algorithm: unsupported signature algorithm 1.2.840.113549.1.1.10"],
  },
  "no signed attributes": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error no-signed-attributes: the SignerInfo has no signed attributes (required by PAdES)"],
  },
  "encapsulated content": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error not-detached: the CMS encapsulates content: not a detached signature"],
  },
  "eContentType is not id-data": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error content-type: encapsulated content type is not id-data"],
  },
  "two SignerInfos": {
    valid: false,
    signatureValid: false,
    chainTrusted: true,
    issues: ["error signer-count: expected one SignerInfo, found 2"],
  },
  "intermediate is not a CA": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error issuer-not-ca: intermediate CA certificate is not a CA (basicConstraints)"],
  },
  "intermediate without basicConstraints": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error issuer-not-ca: intermediate CA certificate is not a CA (basicConstraints)"],
  },
  "intermediate keyUsage lacks keyCertSign": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error chain-untrusted: no certification path to a trusted CA"],
  },
  "root pathLenConstraint 0 exceeded": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error path-length: trusted CA certificate's pathLenConstraint is exceeded"],
  },
  "intermediate expired at /M": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error certificate-expired: intermediate CA certificate expired at 2025-03-10T14:30:00.000Z"],
  },
  "intermediate not yet valid at /M": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: [
      "error certificate-not-yet-valid: intermediate CA certificate not yet valid at 2025-03-10T14:30:00.000Z",
    ],
  },
  "signer expired at /M": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error certificate-expired: signer certificate expired at 2025-03-10T14:30:00.000Z"],
  },
  "signer not yet valid at /M": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error certificate-not-yet-valid: signer certificate not yet valid at 2025-03-10T14:30:00.000Z"],
  },
  "signer keyUsage keyEncipherment only": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: [
      "error signer-key-usage: signer certificate keyUsage allows neither digitalSignature nor nonRepudiation",
    ],
  },
  "signer without keyUsage": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "a damaged CA certificate in the certificate set (its subjectKeyIdentifier is not an OCTET STRING)": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "a non-certificate in the certificate set": {
    valid: true,
    signatureValid: true,
    chainTrusted: true,
    issues: [],
  },
  "self-signed signer trusted directly": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: [
      "error signer-key-usage: signer certificate keyUsage allows neither digitalSignature nor nonRepudiation",
    ],
  },
  "cross-signed cycle": {
    valid: false,
    signatureValid: true,
    chainTrusted: false,
    issues: ["error chain-untrusted: no certification path to a trusted CA"],
  },
};

let cases: VariantCase[];
beforeAll(async () => {
  cases = variantCases(await renderSample(), SIGNING_TIME);
}, 60_000);

const verify = (c: VariantCase): Promise<VerificationReport> | VerificationReport =>
  verifyPdf(c.pdf, { trustedCas: c.trustedCas, clock: VERIFY_CLOCK });

describe("verifyPdf on the variant corpus", () => {
  it("covers every variant", () => {
    expect(cases.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED).sort());
  });

  it.each(Object.keys(EXPECTED))("%s", async (name) => {
    const c = cases.find((x) => x.name === name);
    if (!c) throw new Error(`no variant ${name}`);
    const report = await verify(c);
    expect({
      valid: report.valid,
      signatureValid: report.signatureValid,
      chainTrusted: report.chainTrusted,
      issues: report.issues.map((i) => `${i.severity} ${i.code}: ${i.message}`),
    }).toEqual(EXPECTED[name]);
  });

  it("reads the signer's identity: CN, O, the FINESS of an OU, subject and issuer names", async () => {
    const report = await verify(cases[0]!);
    expect(report.signer).toMatchObject({
      commonName: "Signataire é",
      organisation: "Variantes",
      finess: "2A0000017",
      subject: "CN=Signataire é,OU=FINESS:2A0000017,O=Variantes,C=FR",
      issuer: "CN=Intermédiaire,O=Variantes,C=FR",
      notBefore: new Date("2025-01-01T00:00:00.000Z"),
      notAfter: new Date("2034-12-30T00:00:00.000Z"),
    });
    expect(report.signer?.serialNumber).toMatch(/^[0-9A-F]+$/);
  });
});
