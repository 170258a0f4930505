/**
 * Reads a CMS SignedData (RFC 5652 §5) from the bytes of a PDF signature's /Contents, keeping the
 * original encodings of what verification hashes or compares (signed attributes, certificates,
 * sid). Throws DerError on malformed input; the verifier turns that into a report issue.
 */
import { DerError, TAG, bytesOf, children, contentOf, expect, readOid, readTlv, type Tlv } from "./der.ts";
import { OID } from "./oids.ts";

export interface ParsedSignerInfo {
  readonly sid:
    | { readonly kind: "issuerAndSerialNumber"; readonly issuer: Buffer; readonly serialNumber: Buffer }
    | { readonly kind: "subjectKeyIdentifier"; readonly keyIdentifier: Buffer };
  readonly digestAlgorithm: string;
  /** The signed attributes re-tagged as the DER `SET OF` that the signature covers (RFC 5652 §5.4). */
  readonly signedAttributesDer: Buffer | undefined;
  /** Attribute type OID → the DER of each value in its SET. */
  readonly signedAttributes: ReadonlyMap<string, readonly Buffer[]>;
  readonly signatureAlgorithm: string;
  readonly signature: Buffer;
}

export interface ParsedSignedData {
  readonly eContentType: string;
  readonly eContentPresent: boolean;
  /** DER of each X.509 certificate in `certificates` (other choices skipped). */
  readonly certificates: readonly Buffer[];
  readonly signerInfos: readonly ParsedSignerInfo[];
}

/**
 * Parses a ContentInfo holding SignedData. Trailing bytes after the ContentInfo (zero padding of
 * the /Contents placeholder) are ignored.
 */
export function parseSignedData(der: Uint8Array): ParsedSignedData {
  const contentInfo = expect(readTlv(der, 0), TAG.SEQUENCE, "ContentInfo");
  const [type, wrapped] = children(der, contentInfo);
  if (!type || readOid(der, type) !== OID.signedData) throw new DerError("ContentInfo is not SignedData");
  const sd = expect(children(der, expect(wrapped, TAG.context(0), "content"))[0], TAG.SEQUENCE, "SignedData");
  const fields = children(der, sd);
  const encap = children(der, expect(fields[2], TAG.SEQUENCE, "encapContentInfo"));
  const [eType, eContent] = encap;
  if (!eType) throw new DerError("encapContentInfo: missing eContentType");
  let i = 3;
  const certificates: Buffer[] = [];
  if (fields[i]?.tag === TAG.context(0)) {
    for (const c of children(der, fields[i] as Tlv))
      if (c.tag === TAG.SEQUENCE) certificates.push(bytesOf(der, c));
    i++;
  }
  if (fields[i]?.tag === TAG.context(1)) i++; // crls
  const signerInfos = children(der, expect(fields[i], TAG.SET, "signerInfos")).map((si) =>
    parseSignerInfo(der, si),
  );
  return {
    eContentType: readOid(der, eType),
    eContentPresent: eContent !== undefined,
    certificates,
    signerInfos,
  };
}

function parseSignerInfo(der: Uint8Array, si: Tlv): ParsedSignerInfo {
  const f = children(der, expect(si, TAG.SEQUENCE, "SignerInfo"));
  const sidTlv = f[1];
  let sid: ParsedSignerInfo["sid"];
  if (sidTlv?.tag === TAG.SEQUENCE) {
    const [issuer, serial] = children(der, sidTlv);
    if (!issuer || !serial) throw new DerError("SignerInfo: malformed issuerAndSerialNumber");
    sid = { kind: "issuerAndSerialNumber", issuer: bytesOf(der, issuer), serialNumber: bytesOf(der, serial) };
  } else if (sidTlv?.tag === TAG.contextPrimitive(0)) {
    sid = { kind: "subjectKeyIdentifier", keyIdentifier: contentOf(der, sidTlv) };
  } else throw new DerError("SignerInfo: unknown sid");
  const digestAlgorithm = readOid(
    der,
    expect(children(der, expect(f[2], TAG.SEQUENCE, "digestAlgorithm"))[0], TAG.OID, "digestAlgorithm"),
  );
  let i = 3;
  let signedAttributesDer: Buffer | undefined;
  const signedAttributes = new Map<string, Buffer[]>();
  const attrsTlv = f[i];
  if (attrsTlv?.tag === TAG.context(0)) {
    signedAttributesDer = bytesOf(der, attrsTlv);
    signedAttributesDer[0] = TAG.SET;
    for (const attr of children(der, attrsTlv)) {
      const [attrType, values] = children(der, expect(attr, TAG.SEQUENCE, "Attribute"));
      if (!attrType || values?.tag !== TAG.SET) throw new DerError("Attribute: malformed");
      const key = readOid(der, attrType);
      signedAttributes.set(key, [
        ...(signedAttributes.get(key) ?? []),
        ...children(der, values).map((v) => bytesOf(der, v)),
      ]);
    }
    i++;
  }
  const sigAlg = readOid(
    der,
    expect(children(der, expect(f[i], TAG.SEQUENCE, "signatureAlgorithm"))[0], TAG.OID, "signatureAlgorithm"),
  );
  const signature = contentOf(der, expect(f[i + 1], TAG.OCTET_STRING, "signature"));
  return {
    sid,
    digestAlgorithm,
    signedAttributesDer,
    signedAttributes,
    signatureAlgorithm: sigAlg,
    signature,
  };
}

/** The single OCTET STRING of a messageDigest attribute value. */
export function octetStringValue(value: Buffer): Buffer {
  return contentOf(value, expect(readTlv(value, 0), TAG.OCTET_STRING, "messageDigest"));
}

/** The certHash values of a SigningCertificateV2 (RFC 5035) or SigningCertificate (RFC 2634) value. */
export function essCertHashes(value: Buffer, v2: boolean): { algorithm: string; hash: Buffer }[] {
  const certs = expect(
    children(value, expect(readTlv(value, 0), TAG.SEQUENCE, "SigningCertificate"))[0],
    TAG.SEQUENCE,
    "certs",
  );
  return children(value, certs).map((id) => {
    const parts = children(value, expect(id, TAG.SEQUENCE, "ESSCertID"));
    let algorithm: string = v2 ? OID.sha256 : OID.sha1;
    let k = 0;
    if (v2 && parts[0]?.tag === TAG.SEQUENCE) {
      algorithm = readOid(value, expect(children(value, parts[0])[0], TAG.OID, "hashAlgorithm"));
      k = 1;
    }
    return { algorithm, hash: contentOf(value, expect(parts[k], TAG.OCTET_STRING, "certHash")) };
  });
}
