/**
 * Checks a detached CMS SignedData (RFC 5652 §5.6) as PAdES B-B requires
 * (ETSI EN 319 142-1, CAdES attributes of ETSI EN 319 122-1): content-type id-data, message-digest
 * equal to the digest of the signed bytes, signature over the DER signed attributes, and a
 * signing-certificate-v2 (RFC 5035) — or v1 (RFC 2634) — naming the signer's certificate.
 *
 * The CMS is read by PKI.js (`verify-read.ts`); the signature value is checked by Node's OpenSSL
 * (`crypto.verify`).
 */
import { createHash, createPublicKey, verify } from "node:crypto";
import * as asn1js from "asn1js";
import { AlgorithmIdentifier, IssuerAndSerialNumber, type SignerInfo } from "pkijs";
import { OID, digestName } from "./oids.ts";
import type { Certificate, SignedCms } from "./verify-read.ts";
import type { VerifyIssue } from "./verify.ts";

type DigestName = NonNullable<ReturnType<typeof digestName>>;
/** Signed attribute type OID → every value of every attribute of that type. */
type Attributes = ReadonlyMap<string, readonly asn1js.AsnType[]>;
type Report = (code: string, message: string) => void;

export interface SignerInfoCheck {
  /** True when every check below passed. */
  readonly valid: boolean;
  readonly signerCertificate: Certificate | undefined;
  readonly issues: readonly VerifyIssue[];
}

