/**
 * Cryptographic checks of a detached CMS SignedData (RFC 5652 §5.6) as PAdES B-B requires
 * (ETSI EN 319 142-1, CAdES attributes of ETSI EN 319 122-1): content-type id-data, message-digest
 * equal to the digest of the signed bytes, signature over the DER signed attributes, and a
 * signing-certificate-v2 (RFC 5035) — or v1 (RFC 2634) — naming the signer's certificate.
 */
import { createHash, verify } from "node:crypto";
import {
  essCertHashes,
  octetStringValue,
  type ParsedSignedData,
  type ParsedSignerInfo,
} from "./cms-parse.ts";
import { OID, digestName } from "./oids.ts";
import { loadCertificate, type Certificate } from "./verify-chain.ts";
import type { VerifyIssue } from "./verify.ts";

export interface SignerInfoCheck {
  /** True when every check below passed. */
  readonly valid: boolean;
  readonly signerCertificate: Certificate | undefined;
  readonly issues: readonly VerifyIssue[];
}

type DigestName = NonNullable<ReturnType<typeof digestName>>;

/** Hash named by the signature algorithm, or by digestAlgorithm for rsaEncryption/ECDSA-agnostic OIDs. */
function signatureHash(info: ParsedSignerInfo): DigestName | "unsupported" {
  switch (info.signatureAlgorithm) {
    case OID.rsaEncryption:
      return digestName(info.digestAlgorithm) ?? "unsupported";
    case OID.sha256WithRSAEncryption:
    case OID.ecdsaWithSha256:
      return "sha256";
    case OID.sha384WithRSAEncryption:
    case OID.ecdsaWithSha384:
      return "sha384";
    case OID.sha512WithRSAEncryption:
    case OID.ecdsaWithSha512:
      return "sha512";
    default:
      return "unsupported"; // RSASSA-PSS and others
  }
}

function findSigner(cms: ParsedSignedData, info: ParsedSignerInfo): Certificate | undefined {
  for (const der of cms.certificates) {
    let cert: Certificate;
    try {
      cert = loadCertificate(der);
    } catch {
      continue;
    }
    const sid = info.sid;
    if (sid.kind === "issuerAndSerialNumber") {
      if (cert.parts.issuer.equals(sid.issuer) && cert.parts.serialNumber.equals(sid.serialNumber)) {
        return cert;
      }
    } else {
      const ski = cert.parts.extensions.get("2.5.29.14")?.value;
      if (ski?.subarray(2).equals(sid.keyIdentifier)) return cert;
    }
  }
  return undefined;
}

/**
 * Checks the (single) SignerInfo. `digestOfSignedBytes` hashes the ByteRange with the named algorithm.
 */
export function checkSignerInfo(
  cms: ParsedSignedData,
  digestOfSignedBytes: (algorithm: DigestName) => Buffer,
): SignerInfoCheck {
  const issues: VerifyIssue[] = [];
  const error = (code: string, message: string): void =>
    void issues.push({ code, severity: "error", message });
  if (cms.eContentType !== OID.data) error("content-type", "encapsulated content type is not id-data");
  if (cms.eContentPresent) error("not-detached", "the CMS encapsulates content: not a detached signature");
  if (cms.signerInfos.length !== 1) {
    error("signer-count", `expected one SignerInfo, found ${String(cms.signerInfos.length)}`);
  }
  const info = cms.signerInfos[0];
  if (!info) return { valid: false, signerCertificate: undefined, issues };

  const signerCertificate = findSigner(cms, info);
  if (!signerCertificate) error("signer-certificate-missing", "the signer's certificate is not in the CMS");

  const digest = digestName(info.digestAlgorithm);
  const attrs = info.signedAttributes;
  if (!digest) {
    error("unsupported-digest", `unsupported digest algorithm ${info.digestAlgorithm}`);
  } else if (!info.signedAttributesDer) {
    error("no-signed-attributes", "the SignerInfo has no signed attributes (required by PAdES)");
  } else {
    checkContentAttributes(attrs, digestOfSignedBytes(digest), error);
  }
  if (attrs.has(OID.signingTime)) {
    const message = "signing-time attribute present (PAdES uses /M)";
    issues.push({ code: "signing-time-attribute", severity: "warning", message });
  }

  if (signerCertificate && info.signedAttributesDer) {
    const hash = signatureHash(info);
    if (hash === "unsupported") {
      error("unsupported-signature-algorithm", `unsupported signature algorithm ${info.signatureAlgorithm}`);
    } else if (!verifiesWith(signerCertificate, hash, info)) {
      error(
        "bad-signature",
        "the signature over the signed attributes does not verify with the signer's key",
      );
    }
    checkSigningCertificate(info, signerCertificate, error);
  }
  return { valid: issues.every((i) => i.severity !== "error"), signerCertificate, issues };
}

/** RSA PKCS#1 v1.5 / ECDSA verification; false (not an exception) for an unreadable key or signature. */
function verifiesWith(cert: Certificate, hash: DigestName, info: ParsedSignerInfo): boolean {
  try {
    return (
      info.signedAttributesDer !== undefined &&
      verify(hash, info.signedAttributesDer, cert.x509.publicKey, info.signature)
    );
  } catch {
    return false;
  }
}

const ID_DATA = Buffer.from("06092a864886f70d010701", "hex"); // OID 1.2.840.113549.1.7.1, DER

/** content-type must be id-data; message-digest must equal the digest of the ByteRange. */
function checkContentAttributes(
  attrs: ReadonlyMap<string, readonly Buffer[]>,
  digest: Buffer,
  error: (code: string, message: string) => void,
): void {
  const md = attrs.get(OID.messageDigest);
  let claimed: Buffer | undefined;
  try {
    claimed = md?.length === 1 && md[0] ? octetStringValue(md[0]) : undefined;
  } catch {
    claimed = undefined;
  }
  if (!claimed) {
    error("message-digest-missing", "no single message-digest attribute");
  } else if (!claimed.equals(digest)) {
    error("digest-mismatch", "the signed bytes were modified: message-digest does not match the ByteRange");
  }
  const ct = attrs.get(OID.contentType);
  if (ct?.length !== 1 || !ct[0]?.equals(ID_DATA)) {
    error("content-type-attribute", "the content-type attribute is missing or is not id-data");
  }
}

function checkSigningCertificate(
  info: ParsedSignerInfo,
  cert: Certificate,
  error: (code: string, message: string) => void,
): void {
  const v2 = info.signedAttributes.get(OID.signingCertificateV2);
  const v1 = info.signedAttributes.get(OID.signingCertificate);
  const value = v2?.[0] ?? v1?.[0];
  if (!value) {
    error("no-signing-certificate", "no signing-certificate-v2 attribute (required by PAdES B-B)");
    return;
  }
  try {
    const [first] = essCertHashes(value, v2 !== undefined);
    const name = first ? digestName(first.algorithm) : undefined;
    if (!first || !name) throw new Error("unsupported");
    if (!createHash(name).update(cert.x509.raw).digest().equals(first.hash)) {
      error("signing-certificate-mismatch", "signing-certificate-v2 does not match the signer's certificate");
    }
  } catch {
    error("signing-certificate-unreadable", "the signing-certificate attribute cannot be read");
  }
}
