/**
 * Hostile and unusual PAdES signatures for the verifier's tests: a three-level PKI made with forge
 * (root → intermediate → signer, and broken variants of each), and CMS SignedData (RFC 5652 §5)
 * built field by field with the DER writer, so that each variant changes one thing the verifier
 * checks (signed attributes, sid, algorithms, certificates, chain constraints).
 */
import { createHash, generateKeyPairSync, sign, type KeyObject } from "node:crypto";
import forge from "node-forge";
import {
  algorithmIdentifier,
  octetString,
  oid,
  sequence,
  setOf,
  smallInteger,
  tlv,
  TAG,
} from "../../../../src/pdf/sign/der.ts";
import { OID } from "../../../../src/pdf/verify/oids.ts";
import { BYTE_RANGE_MARKER } from "../../../../src/pdf/sign/placeholder.ts";
import { findPlaceholder } from "../../../../src/pdf/sign/sign.ts";

const DAY = 86_400_000;

export interface Issued {
  readonly der: Buffer;
  readonly key: KeyObject;
  readonly cert: forge.pki.Certificate;
  readonly forgeKey: forge.pki.rsa.PrivateKey;
}

function rsaKey(): { key: KeyObject; forgeKey: forge.pki.rsa.PrivateKey } {
  const { privateKey } = generateKeyPairSync("rsa", { modulusLength: 2048 });
  const pem = privateKey.export({ type: "pkcs1", format: "pem" }).toString();
  return { key: privateKey, forgeKey: forge.pki.privateKeyFromPem(pem) };
}

export interface CertSpec {
  readonly cn: string;
  readonly issuer?: Issued;
  /** basicConstraints: omitted when undefined. */
  readonly ca?: boolean;
  readonly pathLen?: number;
  /** keyUsage bits set; the extension is omitted when undefined. */
  readonly keyUsage?: readonly (
    "digitalSignature" | "nonRepudiation" | "keyEncipherment" | "keyCertSign" | "cRLSign"
  )[];
  readonly notBefore?: Date;
  readonly notAfter?: Date;
  /** Subject attributes after CN (encoding order is C, O, OU…, CN). */
  readonly ou?: string;
  /** Reuse a key (cross-signing). */
  readonly keyOf?: Issued;
}

let serial = 0x1000;

/** A certificate signed by `spec.issuer` (self-signed without one), valid 2025-01-01 → 2035-01-01 by default. */
export function issue(spec: CertSpec): Issued {
  const { key, forgeKey } = spec.keyOf ? { key: spec.keyOf.key, forgeKey: spec.keyOf.forgeKey } : rsaKey();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(forgeKey.n, forgeKey.e);
  cert.serialNumber = (serial++).toString(16).padStart(6, "0");
  cert.validity.notBefore = spec.notBefore ?? new Date("2025-01-01T00:00:00Z");
  cert.validity.notAfter = spec.notAfter ?? new Date(Date.parse("2025-01-01T00:00:00Z") + 3650 * DAY);
  const subject: forge.pki.CertificateField[] = [
    { shortName: "C", value: "FR" },
    { shortName: "O", value: "Variantes" },
    ...(spec.ou ? [{ shortName: "OU", value: spec.ou }] : []),
    { shortName: "CN", value: spec.cn },
  ];
  cert.setSubject(subject);
  cert.setIssuer(spec.issuer ? spec.issuer.cert.subject.attributes : subject);
  const extensions: object[] = [{ name: "subjectKeyIdentifier" }];
  if (spec.issuer) {
    const keyIdentifier = spec.issuer.cert.generateSubjectKeyIdentifier().getBytes();
    extensions.push({ name: "authorityKeyIdentifier", keyIdentifier });
  }
  if (spec.ca !== undefined) {
    extensions.push({
      name: "basicConstraints",
      cA: spec.ca,
      critical: true,
      ...(spec.pathLen === undefined ? {} : { pathLenConstraint: spec.pathLen }),
    });
  }
  if (spec.keyUsage) {
    extensions.push({
      name: "keyUsage",
      critical: true,
      ...Object.fromEntries(spec.keyUsage.map((u) => [u, true])),
    });
  }
  cert.setExtensions(extensions);
  cert.sign(spec.issuer?.forgeKey ?? forgeKey, forge.md.sha256.create());
  const der = Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), "binary");
  return { der, key, cert, forgeKey };
}

export const pem = (c: Issued): string => forge.pki.certificateToPem(c.cert);

