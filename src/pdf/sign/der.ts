/**
 * A minimal DER (ITU-T X.690) writer — just what CMS signing (RFC 5652) needs. Reading (signature
 * verification) is PKI.js's and asn1js's, see `verify-cms.ts`.
 *
 * Why not forge's `asn1` tree for the per-signature work: `asn1.toDer` walks a tree of binary strings
 * and re-encodes every certificate each time; the signing fast path instead concatenates byte
 * buffers that were encoded once per signer (see `cms.ts`).
 */

/** Universal and context tags used by the CMS writer (single-byte tags only). */
export const TAG = {
  INTEGER: 0x02,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** `[n]` constructed (EXPLICIT, or IMPLICIT of a constructed type). */
  context: (n: number): number => 0xa0 | n,
  /** `[n]` primitive (IMPLICIT of a primitive type). */
  contextPrimitive: (n: number): number => 0x80 | n,
} as const;

function lengthOctets(length: number): Uint8Array {
  if (length < 0x80) return Uint8Array.of(length);
  const bytes: number[] = [];
  for (let n = length; n > 0; n = Math.floor(n / 256)) bytes.unshift(n % 256);
  return Uint8Array.from([0x80 | bytes.length, ...bytes]);
}

/** Tag-length-value with the given contents concatenated. */
export function tlv(tag: number, ...contents: readonly Uint8Array[]): Buffer {
  let length = 0;
  for (const c of contents) length += c.length;
  const len = lengthOctets(length);
  return Buffer.concat([Uint8Array.of(tag), len, ...contents], 1 + len.length + length);
}

export const sequence = (...items: readonly Uint8Array[]): Buffer => tlv(TAG.SEQUENCE, ...items);

/** DER `SET OF`: elements sorted by their encodings (X.690 §11.6). */
export function setOf(items: readonly Uint8Array[]): Buffer {
  return tlv(TAG.SET, ...[...items].sort((a, b) => Buffer.compare(a, b)));
}

export const octetString = (bytes: Uint8Array): Buffer => tlv(TAG.OCTET_STRING, bytes);

export const derNull: Buffer = Buffer.from([TAG.NULL, 0]);

export function smallInteger(n: number): Buffer {
  if (!Number.isInteger(n) || n < 0 || n > 127) throw new RangeError("smallInteger: 0..127 only");
  return Buffer.from([TAG.INTEGER, 1, n]);
}

/** OBJECT IDENTIFIER from dotted notation. */
export function oid(dotted: string): Buffer {
  const arcs = dotted.split(".").map(Number);
  const [a, b, ...rest] = arcs;
  if (a === undefined || b === undefined || arcs.some((x) => !Number.isSafeInteger(x) || x < 0)) {
    throw new RangeError(`invalid OID ${dotted}`);
  }
  const out: number[] = [];
  for (const arc of [a * 40 + b, ...rest]) {
    const group: number[] = [arc % 128];
    for (let n = Math.floor(arc / 128); n > 0; n = Math.floor(n / 128)) group.unshift(0x80 | (n % 128));
    out.push(...group);
  }
  return tlv(TAG.OID, Uint8Array.from(out));
}

/** AlgorithmIdentifier with absent parameters (RFC 5754 for SHA-2) or NULL (RFC 3370 for RSA). */
export const algorithmIdentifier = (dotted: string, nullParameters = false): Buffer =>
  nullParameters ? sequence(oid(dotted), derNull) : sequence(oid(dotted));
