/**
 * The answer deadline of a tele-expertise request: `request.answerBy` (a calendar day, form
 * `teleexpertise-request@1`) read as the end of that day in metropolitan France (Europe/Paris,
 * CET/CEST), as an ISO instant. Requests without `answerBy` have no deadline of their own: the
 * default escalation delay applies (see `overdue.ts`).
 */
import type { SheetData } from "../../forms/index.ts";

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

/** Offset of Europe/Paris from UTC at `instant`, in minutes (60 or 120). */
function parisOffsetMinutes(instant: number): number {
  const name =
    new Intl.DateTimeFormat("en-GB", { timeZone: "Europe/Paris", timeZoneName: "longOffset" })
      .formatToParts(new Date(instant))
      .find((p) => p.type === "timeZoneName")?.value ?? "GMT+01:00";
  const m = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (m === null) return 60;
  return (m[1] === "-" ? -1 : 1) * (Number(m[2]) * 60 + Number(m[3]));
}

/** 23:59:59 Europe/Paris on `day` (`YYYY-MM-DD`), as an ISO instant. */
export function endOfParisDay(day: string): string {
  const m = DAY.exec(day);
  if (m === null) throw new RangeError("not a YYYY-MM-DD day");
  const utc = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]), 23, 59, 59);
  return new Date(utc - parisOffsetMinutes(utc) * 60_000).toISOString();
}

/** The deadline of a validated tele-expertise request, if it names one. */
export function answerDueAt(data: SheetData): string | undefined {
  const by = data.request?.answerBy;
  return typeof by === "string" && DAY.test(by) ? endOfParisDay(by) : undefined;
}