/** What goes into one SignerInfo and its SignedData; every field has a PAdES-conformant default. */
export interface CmsSpec {
  readonly signer: Issued;
  /** Certificates carried in the CMS (default: the signer only). */
  readonly certificates?: readonly Uint8Array[];
  readonly digest?: "sha1" | "sha256" | "sha384" | "sha512";
  /** digestAlgorithm OID override (e.g. an unsupported one). */
  readonly digestOid?: string;
  /** Signed attributes, given the defaults (content-type, message-digest, signing-certificate-v2). */
  readonly attributes?: (defaults: { contentType: Buffer; messageDigest: Buffer; essV2: Buffer }) => Buffer[];
  readonly noSignedAttributes?: boolean;
  readonly sid?: Buffer;
  readonly signatureAlgorithm?: Buffer;
  readonly tamperSignature?: boolean;
  readonly eContentType?: string;
  readonly eContent?: boolean;
  readonly signerInfoCount?: number;
}

export const attribute = (type: string, ...values: readonly Uint8Array[]): Buffer =>
  sequence(oid(type), setOf(values));

/** IssuerAndSerialNumber of a certificate (RFC 5652 §10.2.4), from forge's reading of it; `serial` replaces the serial. */
export function issuerAndSerial(c: Issued, serial?: Buffer): Buffer {
  // getTBSCertificate is in forge's API but not in @types/node-forge.
  const pki = forge.pki as unknown as { getTBSCertificate(cert: forge.pki.Certificate): forge.asn1.Asn1 };
  const tbs = pki.getTBSCertificate(c.cert);
  const der = (node: forge.asn1.Asn1): Buffer => Buffer.from(forge.asn1.toDer(node).getBytes(), "binary");
  const fields = tbs.value as forge.asn1.Asn1[];
  return sequence(der(fields[3]!), serial ?? der(fields[1]!));
}

export function essV2(certDer: Uint8Array): Buffer {
  return attribute(
    OID.signingCertificateV2,
    sequence(sequence(sequence(octetString(createHash("sha256").update(certDer).digest())))),
  );
}

/** DER ContentInfo of a detached SignedData over `content` following `spec`. */
export function buildCms(content: Uint8Array, spec: CmsSpec): Buffer {
  const digest = spec.digest ?? "sha256";
  const digestOid =
    spec.digestOid ?? { sha1: OID.sha1, sha256: OID.sha256, sha384: OID.sha384, sha512: OID.sha512 }[digest];
  const defaults = {
    contentType: attribute(OID.contentType, oid(OID.data)),
    messageDigest: attribute(OID.messageDigest, octetString(createHash(digest).update(content).digest())),
    essV2: essV2(spec.signer.der),
  };
  const attrs = setOf(spec.attributes ? spec.attributes(defaults) : Object.values(defaults));
  const signed = spec.noSignedAttributes ? Buffer.from(content) : attrs;
  const signature = sign(digest, signed, spec.signer.key);
  if (spec.tamperSignature) signature[10] = (signature[10] ?? 0) ^ 0xff;
  const implicitAttrs = Buffer.from(attrs);
  implicitAttrs[0] = TAG.context(0);
  const signerInfo = sequence(
    smallInteger(1),
    spec.sid ?? issuerAndSerial(spec.signer),
    algorithmIdentifier(digestOid),
    ...(spec.noSignedAttributes ? [] : [implicitAttrs]),
    spec.signatureAlgorithm ?? algorithmIdentifier(OID.rsaEncryption, true),
    octetString(signature),
  );
  const encap = spec.eContent
    ? sequence(oid(spec.eContentType ?? OID.data), tlv(TAG.context(0), octetString(Buffer.from("content"))))
    : sequence(oid(spec.eContentType ?? OID.data));
  const certificates = spec.certificates ?? [spec.signer.der];
  const signedData = sequence(
    smallInteger(1),
    setOf([algorithmIdentifier(digestOid)]),
    encap,
    ...(certificates.length > 0 ? [tlv(TAG.context(0), ...certificates)] : []),
    setOf(Array.from({ length: spec.signerInfoCount ?? 1 }, () => signerInfo)),
  );
  return sequence(oid(OID.signedData), tlv(TAG.context(0), signedData));
}

/**
 * Signs a PDF carrying a placeholder with a CMS built from `spec` over its ByteRange (ISO 32000-1
 * §12.8.3.3), as `signPdf` does for the real signer.
 */
export function signWith(pdfWithPlaceholder: Uint8Array, spec: CmsSpec): Buffer {
  const { byteRangeOffset, contentsStart, contentsEnd } = findPlaceholder(pdfWithPlaceholder);
  const out = Buffer.from(pdfWithPlaceholder);
  const byteRange = `/ByteRange [0 ${String(contentsStart)} ${String(contentsEnd)} ${String(out.length - contentsEnd)}]`;
  out.write(byteRange.padEnd(BYTE_RANGE_MARKER.length, " "), byteRangeOffset, "latin1");
  const content = Buffer.concat([out.subarray(0, contentsStart), out.subarray(contentsEnd)]);
  const cms = buildCms(content, spec);
  if (cms.length * 2 > contentsEnd - contentsStart - 2)
    throw new RangeError("CMS larger than the placeholder");
  out.write(cms.toString("hex"), contentsStart + 1, "latin1");
  return out;
}

