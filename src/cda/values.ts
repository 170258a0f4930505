/**
 * Reading sheet data (validated by its form, so the shapes hold) and the CI-SIS value formats:
 * HL7 V3 TS timestamps (`YYYYMMDD`, `YYYYMMDDHHMMSS±ZZZZ`) and person names.
 */
import type { SheetData } from "../forms/index.ts";

export type Row = Readonly<Record<string, unknown>>;

/** `section.field` or `section.group.field` as a string, or undefined when absent or blank. */
export function str(data: SheetData, p: string): string | undefined {
  const v = at(data, p);
  if (typeof v === "number") return String(v);
  return typeof v === "string" && v.trim() !== "" ? v : undefined;
}

export function bool(data: SheetData, p: string): boolean | undefined {
  const v = at(data, p);
  return typeof v === "boolean" ? v : undefined;
}

export function rows(data: SheetData, p: string): Row[] {
  const v = at(data, p);
  return Array.isArray(v) ? (v as Row[]) : [];
}

export function items(data: SheetData, p: string): string[] {
  const v = at(data, p);
  return Array.isArray(v)
    ? (v as unknown[]).filter((x): x is string => typeof x === "string" && x.trim() !== "")
    : [];
}

export function at(data: SheetData, p: string): unknown {
  let cur: unknown = data;
  for (const k of p.split(".")) {
    if (typeof cur !== "object" || cur === null) return undefined;
    cur = (cur as Record<string, unknown>)[k];
  }
  return cur;
}

export const cell = (r: Row, k: string): string | undefined => {
  const v = r[k];
  return typeof v === "string" && v.trim() !== "" ? v : typeof v === "number" ? String(v) : undefined;
};

/** The {@link cell}s `keys` of a row, in that order: a narrative table row (blank cells undefined). */
export const cells = (r: Row, ...keys: readonly string[]): (string | undefined)[] =>
  keys.map((k) => cell(r, k));

/** `YYYY-MM-DD` → `YYYYMMDD`. */
export const tsDate = (d: string): string => d.slice(0, 10).replace(/-/g, "");

/** RFC 3339 with offset → `YYYYMMDDHHMMSS±ZZZZ`, keeping the writer's local time and offset. */
export function tsDateTime(dt: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2}))?(?:\.\d+)?(Z|[+-]\d{2}:\d{2})$/i.exec(dt);
  if (m === null) return tsDate(dt);
  const zone = (m[7] ?? "Z").toUpperCase() === "Z" ? "+0000" : (m[7] ?? "").replace(":", "");
  return `${m[1]}${m[2]}${m[3]}${m[4]}${m[5]}${m[6] ?? "00"}${zone}`;
}

/** A `Date` as TS in UTC (`…+0000`). */
export const tsInstant = (d: Date): string => d.toISOString().replace(/[-:T]/g, "").slice(0, 14) + "+0000";

/** `YYYY-MM-DD` as French `DD/MM/YYYY` for the narrative. */
export const frDate = (d: string): string => `${d.slice(8, 10)}/${d.slice(5, 7)}/${d.slice(0, 4)}`;

export interface PersonName {
  readonly prefix?: string;
  readonly given?: string;
  readonly family: string;
}

/**
 * A free-text practitioner name ("Dr Hélène Bérard") split into prefix, given names and family
 * name: a leading title (Dr, Pr, M., Mme) is the prefix, the last word the family name.
 */
export function personName(full: string): PersonName {
  const words = full.trim().split(/\s+/);
  const title = /^(dr|pr|docteur|professeur|m|mme|mlle|monsieur|madame)\.?$/i;
  const prefix = words.length > 1 && title.test(words[0] ?? "") ? words.shift() : undefined;
  const family = words.pop() ?? full;
  const given = words.join(" ");
  return { ...(prefix === undefined ? {} : { prefix }), ...(given === "" ? {} : { given }), family };
}
