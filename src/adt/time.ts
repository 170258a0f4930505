/**
 * Times of the ADT feed. HL7 v2 DTM (`YYYYMMDD[HHMM[SS[.S…]]][+/-ZZZZ]`, HL7 v2.5 §2.A.22) without
 * an offset is the hospital's local time: here Europe/Paris (metropolitan France). The "same day"
 * of the HAS indicator is the Paris calendar day.
 */
export const HOSPITAL_TIME_ZONE = "Europe/Paris";

const offsetFmt = new Intl.DateTimeFormat("en-US", {
  timeZone: HOSPITAL_TIME_ZONE,
  timeZoneName: "longOffset",
});
const dayFmt = new Intl.DateTimeFormat("en-CA", {
  timeZone: HOSPITAL_TIME_ZONE,
  year: "numeric",
  month: "2-digit",
  day: "2-digit",
});

/** Paris offset at an instant, in minutes (60 in winter, 120 in summer). */
function offsetMinutes(at: Date): number {
  const name = offsetFmt.formatToParts(at).find((p) => p.type === "timeZoneName")?.value ?? "GMT";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (m === null) return 0;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

const pad = (n: number): string => String(n).padStart(2, "0");
const fmtOffset = (min: number): string =>
  `${min < 0 ? "-" : "+"}${pad(Math.floor(Math.abs(min) / 60))}:${pad(Math.abs(min) % 60)}`;

/** The calendar day (`YYYY-MM-DD`) of an instant in Paris. */
export function parisDay(at: Date): string {
  return dayFmt.format(at);
}

/** An instant as RFC 3339 in Paris local time, e.g. `2026-03-02T10:15:00+01:00`. */
export function toParisIso(at: Date): string {
  const off = offsetMinutes(at);
  const local = new Date(at.getTime() + off * 60_000);
  return `${local.toISOString().slice(0, 19)}${fmtOffset(off)}`;
}

const DTM = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(?:(\d{2})(?:\.\d{1,4})?)?)?([+-]\d{4})?$/;

/** HL7 DTM → RFC 3339 (Paris local time when no offset is given); `undefined` if not a DTM. */
export function hl7Time(dtm: string): string | undefined {
  const m = DTM.exec(dtm.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h = "00", mi = "00", s = "00", tz] = m;
  if (Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return undefined;
  if (tz !== undefined && (Number(tz.slice(1, 3)) > 14 || Number(tz.slice(3, 5)) > 59)) return undefined;
  if (hl7Date(`${y}${mo}${d}`) === undefined) return undefined;
  const wall = Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s));
  let off: number;
  if (tz !== undefined) {
    off = (tz.startsWith("-") ? -1 : 1) * (Number(tz.slice(1, 3)) * 60 + Number(tz.slice(3, 5)));
  } else {
    // local wall time: the offset in force at that instant (re-checked once around DST changes)
    off = offsetMinutes(new Date(wall));
    off = offsetMinutes(new Date(wall - off * 60_000));
  }
  return `${y}-${mo}-${d}T${h}:${mi}:${s}${fmtOffset(off)}`;
}

/** HL7 DT/DTM → `YYYY-MM-DD`. */
export function hl7Date(dt: string): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})/.exec(dt.trim());
  if (m === null) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const at = new Date(Date.UTC(y, mo - 1, d));
  // a real calendar day (no 30 February, no month 13), from year 1000 on
  if (y < 1000 || at.getUTCFullYear() !== y || at.getUTCMonth() !== mo - 1 || at.getUTCDate() !== d) {
    return undefined;
  }
  return `${m[1]}-${m[2]}-${m[3]}`;
}
