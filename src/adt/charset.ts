/**
 * Character sets of an HL7 v2 message, per message (HL7 v2.5 §2.15.9.18, MSH-18, table 0211):
 * the MSH segment is ASCII in every character set the feed accepts, so MSH-18 is read from the
 * raw bytes first and the whole message is decoded after. Accepted: `ASCII`, `8859/1`, `8859/15`
 * and `UNICODE UTF-8` (also written `UTF-8`); an empty MSH-18 takes the listener's default.
 * Decoding is strict, so a patient's name never reaches a notice corrupted:
 * - UTF-8 that is not valid UTF-8 is refused;
 * - 8859/1 or 8859/15 holding C1 control bytes (0x80–0x9F, not text in these sets) is refused, and
 *   so is 8859/1 or 8859/15 whose non-ASCII bytes form valid UTF-8 (UTF-8 sent under a Latin-1
 *   label: "é" would read "Ã©", a sequence French names never hold);
 * - ASCII with a byte above 0x7F is refused.
 */
import { parseEr7, segmentOf, valueOf } from "./er7.ts";

export type Hl7Charset = "ASCII" | "8859/1" | "8859/15" | "UNICODE UTF-8";

/** The listener's setting (`PASSERELLE_MLLP_ENCODING`) as an MSH-18 value. */
export function defaultCharset(encoding: string | undefined): Hl7Charset {
  return /^(latin1|iso-?8859-1|8859\/1)$/i.test(encoding ?? "") ? "8859/1" : "UNICODE UTF-8";
}

const ALIASES: Record<string, Hl7Charset> = {
  ASCII: "ASCII",
  "8859/1": "8859/1",
  "8859/15": "8859/15",
  "UNICODE UTF-8": "UNICODE UTF-8",
  "UTF-8": "UNICODE UTF-8",
};

/** Why a message's bytes cannot be decoded: a stable reason and whether the label itself is unknown. */
export interface CharsetProblem {
  readonly reason:
    | "charset.unsupported"
    | "charset.invalid_utf8"
    | "charset.c1_control"
    | "charset.mismatch"
    | "charset.not_ascii";
  readonly unsupported: boolean;
}

export type Decoded =
  | { readonly ok: true; readonly text: string; readonly charset: Hl7Charset }
  | ({ readonly ok: false; readonly charset?: Hl7Charset } & CharsetProblem);

/** The first segment of a frame, read byte for byte (the MSH: ASCII in every accepted set). */
export function headSegment(bytes: Uint8Array): string {
  let end = bytes.indexOf(0x0d);
  const lf = bytes.indexOf(0x0a);
  if (end < 0 || (lf >= 0 && lf < end)) end = lf;
  return Buffer.from(bytes.subarray(0, end < 0 ? bytes.length : end)).toString("latin1");
}

/** MSH-18 (first repetition) of a frame, "" when empty or when the frame has no MSH. */
export function declaredCharset(bytes: Uint8Array): string {
  const head = parseEr7(headSegment(bytes));
  if (head === undefined) return "";
  return valueOf(head, segmentOf(head, "MSH"), 18).trim();
}

const strictUtf8 = new TextDecoder("utf-8", { fatal: true });
const latin9 = new TextDecoder("iso-8859-15");

const isUtf8 = (bytes: Uint8Array): boolean => {
  try {
    strictUtf8.decode(bytes);
    return true;
  } catch {
    return false;
  }
};

/** Decodes a frame (without its MLLP envelope) in the character set its MSH-18 names. */
export function decodeHl7(bytes: Uint8Array, fallback: Hl7Charset): Decoded {
  const declared = declaredCharset(bytes);
  const charset = declared === "" ? fallback : ALIASES[declared.toUpperCase()];
  if (charset === undefined) return { ok: false, reason: "charset.unsupported", unsupported: true };
  const fail = (reason: CharsetProblem["reason"]): Decoded => ({
    ok: false,
    reason,
    unsupported: false,
    charset,
  });
  const nonAscii = bytes.some((b) => b > 0x7f);
  switch (charset) {
    case "ASCII":
      return nonAscii ? fail("charset.not_ascii") : { ok: true, charset, text: latin1Text(bytes) };
    case "UNICODE UTF-8":
      try {
        return { ok: true, charset, text: strictUtf8.decode(bytes) };
      } catch {
        return fail("charset.invalid_utf8");
      }
    case "8859/1":
    case "8859/15":
      if (bytes.some((b) => b >= 0x80 && b <= 0x9f)) return fail("charset.c1_control");
      if (nonAscii && isUtf8(bytes)) return fail("charset.mismatch");
      return {
        ok: true,
        charset,
        text: charset === "8859/1" ? latin1Text(bytes) : latin9.decode(bytes),
      };
  }
}

const latin1Text = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

/** The characters 8859/15 puts where 8859/1 has others (€ Š š Ž ž Œ œ Ÿ). */
const LATIN9: Record<string, number> = {
  "€": 0xa4,
  Š: 0xa6,
  š: 0xa8,
  Ž: 0xb4,
  ž: 0xb8,
  Œ: 0xbc,
  œ: 0xbd,
  Ÿ: 0xbe,
};

/** Encodes an answer in the message's character set; a character the set lacks becomes `?`. */
export function encodeHl7(text: string, charset: Hl7Charset): Buffer {
  if (charset === "UNICODE UTF-8") return Buffer.from(text, "utf8");
  const max = charset === "ASCII" ? 0x7f : 0xff;
  const out = Buffer.alloc(text.length);
  let n = 0;
  for (const ch of text) {
    const code = ch.codePointAt(0) ?? 0x3f;
    const mapped = charset === "8859/15" ? LATIN9[ch] : undefined;
    out[n++] = mapped ?? (code <= max ? code : 0x3f);
  }
  return out.subarray(0, n);
}

/** Decodes the bytes of a `\Xhh…\` escape in the message's character set (lenient: never throws). */
export function hexDecoder(charset: Hl7Charset): (bytes: Uint8Array) => string {
  if (charset === "UNICODE UTF-8") return (b) => new TextDecoder("utf-8").decode(b);
  if (charset === "8859/15") return (b) => latin9.decode(b);
  return (b) => Buffer.from(b).toString("latin1");
}
