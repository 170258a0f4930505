/**
 * A minimal DER (ITU-T X.690) writer and a bounds-checked BER/DER reader — just what CMS signing
 * (RFC 5652) and signature verification need.
 *
 * Why not forge's `asn1` tree for the per-signature work: `asn1.toDer` walks a tree of binary strings
 * and re-encodes every certificate each time; the signing fast path instead concatenates byte
 * buffers that were encoded once per signer (see `cms.ts`). The reader slices the original bytes, so
 * what is hashed or compared is exactly what was in the file, never a re-encoding.
 */

/** Universal and context tags used by CMS / X.509 (single-byte tags only). */
export const TAG = {
  BOOLEAN: 0x01,
  INTEGER: 0x02,
  BIT_STRING: 0x03,
  OCTET_STRING: 0x04,
  NULL: 0x05,
  OID: 0x06,
  UTF8_STRING: 0x0c,
  PRINTABLE_STRING: 0x13,
  T61_STRING: 0x14,
  IA5_STRING: 0x16,
  UTC_TIME: 0x17,
  GENERALIZED_TIME: 0x18,
  UNIVERSAL_STRING: 0x1c,
  BMP_STRING: 0x1e,
  SEQUENCE: 0x30,
  SET: 0x31,
  /** `[n]` constructed (EXPLICIT, or IMPLICIT of a constructed type). */
  context: (n: number): number => 0xa0 | n,
  /** `[n]` primitive (IMPLICIT of a primitive type). */
  contextPrimitive: (n: number): number => 0x80 | n,
} as const;

/** Thrown by the reader on malformed input; callers turn it into a PasserelleError or a report issue. */
export class DerError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "DerError";
  }
}

// ---------------------------------------------------------------------------------------------- writer

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

// ---------------------------------------------------------------------------------------------- reader

/** One element: `start` is the tag byte, contents are `[contentStart, contentEnd)`, the element ends at `end`. */
export interface Tlv {
  readonly tag: number;
  readonly start: number;
  readonly contentStart: number;
  readonly contentEnd: number;
  readonly end: number;
}

/** Reads the element at `offset`, which must end at or before `limit`. Accepts BER indefinite lengths. */
export function readTlv(buf: Uint8Array, offset: number, limit: number = buf.length): Tlv {
  const at = (i: number): number => {
    if (i >= limit) throw new DerError("truncated ASN.1 element");
    return buf[i] ?? 0;
  };
  const tag = at(offset);
  if ((tag & 0x1f) === 0x1f) throw new DerError("multi-byte ASN.1 tags are not supported");
  const first = at(offset + 1);
  let contentStart = offset + 2;
  if (first === 0x80) {
    if ((tag & 0x20) === 0) throw new DerError("indefinite length on a primitive ASN.1 element");
    let p = contentStart;
    while (!(at(p) === 0 && at(p + 1) === 0)) p = readTlv(buf, p, limit).end;
    return { tag, start: offset, contentStart, contentEnd: p, end: p + 2 };
  }
  let length = first;
  if (first > 0x80) {
    const n = first & 0x7f;
    if (n > 4) throw new DerError("ASN.1 length too large");
    length = 0;
    for (let i = 0; i < n; i++) length = length * 256 + at(contentStart + i);
    contentStart += n;
  }
  const end = contentStart + length;
  if (end > limit) throw new DerError("truncated ASN.1 element");
  return { tag, start: offset, contentStart, contentEnd: end, end };
}

/** The elements directly inside a constructed element. */
export function children(buf: Uint8Array, parent: Tlv): Tlv[] {
  const out: Tlv[] = [];
  for (let p = parent.contentStart; p < parent.contentEnd;) {
    const child = readTlv(buf, p, parent.contentEnd);
    out.push(child);
    p = child.end;
  }
  return out;
}

/** Reads one element and checks its tag. */
export function expect(t: Tlv | undefined, tag: number, what: string): Tlv {
  if (t?.tag !== tag) throw new DerError(`${what}: unexpected ASN.1 structure`);
  return t;
}

export const bytesOf = (buf: Uint8Array, t: Tlv): Buffer => Buffer.from(buf.subarray(t.start, t.end));
export const contentOf = (buf: Uint8Array, t: Tlv): Buffer =>
  Buffer.from(buf.subarray(t.contentStart, t.contentEnd));

/** Dotted notation of an OBJECT IDENTIFIER element. */
export function readOid(buf: Uint8Array, t: Tlv): string {
  if (t.tag !== TAG.OID || t.contentEnd === t.contentStart) throw new DerError("expected an OID");
  const arcs: number[] = [];
  let value = 0;
  for (let i = t.contentStart; i < t.contentEnd; i++) {
    const byte = buf[i] ?? 0;
    value = value * 128 + (byte & 0x7f);
    if ((byte & 0x80) === 0) {
      if (arcs.length === 0) {
        const a = value < 80 ? Math.floor(value / 40) : 2;
        arcs.push(a, value - a * 40);
      } else arcs.push(value);
      value = 0;
    }
  }
  return arcs.join(".");
}
