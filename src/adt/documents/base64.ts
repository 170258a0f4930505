/**
 * Strict Base64 (RFC 4648 §4) for the encapsulated data of an OBX of type ED (HL7 v2.5 §2.A.24,
 * ED-4 encoding `Base64`), as the CI-SIS volet « Transmission de document(s) CDA en HL7v2 » carries
 * the CDA R2 document in OBX-5.5:
 * - line breaks and spaces are ignored (MIME writers wrap at 76 characters, RFC 2045 §6.8; inside an
 *   ER7 field they come as `\X0D\\X0A\` or `\.br\` escapes, or as continuation lines);
 * - any other character outside the alphabet refuses the whole value — nothing is skipped silently;
 * - `=` only at the end, at most two, and then the length is a multiple of 4;
 * - the final padding may be left out (RFC 4648 §3.2: the length tells how many bytes are left; the
 *   ANS's own ORU replacement example omits it), but a final group of one character is refused: it
 *   cannot encode a byte;
 * - the bits after the last byte must be zero (RFC 4648 §3.5, canonical encoding).
 */

const ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** The bytes of `text`, or `undefined` when it is not strict Base64 (see the module comment). */
export function strictBase64(text: string): Uint8Array | undefined {
  const compact = text.replace(/[\r\n\t ]+/g, "");
  if (compact === "" || !/^[A-Za-z0-9+/]*={0,2}$/.test(compact)) return undefined;
  const padded = compact.endsWith("=");
  if (padded && compact.length % 4 !== 0) return undefined;
  const data = compact.replace(/=+$/, "");
  const rest = data.length % 4;
  if (rest === 1) return undefined;
  const last = ALPHABET.indexOf(data.charAt(data.length - 1));
  if ((rest === 2 && (last & 0x0f) !== 0) || (rest === 3 && (last & 0x03) !== 0)) return undefined;
  return new Uint8Array(Buffer.from(data, "base64"));
}
