/**
 * Navigation in a parsed CDA R2 document: elements of the HL7 v3 namespace (`urn:hl7-org:v3`,
 * whatever prefix the producer bound it to), attributes, text, and the HL7 v3 data types the
 * header uses (II, TS, CD, PN) — HL7 v3 Data Types R1, as profiled by the CI-SIS.
 */
import { xmlError, XSI, type XElement } from "./xml.ts";

export const HL7 = "urn:hl7-org:v3";

export const child = (el: XElement | undefined, local: string): XElement | undefined =>
  el?.children.find((c): c is XElement => typeof c !== "string" && c.ns === HL7 && c.local === local);

export const children = (el: XElement | undefined, local: string): XElement[] =>
  el === undefined
    ? []
    : el.children.filter((c): c is XElement => typeof c !== "string" && c.ns === HL7 && c.local === local);

/** The first element down a chain of HL7 child names. */
export function descend(el: XElement | undefined, ...locals: readonly string[]): XElement | undefined {
  let cur = el;
  for (const l of locals) cur = child(cur, l);
  return cur;
}

export const elements = (el: XElement): XElement[] =>
  el.children.filter((c): c is XElement => typeof c !== "string");

export function attr(el: XElement | undefined, name: string): string | undefined {
  const v = el?.attrs[name]?.trim();
  return v === undefined || v === "" ? undefined : v;
}

/** `xsi:type` without its prefix (`IVL_TS`, `hl7:CD` → `CD`). */
export const xsiType = (el: XElement | undefined): string | undefined =>
  attr(el, `{${XSI}}type`)?.replace(/^.*:/, "");

/** All character data below `el`, whitespace collapsed. */
export function textOf(el: XElement | undefined): string | undefined {
  if (el === undefined) return undefined;
  const t = rawText(el).replace(/\s+/g, " ").trim();
  return t === "" ? undefined : t;
}

export function rawText(el: XElement): string {
  let s = "";
  for (const c of el.children) s += typeof c === "string" ? c : rawText(c);
  return s;
}

/** II: `root` alone or `root^extension`, the CI-SIS way of writing a document id as one string. */
export interface Ii {
  readonly root: string;
  readonly extension?: string;
}

export function ii(el: XElement | undefined): Ii | undefined {
  const root = attr(el, "root");
  if (root === undefined) return undefined;
  const extension = attr(el, "extension");
  return extension === undefined ? { root } : { root, extension };
}

export const iiString = (i: Ii): string => (i.extension === undefined ? i.root : `${i.root}^${i.extension}`);

/** A required II (`@root`), or a CDA_INVALID error naming the element. */
export function requiredIi(el: XElement | undefined, path: string): Ii {
  const v = ii(el);
  if (v === undefined) {
    throw xmlError(
      "CDA_INVALID",
      el === undefined ? path : `${el.path}/@root`,
      "required",
      "a required identifier (II with @root) is missing",
      "un identifiant obligatoire (II avec @root) manque",
    );
  }
  return v;
}

/**
 * TS (`YYYY[MM[DD[HH[MM[SS[.S+]]]]]][±ZZZZ]`) as ISO 8601: `YYYY-MM-DD`, or a date-time with its
 * offset when the time is given. A three-digit offset (`+100`, seen in published examples) is read
 * as `+0100`. A malformed value is a CDA_INVALID error naming its XPath.
 */
export function ts(el: XElement | undefined): string | undefined {
  const v = attr(el, "value");
  if (v === undefined || el === undefined) return undefined;
  const m = /^(\d{4})(\d{2})?(\d{2})?(?:(\d{2})(\d{2})?(\d{2})?(?:\.\d{1,4})?)?([+-]\d{3,4})?$/.exec(v);
  const bad = (): never => {
    throw xmlError(
      "CDA_INVALID",
      `${el.path}/@value`,
      "TS format",
      "not an HL7 TS timestamp (YYYYMMDD[HHMM[SS]][±ZZZZ])",
      "pas un horodatage HL7 TS (AAAAMMJJ[HHMM[SS]][±ZZZZ])",
    );
  };
  if (m === null) return bad();
  const [, y, mo, d, h, mi, s, zone] = m;
  const z = zone === undefined ? undefined : `${zone.slice(0, 1)}${zone.slice(1).padStart(4, "0")}`;
  if ((mo !== undefined && (+mo < 1 || +mo > 12)) || (d !== undefined && (+d < 1 || +d > 31))) return bad();
  if ((h !== undefined && +h > 23) || (mi !== undefined && +mi > 59) || (s !== undefined && +s > 60))
    return bad();
  let out = y ?? "";
  if (mo !== undefined) out += `-${mo}`;
  if (d !== undefined) out += `-${d}`;
  if (h !== undefined) out += `T${h}:${mi ?? "00"}:${s ?? "00"}`;
  if (h !== undefined && z !== undefined) out += `${z.slice(0, 3)}:${z.slice(3)}`;
  return out;
}

/** CD/CE/CV: code, system, display name. */
export interface Coded {
  readonly code: string;
  readonly system?: string;
  readonly display?: string;
}

export function cd(el: XElement | undefined): Coded | undefined {
  const code = attr(el, "code");
  if (code === undefined) return undefined;
  const system = attr(el, "codeSystem");
  const display = attr(el, "displayName");
  return { code, ...(system === undefined ? {} : { system }), ...(display === undefined ? {} : { display }) };
}

/** PN: prefix, given names, family name(s), suffix; `text` the readable whole. */
export interface PersonName {
  readonly prefix?: string;
  readonly given?: string;
  readonly family?: string;
  readonly suffix?: string;
  readonly text: string;
}

export function pn(name: XElement | undefined): PersonName | undefined {
  if (name === undefined) return undefined;
  const part = (local: string): string | undefined => {
    const ps = children(name, local)
      .map(textOf)
      .filter((t): t is string => t !== undefined);
    return ps.length === 0 ? undefined : ps.join(" ");
  };
  const prefix = part("prefix");
  const given = part("given");
  const family = part("family");
  const suffix = part("suffix");
  const whole = [prefix, given, family, suffix].filter((x) => x !== undefined).join(" ");
  const text = whole === "" ? (textOf(name) ?? "") : whole;
  if (text === "") return undefined;
  return {
    ...(prefix === undefined ? {} : { prefix }),
    ...(given === undefined ? {} : { given }),
    ...(family === undefined ? {} : { family }),
    ...(suffix === undefined ? {} : { suffix }),
    text,
  };
}