/** A copy of `c` whose subjectKeyIdentifier extnValue holds a NULL-tagged value instead of an OCTET STRING. */
function damagedSki(c: Issued): Buffer {
  const der = Buffer.from(c.der);
  const at = der.indexOf(Buffer.from("0603551d0e04160414", "hex"));
  if (at < 0) throw new Error("no subjectKeyIdentifier");
  der[at + 7] = 0x05;
  return der;
}

/** One hostile or unusual signature and the anchors it is verified against. */
export interface VariantCase {
  readonly name: string;
  readonly pdf: Buffer;
  readonly trustedCas: readonly string[];
}

/**
 * The corpus: a valid three-level chain, then one change per case. `placeholderPdf` must carry an
 * unsigned placeholder whose /M lies inside the default validity (2025-01-01 → 2035-01-01).
 */
export function variantCases(placeholderPdf: Uint8Array, signingTime: Date): VariantCase[] {
  const root = issue({ cn: "Racine", ca: true, keyUsage: ["keyCertSign", "cRLSign"] });
  const inter = issue({
    cn: "Intermédiaire",
    issuer: root,
    ca: true,
    pathLen: 0,
    keyUsage: ["keyCertSign", "cRLSign"],
  });
  const leafSpec = {
    cn: "Signataire é",
    ou: "FINESS:2A0000017",
    issuer: inter,
    ca: false,
    keyUsage: ["digitalSignature", "nonRepudiation"],
  } as const;
  const leaf = issue(leafSpec);
  const rootLen0 = issue({ cn: "Racine pathLen 0", ca: true, pathLen: 0 });
  const anchors = [pem(root)];
  const before = new Date(signingTime.getTime() - DAY);
  const after = new Date(signingTime.getTime() + DAY);
  const signed = (spec: Partial<CmsSpec> & { signer?: Issued }): Buffer =>
    signWith(placeholderPdf, {
      signer: leaf,
      ...spec,
      certificates: spec.certificates ?? [(spec.signer ?? leaf).der, inter.der],
    });
  /** Signed by a fresh signer certified by `ca`, the CMS carrying both. */
  const under = (ca: Issued): Buffer => {
    const s = issue({ ...leafSpec, issuer: ca });
    return signWith(placeholderPdf, { signer: s, certificates: [s.der, ca.der] });
  };
  const ver1 = (der: Uint8Array, hashOf: Uint8Array = der): Buffer =>
    attribute(
      OID.signingCertificate,
      sequence(sequence(sequence(octetString(createHash("sha1").update(hashOf).digest())))),
    );

  const cases: [string, Buffer, string[]?][] = [
    ["valid", signed({})],
    ["valid, trusting the intermediate only", signed({}), [pem(inter)]],
    ["untrusted: another root", signed({}), [pem(issue({ cn: "Autre", ca: true }))]],
    ["intermediate missing from the CMS", signed({ certificates: [leaf.der] })],
    ["no certificates in the CMS", signed({ certificates: [] })],
    ["signer certificate missing, intermediate present", signed({ certificates: [inter.der] })],
    [
      "sid names an unknown serial",
      signed({ sid: issuerAndSerial(leaf, tlv(TAG.INTEGER, Buffer.from([0x7f]))) }),
    ],
    [
      "sid as subjectKeyIdentifier",
      signed({
        sid: tlv(
          TAG.contextPrimitive(0),
          Buffer.from(leaf.cert.generateSubjectKeyIdentifier().getBytes(), "binary"),
        ),
      }),
    ],
    ["signature tampered", signed({ tamperSignature: true })],
    [
      "signing-certificate-v2 names the intermediate",
      signed({ attributes: (d) => [d.contentType, d.messageDigest, essV2(inter.der)] }),
    ],
    ["no signing-certificate attribute", signed({ attributes: (d) => [d.contentType, d.messageDigest] })],
    [
      "signing-certificate v1 (SHA-1)",
      signed({ attributes: (d) => [d.contentType, d.messageDigest, ver1(leaf.der)] }),
    ],
    [
      "signing-certificate v1 naming another certificate",
      signed({ attributes: (d) => [d.contentType, d.messageDigest, ver1(leaf.der, inter.der)] }),
    ],
    [
      "signing-certificate-v2 unreadable",
      signed({
        attributes: (d) => [
          d.contentType,
          d.messageDigest,
          attribute(OID.signingCertificateV2, octetString(Buffer.from("x"))),
        ],
      }),
    ],
    [
      "content-type attribute is not id-data",
      signed({
        attributes: (d) => [attribute(OID.contentType, oid(OID.signedData)), d.messageDigest, d.essV2],
      }),
    ],
    ["no content-type attribute", signed({ attributes: (d) => [d.messageDigest, d.essV2] })],
    ["no message-digest attribute", signed({ attributes: (d) => [d.contentType, d.essV2] })],
    [
      "message-digest is not an OCTET STRING",
      signed({ attributes: (d) => [d.contentType, attribute(OID.messageDigest, oid(OID.data)), d.essV2] }),
    ],
    [
      "two message-digest values",
      signed({
        attributes: (d) => [
          d.contentType,
          attribute(OID.messageDigest, octetString(Buffer.alloc(32)), octetString(Buffer.alloc(32, 1))),
          d.essV2,
        ],
      }),
    ],
    [
      "signing-time attribute",
      signed({
        attributes: (d) => [
          ...Object.values(d),
          attribute(OID.signingTime, tlv(0x17 /* UTCTime */, Buffer.from("250310143000Z"))),
        ],
      }),
    ],
    ["SHA-384 digest", signed({ digest: "sha384" })],
    ["SHA-512 digest", signed({ digest: "sha512" })],
    ["unsupported digest OID", signed({ digestOid: "1.2.840.113549.2.5" })],
    [
      "sha256WithRSAEncryption",
      signed({ signatureAlgorithm: algorithmIdentifier(OID.sha256WithRSAEncryption, true) }),
    ],
    [
      "sha512WithRSAEncryption over a SHA-256 digest",
      signed({ signatureAlgorithm: algorithmIdentifier(OID.sha512WithRSAEncryption, true) }),
    ],
    ["RSASSA-PSS", signed({ signatureAlgorithm: algorithmIdentifier(OID.rsassaPss) })],
    ["no signed attributes", signed({ noSignedAttributes: true })],
    ["encapsulated content", signed({ eContent: true })],
    ["eContentType is not id-data", signed({ eContentType: OID.signedData })],
    ["two SignerInfos", signed({ signerInfoCount: 2 })],
    [
      "intermediate is not a CA",
      under(issue({ cn: "Pas AC", issuer: root, ca: false, keyUsage: ["keyCertSign"] })),
    ],
    ["intermediate without basicConstraints", under(issue({ cn: "Sans BC", issuer: root }))],
    [
      "intermediate keyUsage lacks keyCertSign",
      under(issue({ cn: "Sans keyCertSign", issuer: root, ca: true, keyUsage: ["digitalSignature"] })),
    ],
    [
      "root pathLenConstraint 0 exceeded",
      under(issue({ cn: "Sous AC", issuer: rootLen0, ca: true })),
      [pem(rootLen0)],
    ],
    [
      "intermediate expired at /M",
      under(issue({ cn: "AC expirée", issuer: root, ca: true, notAfter: before })),
    ],
    [
      "intermediate not yet valid at /M",
      under(issue({ cn: "AC future", issuer: root, ca: true, notBefore: after })),
    ],
    ["signer expired at /M", signed({ signer: issue({ ...leafSpec, notAfter: before }) })],
    ["signer not yet valid at /M", signed({ signer: issue({ ...leafSpec, notBefore: after }) })],
    [
      "signer keyUsage keyEncipherment only",
      signed({ signer: issue({ ...leafSpec, keyUsage: ["keyEncipherment"] }) }),
    ],
    ["signer without keyUsage", signed({ signer: issue({ ...leafSpec, keyUsage: undefined }) })],
    [
      "a damaged CA certificate in the certificate set (its subjectKeyIdentifier is not an OCTET STRING)",
      signed({ certificates: [leaf.der, damagedSki(inter), inter.der] }),
    ],
    [
      "a non-certificate in the certificate set",
      signed({ certificates: [leaf.der, inter.der, sequence(oid(OID.data))] }),
    ],
    [
      "self-signed signer trusted directly",
      signWith(placeholderPdf, { signer: root, certificates: [root.der] }),
      [pem(root)],
    ],
  ];
  // Two CAs that certify each other (a cycle), the signer under one of them, no trusted path.
  const a = issue({ cn: "Cycle A", ca: true });
  const b = issue({ cn: "Cycle B", issuer: a, ca: true });
  const aByB = issue({ cn: "Cycle A", issuer: b, ca: true, keyOf: a });
  const cycleLeaf = issue({ ...leafSpec, issuer: aByB });
  cases.push([
    "cross-signed cycle",
    signWith(placeholderPdf, { signer: cycleLeaf, certificates: [cycleLeaf.der, aByB.der, b.der] }),
  ]);
  return cases.map(([name, pdf, trusted]) => ({ name, pdf, trustedCas: trusted ?? anchors }));
}
