/**
 * The data of the `admission-notice@1` and `discharge-notice@1` sheets (liaison-forms/): what a
 * city professional needs and nothing more — who (identity traits and INS), where (establishment,
 * unit, contact), when — and, on admission, the invitation to send the `admission` sheet back to
 * the unit: `stay.unitStructureId` is what `POST /api/v1/transfers` takes as `toUnit.structureId`
 * (or `transfer send --to-unit`), else `stay.contactRpps` as `to`.
 */
import { checkIdentifier } from "../forms/index.ts";
import type { AdtEvent } from "./event.ts";
import type { AdtUnit } from "./units.ts";

/**
 * `admissionUnknown`: a discharge (A03) for a stay whose admission the feed never accepted (never
 * received, refused, or cancelled by an A11) — worded « Sortie — admission non reçue », and the
 * notice then carries no admission date, so it never presents an admission as known.
 */
export type NoticeStatus = "issued" | "admissionUnknown" | "withdrawn" | "letterDue" | "letterMissing";

export interface NoticeSheet {
  readonly form: "admission-notice@1" | "discharge-notice@1";
  readonly data: Record<string, Record<string, unknown>>;
}

/**
 * The notice for an A01 (admission) or A03 (discharge) event. `admissionKnown: false` (a discharge
 * whose admission the feed never accepted) leaves the admission date out.
 */
export function noticeSheet(
  kind: "admission" | "discharge",
  event: AdtEvent,
  unit: AdtUnit | undefined,
  status: NoticeStatus = "issued",
  admissionKnown = true,
): NoticeSheet {
  const s = admissionKnown ? event.stay : withoutAdmission(event.stay);
  const finess = checkIdentifier("finess", s.facility).ok ? s.facility : undefined;
  const stay: Record<string, unknown> = {
    establishment: (s.facilityName ?? finess ?? s.facility).slice(0, 200),
    ...(finess === undefined ? {} : { finess }),
    unit: (unit?.name ?? s.unitName ?? s.unit).slice(0, 200),
    ...(s.admittedAt === undefined ? {} : { admittedAt: s.admittedAt }),
    ...(kind === "discharge" ? { dischargedAt: s.dischargedAt ?? event.occurredAt } : {}),
    ...(unit?.phone === undefined ? {} : { contactPhone: unit.phone }),
    ...(unit?.contactRpps === undefined ? {} : { contactRpps: unit.contactRpps }),
    ...(unit?.structureId === undefined ? {} : { unitStructureId: unit.structureId }),
  };
  if (kind === "admission" && stay.admittedAt === undefined) stay.admittedAt = event.occurredAt;
  return {
    form: kind === "admission" ? "admission-notice@1" : "discharge-notice@1",
    data: {
      patient: {
        lastName: event.patient.lastName,
        firstNames: event.patient.firstNames,
        birthDate: event.patient.birthDate,
        ins: event.patient.ins,
      },
      stay,
      notice: {
        status,
        ...(kind === "admission" &&
        status === "issued" &&
        (unit?.contactRpps !== undefined || unit?.structureId !== undefined)
          ? { admissionSheetRequested: true }
          : {}),
      },
    },
  };
}

const withoutAdmission = (stay: AdtEvent["stay"]): AdtEvent["stay"] => {
  const { admittedAt: _dropped, ...rest } = stay;
  return rest;
};

/** The follow-up that withdraws a notice already sent: same data, status `withdrawn`, `replaces` its sheet id. */
export function withdrawal(original: NoticeSheet["data"], form: string, sheetId: string): NoticeSheet {
  const notice: Record<string, unknown> = { status: "withdrawn", replaces: sheetId };
  return {
    form: form as NoticeSheet["form"],
    data: { ...original, notice },
  };
}
