/**
 * Reading what a PDF signature carries (RFC 5652 ContentInfo/SignedData, RFC 5280 certificates)
 * with asn1js and PKI.js. They keep the original encodings, so what is hashed or compared later is
 * exactly what was in the file. Everything here throws on malformed input; the verifier turns
 * that into a report issue.
 */
import * as asn1js from "asn1js";
import { Certificate as PkiCertificate, ContentInfo, SignedData } from "pkijs";
import { OID } from "./oids.ts";

/**
 * The first BER element of `bytes` (X.690 §8.1), read by asn1js; throws when it is unreadable, or
 * when an element runs past the length its parent declares (asn1js lets that pass).
 */
export function readBer(bytes: Uint8Array): asn1js.AsnType {
  const { offset, result } = asn1js.fromBER(bytes);
  if (offset === -1) throw new Error(`unreadable BER: ${result.error}`);
  const consistent = (e: asn1js.AsnType): boolean => {
    const { idBlock, lenBlock, valueBlock } = e as asn1js.BaseBlock;
    if (!idBlock.isConstructed) return true;
    if (!lenBlock.isIndefiniteForm && valueBlock.blockLength !== lenBlock.length) return false;
    const children: unknown = (valueBlock as { value?: unknown }).value;
    return !Array.isArray(children) || (children as asn1js.AsnType[]).every(consistent);
  };
  if (!consistent(result)) throw new Error("an ASN.1 element overruns its parent");
  return result;
}

/** A certificate as read by PKI.js, with its DER exactly as it was carried. */
export interface Certificate {
  readonly cert: PkiCertificate;
  readonly der: Buffer;
}

/** A certificate from its BER element (already read by {@link readBer}); throws when it is not one. */
export function certificateOf(element: asn1js.AsnType): Certificate {
  return { cert: new PkiCertificate({ schema: element }), der: Buffer.from(element.valueBeforeDecodeView) };
}

/** Reads one DER certificate; throws when it is not one. */
export const loadCertificate = (der: Uint8Array): Certificate => certificateOf(readBer(der));

/** A SignedData and the certificates it carries that could be read (others are skipped). */
export interface SignedCms {
  readonly signedData: SignedData;
  readonly certificates: readonly Certificate[];
}

/**
 * Parses a ContentInfo holding SignedData; throws when it cannot be read. Bytes after the
 * ContentInfo (the zero padding of the /Contents placeholder) are ignored. Each certificate is
 * read on its own, so one unreadable certificate does not make the whole CMS unreadable.
 */
export function readSignedData(der: Uint8Array): SignedCms {
  const contentInfo = new ContentInfo({ schema: readBer(der) });
  if (contentInfo.contentType !== OID.signedData) throw new Error("ContentInfo is not SignedData");
  const signedData: unknown = contentInfo.content;
  if (!(signedData instanceof asn1js.Sequence)) throw new Error("SignedData is not a SEQUENCE");
  const fields = signedData.valueBlock.value;
  const certificateSet = fields.find((e) => e.idBlock.tagClass === 3 && e.idBlock.tagNumber === 0);
  // certificates [0] is read below, one by one: PKI.js would reject the whole SignedData for one bad certificate.
  signedData.valueBlock.value = fields.filter((f) => f !== certificateSet);
  const elements = certificateSet instanceof asn1js.Constructed ? certificateSet.valueBlock.value : [];
  const certificates = elements.flatMap((element) => {
    try {
      return [certificateOf(element)];
    } catch {
      return [];
    }
  });
  return { signedData: new SignedData({ schema: signedData }), certificates };
}
