/**
 * Reads the parts of an X.509 certificate (RFC 5280 §4.1) that CMS needs and `node:crypto`'s
 * `X509Certificate` does not expose as bytes: the exact issuer/subject Name and serial encodings
 * (for IssuerAndSerialNumber, RFC 5652 §10.2.4), subject attributes, and the extensions used by
 * path validation (basicConstraints, keyUsage).
 */
import { DerError, TAG, bytesOf, children, contentOf, expect, readOid, readTlv } from "./der.ts";
import { NAME_ATTRIBUTES, OID } from "./oids.ts";

export interface NameAttribute {
  /** Dotted OID, e.g. `2.5.4.3`. */
  readonly oid: string;
  /** Short name (`CN`, `O`, `OU`, …) or the dotted OID when unknown. */
  readonly type: string;
  readonly value: string;
}

export interface CertificateParts {
  /** DER of the issuer Name, exactly as in the certificate. */
  readonly issuer: Buffer;
  /** DER of the serialNumber INTEGER element (tag and length included). */
  readonly serialNumber: Buffer;
  /** DER of the subject Name. */
  readonly subject: Buffer;
  readonly subjectAttributes: readonly NameAttribute[];
  /** Extension OID → { critical, extnValue contents }. */
  readonly extensions: ReadonlyMap<string, { readonly critical: boolean; readonly value: Buffer }>;
}

/** Splits a DER certificate into the parts above; DerError when it is malformed. */
export function parseCertificate(der: Uint8Array): CertificateParts {
  const cert = expect(readTlv(der, 0), TAG.SEQUENCE, "certificate");
  const tbs = expect(children(der, cert)[0], TAG.SEQUENCE, "tbsCertificate");
  const fields = children(der, tbs);
  let i = fields[0]?.tag === TAG.context(0) ? 1 : 0; // [0] EXPLICIT version
  const serial = expect(fields[i++], TAG.INTEGER, "serialNumber");
  i++; // signature AlgorithmIdentifier
  const issuer = expect(fields[i++], TAG.SEQUENCE, "issuer");
  i++; // validity
  const subject = expect(fields[i++], TAG.SEQUENCE, "subject");
  const extensions = new Map<string, { critical: boolean; value: Buffer }>();
  const extsWrapper = fields.slice(i).find((f) => f.tag === TAG.context(3));
  if (extsWrapper) {
    const exts = expect(children(der, extsWrapper)[0], TAG.SEQUENCE, "extensions");
    for (const ext of children(der, exts)) {
      const [id, second, third] = children(der, ext);
      if (!id) throw new DerError("extension: empty");
      const critical = second?.tag === TAG.BOOLEAN && der[second.contentStart] !== 0;
      const value = expect(second?.tag === TAG.BOOLEAN ? third : second, TAG.OCTET_STRING, "extnValue");
      extensions.set(readOid(der, id), { critical, value: contentOf(der, value) });
    }
  }
  return {
    issuer: bytesOf(der, issuer),
    serialNumber: bytesOf(der, serial),
    subject: bytesOf(der, subject),
    subjectAttributes: parseName(der.subarray(subject.start, subject.end)),
    extensions,
  };
}

/** Attributes of a Name in encoding order (RDNSequence, most general first). */
export function parseName(der: Uint8Array): NameAttribute[] {
  const out: NameAttribute[] = [];
  for (const rdn of children(der, expect(readTlv(der, 0), TAG.SEQUENCE, "Name"))) {
    for (const atv of children(der, rdn)) {
      const [type, value] = children(der, atv);
      if (!type || !value) throw new DerError("Name: malformed attribute");
      const id = readOid(der, type);
      out.push({ oid: id, type: NAME_ATTRIBUTES[id] ?? id, value: decodeDirectoryString(der, value) });
    }
  }
  return out;
}

function decodeDirectoryString(
  der: Uint8Array,
  t: { tag: number; contentStart: number; contentEnd: number },
): string {
  const bytes = Buffer.from(der.subarray(t.contentStart, t.contentEnd));
  switch (t.tag) {
    case TAG.UTF8_STRING:
      return bytes.toString("utf8");
    case TAG.BMP_STRING:
      return bytes.swap16().toString("utf16le");
    case TAG.UNIVERSAL_STRING: {
      let s = "";
      for (let i = 0; i + 3 < bytes.length; i += 4) s += String.fromCodePoint(bytes.readUInt32BE(i));
      return s;
    }
    default: // PrintableString, IA5String, TeletexString (treated as Latin-1)
      return bytes.toString("latin1");
  }
}

/** RFC 4514-style rendering (most specific first), e.g. `CN=…,OU=…,O=…,C=FR`. */
export function formatName(attributes: readonly NameAttribute[]): string {
  const escape = (v: string): string => v.replace(/([,+"\\<>;=])/g, "\\$1");
  return [...attributes]
    .reverse()
    .map((a) => `${a.type}=${escape(a.value)}`)
    .join(",");
}

export interface BasicConstraints {
  readonly ca: boolean;
  readonly pathLength: number | undefined;
}

/** basicConstraints (RFC 5280 §4.2.1.9), or undefined when absent. */
export function basicConstraints(parts: CertificateParts): BasicConstraints | undefined {
  const ext = parts.extensions.get(OID.basicConstraints);
  if (!ext) return undefined;
  const seq = expect(readTlv(ext.value, 0), TAG.SEQUENCE, "basicConstraints");
  let ca = false;
  let pathLength: number | undefined;
  for (const f of children(ext.value, seq)) {
    if (f.tag === TAG.BOOLEAN) ca = ext.value[f.contentStart] !== 0;
    if (f.tag === TAG.INTEGER && f.contentEnd - f.contentStart <= 4) {
      pathLength = contentOf(ext.value, f).readUIntBE(0, f.contentEnd - f.contentStart);
    }
  }
  return { ca, pathLength };
}

export type KeyUsage = "digitalSignature" | "nonRepudiation" | "keyCertSign" | "cRLSign";
const KEY_USAGE_BITS: Readonly<Record<KeyUsage, number>> = {
  digitalSignature: 0,
  nonRepudiation: 1,
  keyCertSign: 5,
  cRLSign: 6,
};

/** keyUsage bits (RFC 5280 §4.2.1.3) that are set, or undefined when the extension is absent. */
export function keyUsage(parts: CertificateParts): Set<KeyUsage> | undefined {
  const ext = parts.extensions.get(OID.keyUsage);
  if (!ext) return undefined;
  const bits = expect(readTlv(ext.value, 0), TAG.BIT_STRING, "keyUsage");
  const set = new Set<KeyUsage>();
  for (const [name, bit] of Object.entries(KEY_USAGE_BITS) as [KeyUsage, number][]) {
    const index = bits.contentStart + 1 + (bit >> 3); // after the unused-bits octet
    if (index < bits.contentEnd && ((ext.value[index] ?? 0) & (0x80 >> (bit % 8))) !== 0) set.add(name);
  }
  return set;
}
