/**
 * HL7 v2 "ER7" encoding (HL7 v2.5 chapter 2, §2.5–§2.7): a message is segments separated by CR,
 * fields by MSH-1, then components, repetitions, subcomponents by the MSH-2 encoding characters.
 * The reader is total: it never throws, and anything a sender leaves out — a segment ended before
 * its last field, trailing components, subcomponents or repetitions omitted (§2.5.3, "a segment
 * may be terminated after the last non-empty field") — reads as the empty string.
 *
 * Values are unescaped per §2.7: `\F\ \S\ \T\ \R\ \E\` give the delimiters back, `\Xhh…\` the
 * bytes hh… in the message's character set, `\H\ \N\` (highlighting) and `\Zxx\` (local) are
 * dropped, `\.br\` and `\.sp\` become a space, the other formatting commands and the `\Cxxyy\`
 * `\Mxxyyzz\` character-set switches are dropped; an unknown or unterminated escape stays as it is.
 */

export interface Er7Delimiters {
  readonly field: string;
  readonly component: string;
  readonly repetition: string;
  readonly escape: string;
  readonly subcomponent: string;
}

export interface Er7Segment {
  readonly name: string;
  /** Raw (escaped) field texts by HL7 position: `fields[0]` is the name; for MSH, `fields[1]` is MSH-1. */
  readonly fields: readonly string[];
}

export interface Er7Message {
  readonly delimiters: Er7Delimiters;
  readonly segments: readonly Er7Segment[];
  /** Decodes the bytes of a `\Xhh…\` escape (the message's character set). */
  readonly decodeHex: (bytes: Uint8Array) => string;
}

export const STANDARD_DELIMITERS: Er7Delimiters = {
  field: "|",
  component: "^",
  repetition: "~",
  escape: "\\",
  subcomponent: "&",
};

const latin1 = (bytes: Uint8Array): string => Buffer.from(bytes).toString("latin1");

/**
 * The delimiters of a message starting with `MSH` (MSH-1 and MSH-2), or `undefined` when the
 * text does not start with an MSH whose delimiters are usable: five distinct characters, none a
 * letter, digit, space or segment terminator. Missing MSH-2 characters take their standard value.
 */
export function er7Delimiters(text: string): Er7Delimiters | undefined {
  if (!text.startsWith("MSH") || text.length < 4) return undefined;
  const field = text.charAt(3);
  let enc = "";
  for (let i = 4; i < text.length && i < 9; i++) {
    const c = text.charAt(i);
    if (c === field || c === "\r" || c === "\n") break;
    enc += c;
  }
  const d: Er7Delimiters = {
    field,
    component: enc.charAt(0) || "^",
    repetition: enc.charAt(1) || "~",
    escape: enc.charAt(2) || "\\",
    subcomponent: enc.charAt(3) || "&",
  };
  const all = [d.field, d.component, d.repetition, d.escape, d.subcomponent];
  if (new Set(all).size !== 5 || all.some((c) => /[\sA-Za-z0-9]/.test(c))) return undefined;
  return d;
}

/** Parses ER7 text; `undefined` when it does not start with a usable MSH (see {@link er7Delimiters}). */
export function parseEr7(
  text: string,
  decodeHex: (bytes: Uint8Array) => string = latin1,
): Er7Message | undefined {
  const delimiters = er7Delimiters(text);
  if (delimiters === undefined) return undefined;
  const segments: Er7Segment[] = [];
  for (const line of text.split(/\r\n|\r|\n/)) {
    if (line.trim() === "") continue;
    const parts = line.split(delimiters.field);
    const name = parts[0] ?? "";
    const fields = name === "MSH" ? ["MSH", delimiters.field, ...parts.slice(1)] : parts;
    segments.push({ name, fields });
  }
  return { delimiters, segments, decodeHex };
}

/** The `index`-th (0-based) segment called `name`. */
export function segmentOf(msg: Er7Message, name: string, index = 0): Er7Segment | undefined {
  let n = 0;
  for (const s of msg.segments) {
    if (s.name === name && n++ === index) return s;
  }
  return undefined;
}

/** Raw text of field `f` ("" when absent). */
export function rawField(seg: Er7Segment | undefined, f: number): string {
  return seg?.fields[f] ?? "";
}

/** Raw repetitions of field `f`: `[]` when the field is empty or absent. */
export function repetitionsOf(msg: Er7Message, seg: Er7Segment | undefined, f: number): string[] {
  const raw = rawField(seg, f);
  if (raw === "") return [];
  if (seg?.name === "MSH" && f <= 2) return [raw];
  return raw.split(msg.delimiters.repetition);
}

/**
 * Component `c` (1-based) of repetition `rep` (0-based) of field `f`, unescaped; with `sub`, only
 * that subcomponent (1-based). "" for anything absent.
 */
export function valueOf(
  msg: Er7Message,
  seg: Er7Segment | undefined,
  f: number,
  c = 1,
  rep = 0,
  sub?: number,
): string {
  if (seg === undefined) return "";
  if (seg.name === "MSH" && f <= 2) return c === 1 && rep === 0 ? rawField(seg, f) : "";
  const r = repetitionsOf(msg, seg, f)[rep] ?? "";
  let v = r.split(msg.delimiters.component)[c - 1] ?? "";
  if (sub !== undefined) v = v.split(msg.delimiters.subcomponent)[sub - 1] ?? "";
  return unescapeEr7(msg, v);
}

const FORMATTING = /^\.(br|sp\d*|fi|nf|in[+-]?\d*|ti[+-]?\d*|sk[+-]?\d*|ce)$/;

/** HL7 v2.5 §2.7 escape sequences → text (see the module comment). Never throws. */
export function unescapeEr7(msg: Er7Message, v: string): string {
  const d = msg.delimiters;
  if (!v.includes(d.escape)) return v;
  let out = "";
  let i = 0;
  while (i < v.length) {
    const ch = v.charAt(i);
    if (ch !== d.escape) {
      out += ch;
      i++;
      continue;
    }
    const end = v.indexOf(d.escape, i + 1);
    if (end < 0) {
      out += v.slice(i);
      break;
    }
    const code = v.slice(i + 1, end);
    const simple: Partial<Record<string, string>> = {
      F: d.field,
      S: d.component,
      T: d.subcomponent,
      R: d.repetition,
      E: d.escape,
      H: "",
      N: "",
    };
    const plain = simple[code];
    if (plain !== undefined) out += plain;
    else if (/^X([0-9A-Fa-f]{2})+$/.test(code)) {
      const bytes = Uint8Array.from(code.slice(1).match(/../g) ?? [], (h) => parseInt(h, 16));
      out += msg.decodeHex(bytes);
    } else if (/^\.(br|sp\d*)$/.test(code)) out += " ";
    else if (!FORMATTING.test(code) && !/^(C[0-9A-Fa-f]{4}|M[0-9A-Fa-f]{6}|Z.*)$/.test(code)) {
      out += v.slice(i, end + 1); // unknown: kept as sent
    }
    i = end + 1;
  }
  return out;
}