/** Hash named by the signature algorithm, or by digestAlgorithm for rsaEncryption. */
function signatureHash(info: SignerInfo): DigestName | "unsupported" {
  switch (info.signatureAlgorithm.algorithmId) {
    case OID.rsaEncryption:
      return digestName(info.digestAlgorithm.algorithmId) ?? "unsupported";
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

const bytesEqual = (a: Uint8Array, b: Uint8Array): boolean => Buffer.from(a).equals(Buffer.from(b));

/** The subjectKeyIdentifier of a `[0]` sid: IMPLICIT as RFC 5652 §5.3 says, or EXPLICIT as some signers write it. */
function sidKeyIdentifier(sid: unknown): Uint8Array | undefined {
  const inner: unknown = sid instanceof asn1js.Constructed ? sid.valueBlock.value[0] : sid;
  return inner instanceof asn1js.Primitive || inner instanceof asn1js.OctetString
    ? inner.valueBlock.valueHexView
    : undefined;
}

/** The certificate named by the sid: issuer and serial byte for byte, or the subjectKeyIdentifier. */
function findSigner(certificates: readonly Certificate[], info: SignerInfo): Certificate | undefined {
  const sid: unknown = info.sid;
  if (sid instanceof IssuerAndSerialNumber) {
    const issuer = new Uint8Array(sid.issuer.valueBeforeDecode);
    return certificates.find(
      (c) =>
        bytesEqual(new Uint8Array(c.cert.issuer.valueBeforeDecode), issuer) &&
        bytesEqual(c.cert.serialNumber.valueBeforeDecodeView, sid.serialNumber.valueBeforeDecodeView),
    );
  }
  const wanted = sidKeyIdentifier(sid);
  return certificates.find((c) => {
    const ski = c.cert.extensions?.find((e) => e.extnID === "2.5.29.14")?.extnValue.valueBlock.valueHexView;
    return wanted !== undefined && ski !== undefined && bytesEqual(ski.subarray(2), wanted);
  });
}

function attributeValues(info: SignerInfo): Attributes {
  const values = new Map<string, asn1js.AsnType[]>();
  for (const a of info.signedAttrs?.attributes ?? []) {
    values.set(a.type, [...(values.get(a.type) ?? []), ...(a.values as asn1js.AsnType[])]);
  }
  return values;
}

/** Checks the (single) SignerInfo. `digestOfSignedBytes` hashes the ByteRange with the named algorithm. */
export function checkSignerInfo(
  cms: SignedCms,
  digestOfSignedBytes: (algorithm: DigestName) => Buffer,
): SignerInfoCheck {
  const issues: VerifyIssue[] = [];
  const error = (code: string, message: string): void =>
    void issues.push({ code, severity: "error", message });
  const { encapContentInfo, signerInfos } = cms.signedData;
  if (encapContentInfo.eContentType !== OID.data)
    error("content-type", "encapsulated content type is not id-data");
  if (encapContentInfo.eContent)
    error("not-detached", "the CMS encapsulates content: not a detached signature");
  if (signerInfos.length !== 1)
    error("signer-count", `expected one SignerInfo, found ${String(signerInfos.length)}`);
  const info = signerInfos[0];
  if (!info) return { valid: false, signerCertificate: undefined, issues };

  const signerCertificate = findSigner(cms.certificates, info);
  if (!signerCertificate) error("signer-certificate-missing", "the signer's certificate is not in the CMS");

  const digest = digestName(info.digestAlgorithm.algorithmId);
  const attrs = attributeValues(info);
  if (!digest) {
    error("unsupported-digest", `unsupported digest algorithm ${info.digestAlgorithm.algorithmId}`);
  } else if (!info.signedAttrs) {
    error("no-signed-attributes", "the SignerInfo has no signed attributes (required by PAdES)");
  } else {
    checkContentAttributes(attrs, digestOfSignedBytes(digest), error);
  }
  if (attrs.has(OID.signingTime)) {
    const message = "signing-time attribute present (PAdES uses /M)";
    issues.push({ code: "signing-time-attribute", severity: "warning", message });
  }

  if (signerCertificate && info.signedAttrs) {
    const hash = signatureHash(info);
    if (hash === "unsupported") {
      const algorithm = info.signatureAlgorithm.algorithmId;
      error("unsupported-signature-algorithm", `unsupported signature algorithm ${algorithm}`);
    } else if (!verifiesWith(signerCertificate, hash, info)) {
      error(
        "bad-signature",
        "the signature over the signed attributes does not verify with the signer's key",
      );
    }
    checkSigningCertificate(attrs, signerCertificate, error);
  }
  return { valid: issues.every((i) => i.severity !== "error"), signerCertificate, issues };
}

/**
 * RSA PKCS#1 v1.5 / ECDSA (DER signature value, as CMS carries it) over the DER signed attributes,
 * by Node's OpenSSL; false (not an exception) for an unreadable key or signature.
 */
function verifiesWith(cert: Certificate, hash: DigestName, info: SignerInfo): boolean {
  try {
    const signedAttributes = info.signedAttrs?.encodedValue;
    if (!signedAttributes) return false;
    const spki = Buffer.from(cert.cert.subjectPublicKeyInfo.toSchema().toBER(false));
    const key = createPublicKey({ key: spki, format: "der", type: "spki" });
    return verify(hash, new Uint8Array(signedAttributes), key, info.signature.valueBlock.valueHexView);
  } catch {
    return false;
  }
}

/** content-type must be id-data; message-digest must equal the digest of the ByteRange. */
function checkContentAttributes(attrs: Attributes, digest: Buffer, error: Report): void {
  const md = attrs.get(OID.messageDigest);
  const claimed =
    md?.length === 1 && md[0] instanceof asn1js.OctetString ? md[0].valueBlock.valueHexView : undefined;
  if (!claimed) {
    error("message-digest-missing", "no single message-digest attribute");
  } else if (!bytesEqual(claimed, digest)) {
    error("digest-mismatch", "the signed bytes were modified: message-digest does not match the ByteRange");
  }
  const ct = attrs.get(OID.contentType);
  if (ct?.length !== 1 || !(ct[0] instanceof asn1js.ObjectIdentifier) || ct[0].getValue() !== OID.data) {
    error("content-type-attribute", "the content-type attribute is missing or is not id-data");
  }
}

/** The first ESSCertID(v2) of a SigningCertificate(V2) value (RFC 2634 §5.4, RFC 5035 §3): its hash algorithm and certHash. */
function firstCertHash(
  value: asn1js.AsnType | undefined,
  v2: boolean,
): { algorithm: string; hash: Uint8Array } {
  const children = (e: unknown): asn1js.AsnType[] => {
    if (!(e instanceof asn1js.Sequence)) throw new Error("SigningCertificate: unexpected structure");
    return e.valueBlock.value;
  };
  const parts = children(children(children(value)[0])[0]);
  const hasAlgorithm = v2 && parts[0] instanceof asn1js.Sequence;
  const algorithm = hasAlgorithm
    ? new AlgorithmIdentifier({ schema: parts[0] }).algorithmId
    : v2
      ? OID.sha256
      : OID.sha1;
  const certHash = parts[hasAlgorithm ? 1 : 0];
  if (!(certHash instanceof asn1js.OctetString)) throw new Error("ESSCertID: no certHash");
  return { algorithm, hash: certHash.valueBlock.valueHexView };
}

function checkSigningCertificate(attrs: Attributes, cert: Certificate, error: Report): void {
  const v2 = attrs.get(OID.signingCertificateV2);
  const value = v2?.[0] ?? attrs.get(OID.signingCertificate)?.[0];
  if (!value) {
    error("no-signing-certificate", "no signing-certificate-v2 attribute (required by PAdES B-B)");
    return;
  }
  try {
    const first = firstCertHash(value, v2 !== undefined);
    const name = digestName(first.algorithm);
    if (!name) throw new Error("unsupported");
    if (!bytesEqual(createHash(name).update(cert.der).digest(), first.hash)) {
      error("signing-certificate-mismatch", "signing-certificate-v2 does not match the signer's certificate");
    }
  } catch {
    error("signing-certificate-unreadable", "the signing-certificate attribute cannot be read");
  }
}
