/**
 * Who signed, as the verification report shows it: names of the signer certificate (RFC 5280
 * §4.1.2.4/§4.1.2.6, rendered after RFC 4514), serial, fingerprint, validity, and the FINESS of the
 * establishment when the subject carries one.
 */
import { createHash } from "node:crypto";
import * as asn1js from "asn1js";
import type { RelativeDistinguishedNames } from "pkijs";
import { NAME_ATTRIBUTES } from "./oids.ts";
import type { Certificate } from "./verify-read.ts";

export interface SignerIdentity {
  readonly commonName: string | undefined;
  readonly organisation: string | undefined;
  /**
   * The establishment's FINESS, from the subject's OU (or organizationIdentifier) when it holds the
   * structure's national identifier `1<FINESS>` (IGC-Santé organisation certificates), or the
   * older development form `FINESS:<n°>`.
   */
  readonly finess: string | undefined;
  /** RFC 4514 string, most specific first. */
  readonly subject: string;
  readonly issuer: string;
  readonly serialNumber: string;
  readonly certificateSha256: string;
  readonly notBefore: Date;
  readonly notAfter: Date;
}

/**
 * IGC-Santé organisation certificates carry the structure's national identifier (IdNat_Struct) in
 * the subject's OU: a type digit then the number — `1` + FINESS, `3` + SIRET, `0` + ADELI cabinet…
 * (naming scheme of organisation certificates in "IGC-Santé – Etapes 1 et 2 – Les gabarits des
 * certificats X.509 et des CRLs", ASIP Santé v1.1.0, 2019; the type digits are the CI-SIS
 * StructIdNat table). Seen in IGC-Santé test organisation certificates as
 * `CN=<service>, OU=1<FINESS>, O=<raison sociale>, ST=<département>, C=FR`.
 * Only the FINESS type is read here; `FINESS:<n°>` is the form of development certificates made
 * before this rule.
 */
const FINESS = /^(?:1|FINESS\s*[:-]?\s*)((?:\d{2}|2A|2B)\d{7})$/i;

interface NameAttribute {
  /** Short name (`CN`, `O`, `OU`, …) or the dotted OID when unknown. */
  readonly type: string;
  readonly value: string;
}

/** A DirectoryString (RFC 5280 §4.1.2.4) from its content octets; other string types as Latin-1. */
function directoryString(value: asn1js.AsnType): string {
  const block = value.valueBlock as { valueHexView?: Uint8Array };
  const bytes = Buffer.from(block.valueHexView ?? []);
  if (value instanceof asn1js.Utf8String) return bytes.toString("utf8");
  if (value instanceof asn1js.BmpString)
    return Buffer.from(bytes.subarray(0, bytes.length & ~1))
      .swap16()
      .toString("utf16le");
  if (value instanceof asn1js.UniversalString) {
    let s = "";
    for (let i = 0; i + 3 < bytes.length; i += 4) s += String.fromCodePoint(bytes.readUInt32BE(i));
    return s;
  }
  return bytes.toString("latin1"); // PrintableString, IA5String, TeletexString
}

/** Attributes of a Name in encoding order (RDNSequence, most general first). */
function nameAttributes(name: RelativeDistinguishedNames): NameAttribute[] {
  return name.typesAndValues.map((tv) => ({
    type: NAME_ATTRIBUTES[tv.type] ?? tv.type,
    value: directoryString(tv.value as asn1js.AsnType),
  }));
}

/** RFC 4514-style rendering (most specific first), e.g. `CN=…,OU=…,O=…,C=FR`. */
function formatName(attributes: readonly NameAttribute[]): string {
  const escape = (v: string): string => v.replace(/([,+"\\<>;=])/g, "\\$1");
  return [...attributes]
    .reverse()
    .map((a) => `${a.type}=${escape(a.value)}`)
    .join(",");
}

/** Hex of a positive INTEGER without leading zero octets, upper case (as OpenSSL prints serials). */
const serialHex = (content: Uint8Array): string =>
  Buffer.from(content)
    .toString("hex")
    .toUpperCase()
    .replace(/^(00)+/, "") || "0";

export function identity(cert: Certificate): SignerIdentity {
  const attrs = nameAttributes(cert.cert.subject);
  const first = (type: string): string | undefined => attrs.find((a) => a.type === type)?.value;
  const finess = attrs
    .filter((a) => a.type === "OU" || a.type === "organizationIdentifier")
    .map((a) => FINESS.exec(a.value.trim())?.[1])
    .find((v) => v !== undefined);
  return {
    commonName: first("CN"),
    organisation: first("O"),
    finess: finess?.toUpperCase(),
    subject: formatName(attrs),
    issuer: formatName(nameAttributes(cert.cert.issuer)),
    serialNumber: serialHex(cert.cert.serialNumber.valueBlock.valueHexView),
    certificateSha256: createHash("sha256").update(cert.der).digest("hex"),
    notBefore: cert.cert.notBefore.value,
    notAfter: cert.cert.notAfter.value,
  };
}
