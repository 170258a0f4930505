/**
 * Detached CMS SignedData (RFC 5652 §5) as required by PAdES baseline B-B (ETSI EN 319 142-1 §6.3,
 * with the CAdES attributes of ETSI EN 319 122-1): one SignerInfo identified by
 * issuerAndSerialNumber, SHA-256, and exactly three signed attributes — content-type,
 * message-digest and signing-certificate-v2 (RFC 5035 ESSCertIDv2). There is deliberately no
 * signing-time attribute: in PAdES the claimed time is the signature dictionary's /M entry.
 *
 * Everything that depends only on the signer (certificate set, sid, the ESSCertIDv2 attribute) is
 * encoded once and cached per {@link Signer}; a signature then costs a few buffer concatenations
 * plus one `signer.sign` call.
 */
import { createHash } from "node:crypto";
import { TAG, algorithmIdentifier, octetString, oid, sequence, setOf, smallInteger, tlv } from "./der.ts";
import { OID, loadCertificate } from "../verify/index.ts";
import type { Signer } from "./signer.ts";

interface SignerProfile {
  readonly chain: readonly Uint8Array[];
  /** `[0] IMPLICIT CertificateSet`. */
  readonly certificates: Buffer;
  /** IssuerAndSerialNumber. */
  readonly sid: Buffer;
  readonly contentTypeAttribute: Buffer;
  readonly signingCertificateV2Attribute: Buffer;
}

const SHA256_ALGORITHM = algorithmIdentifier(OID.sha256);
/** RFC 3370 §3.2: rsaEncryption with NULL parameters, the hash being given by digestAlgorithm. */
const RSA_ALGORITHM = algorithmIdentifier(OID.rsaEncryption, true);
const DIGEST_ALGORITHMS = setOf([SHA256_ALGORITHM]);
/** EncapsulatedContentInfo of a detached signature: id-data, eContent absent. */
const ENCAP_CONTENT_INFO = sequence(oid(OID.data));
const MESSAGE_DIGEST_OID = oid(OID.messageDigest);
const SIGNED_DATA_OID = oid(OID.signedData);
const VERSION_1 = smallInteger(1);

const attribute = (type: string, ...values: readonly Uint8Array[]): Buffer =>
  sequence(oid(type), setOf(values));

const profiles = new WeakMap<Signer, SignerProfile>();

/** The per-signer encodings, computed on first use (and again if the chain array is replaced). */
export function signerProfile(signer: Signer): SignerProfile {
  const cached = profiles.get(signer);
  if (cached?.chain === signer.certificateChain) return cached;
  const [leaf] = signer.certificateChain;
  if (!leaf) throw new RangeError("Signer.certificateChain is empty");
  const { cert } = loadCertificate(leaf);
  // ESSCertIDv2 ::= SEQUENCE { hashAlgorithm DEFAULT id-sha256 (omitted, DER), certHash, issuerSerial OPTIONAL (omitted) }
  const essCertIdV2 = sequence(octetString(createHash("sha256").update(leaf).digest()));
  const profile: SignerProfile = {
    chain: signer.certificateChain,
    certificates: tlv(TAG.context(0), ...[...signer.certificateChain].sort((a, b) => Buffer.compare(a, b))),
    // The issuer Name and serialNumber INTEGER exactly as encoded in the certificate (RFC 5652 §10.2.4).
    sid: sequence(new Uint8Array(cert.issuer.valueBeforeDecode), cert.serialNumber.valueBeforeDecodeView),
    contentTypeAttribute: attribute(OID.contentType, oid(OID.data)),
    // SigningCertificateV2 ::= SEQUENCE { certs SEQUENCE OF ESSCertIDv2, policies OPTIONAL (omitted) }
    signingCertificateV2Attribute: attribute(OID.signingCertificateV2, sequence(sequence(essCertIdV2))),
  };
  profiles.set(signer, profile);
  return profile;
}

/**
 * The DER `SET OF Attribute` that the signature covers (RFC 5652 §5.4): content-type id-data,
 * message-digest of the signed bytes, signing-certificate-v2; sorted as DER requires.
 */
export function signedAttributes(profile: SignerProfile, contentDigest: Uint8Array): Buffer {
  const messageDigest = sequence(MESSAGE_DIGEST_OID, setOf([octetString(contentDigest)]));
  return setOf([profile.contentTypeAttribute, messageDigest, profile.signingCertificateV2Attribute]);
}

/**
 * Builds the DER ContentInfo of a detached SignedData over content whose SHA-256 is
 * `contentDigest` (for a PDF: the two ByteRange segments, ISO 32000-1 §12.8.3.3).
 */
export async function createDetachedCms(contentDigest: Uint8Array, signer: Signer): Promise<Buffer> {
  if (contentDigest.length !== 32) throw new RangeError("contentDigest must be a SHA-256 digest");
  const profile = signerProfile(signer);
  const attrs = signedAttributes(profile, contentDigest);
  const signature = await signer.sign(attrs);
  // signedAttrs is [0] IMPLICIT: same contents as the signed SET, context tag instead of SET.
  const implicitAttrs = Buffer.from(attrs);
  implicitAttrs[0] = TAG.context(0);
  const signerInfo = sequence(
    VERSION_1,
    profile.sid,
    SHA256_ALGORITHM,
    implicitAttrs,
    RSA_ALGORITHM,
    octetString(signature),
  );
  const signedData = sequence(
    VERSION_1,
    DIGEST_ALGORITHMS,
    ENCAP_CONTENT_INFO,
    profile.certificates,
    setOf([signerInfo]),
  );
  return sequence(SIGNED_DATA_OID, tlv(TAG.context(0), signedData));
}
