/**
 * The HAS « document de sortie le jour même » indicator (art. R1112-1-2 CSP: the discharge letter
 * is sent the same day): for each discharge (A03) the stay waits, `pending`, for a `discharge`
 * transfer about the same patient created on the discharge's Paris calendar day. Found → `on_time`.
 * Still none once that day is over → `missing`: audited (`adt.letter_missing`), and the unit (its
 * staff in its room, or its correspondent) and the CPTS coordinators get a `discharge-notice` with
 * status `letterMissing`. A discharge letter the hospital sent itself (src/documents: LOINC 11490-0
 * « lettre de liaison à la sortie ») counts when it names the stay's visit number (PV1-19) and was
 * received on the discharge day.
 */
import type { Knex } from "knex";
import type { PatientRef } from "../audit/index.ts";
import { auditEvent } from "../audit/index.ts";
import { DirectoryRepository } from "../directory/index.ts";
import { countBy } from "../storage/index.ts";
import { TransferRepository } from "../transfers/index.ts";
import type { AdtEvent } from "./event.ts";
import { noticeSheet } from "./notices.ts";
import type { AdtProcessorDeps } from "./processor.ts";
import { ADT_ACTOR, sendNotice } from "./processor.ts";
import { parisDay } from "./time.ts";
import { adtUnit, reachableUnitAddress } from "./units.ts";

interface StayRow {
  stay_key: string;
  patient_ref: string;
  facility: string;
  unit: string | null;
  discharged_at: string;
  discharge_day: string;
  discharge_message: number | null;
  admitted_at: string | null;
  cancelled: string | null;
  visit: string | null;
  letter_received_at: string | null;
  letter_received_transfer: string | null;
}

/**
 * The hospital's own discharge letter (a document received: CDA LOINC 11490-0) for the stay of
 * this visit number (PV1-19): kept on the stay, so the same-day check counts it — the first one
 * received. Called by the documents service within its transaction.
 */
export async function noteDischargeLetter(
  q: Knex,
  letter: { patientRef: string; visit: string; receivedAt: string; transferId?: string },
): Promise<void> {
  await q("adt_stays")
    .where({ patient_ref: letter.patientRef, visit: letter.visit })
    .whereNull("letter_received_at")
    .update({ letter_received_at: letter.receivedAt, letter_received_transfer: letter.transferId ?? null });
}

/** Checks every pending discharge; returns how many became `on_time` and `missing`. */
export async function checkSameDayLetters(
  deps: AdtProcessorDeps,
): Promise<{ onTime: number; missing: number }> {
  const knex = deps.db.knex;
  const transfers = new TransferRepository(knex);
  const now = deps.clock.now();
  const today = parisDay(now);
  const stays = (await knex("adt_stays").where({ letter_check: "pending" }).select()) as StayRow[];
  let onTime = 0;
  let missing = 0;
  for (const s of stays) {
    const since = new Date(Date.parse(s.discharged_at) - 36 * 3600_000).toISOString();
    const letters = await transfers.ofPatient("discharge", s.patient_ref, since);
    const letter = letters.find((l) => parisDay(new Date(l.createdAt)) === s.discharge_day);
    const received =
      s.letter_received_at !== null && parisDay(new Date(s.letter_received_at)) === s.discharge_day;
    if (letter !== undefined || received) {
      await knex("adt_stays")
        .where({ stay_key: s.stay_key })
        .update({ letter_check: "on_time", letter_transfer: letter?.id ?? s.letter_received_transfer });
      onTime++;
      continue;
    }
    if (today <= s.discharge_day) continue;
    // told first, then marked: the notices' ids are fixed, so a check interrupted in between
    // (crash, storage down) sends nothing twice and leaves the stay pending for the next check
    await alert(deps, s);
    missing++;
    await knex("adt_stays").where({ stay_key: s.stay_key }).update({ letter_check: "missing" });
    await deps.trail.append(
      auditEvent("adt.letter_missing", {
        actor: ADT_ACTOR,
        outcome: "failure",
        reason: "letter.not_same_day",
        patient: s.patient_ref as PatientRef,
      }),
    );
  }
  return { onTime, missing };
}

/**
 * The unit and the coordinators are told (a notice with status `letterMissing`): the unit's staff
 * in its room and the coordinators in theirs, or one notice to the correspondent and the
 * coordinators; only the coordinators when the unit cannot be reached ({@link reachableUnitAddress}).
 */
async function alert(deps: AdtProcessorDeps, s: StayRow): Promise<void> {
  const knex = deps.db.knex;
  if (s.discharge_message === null) return;
  const msg = await knex<{ id: number; event_json: string }>("adt_messages")
    .where({ id: s.discharge_message })
    .first("event_json");
  if (msg === undefined) return;
  const event = JSON.parse(msg.event_json) as AdtEvent;
  const unit = await adtUnit(knex, s.facility, s.unit ?? "");
  const coordinators = (await new DirectoryRepository(knex).membersWithRole("coordinator")).flatMap((m) =>
    m.rpps !== undefined && m.matrixId !== undefined ? [m.rpps] : [],
  );
  const admissionKnown = s.admitted_at !== null && s.cancelled !== "yes";
  const sheet = noticeSheet("discharge", event, unit, "letterMissing", admissionKnown);
  const address = await reachableUnitAddress(knex, unit);
  if (address !== undefined && "toUnit" in address) {
    // the unit in its own room, the coordinators in theirs
    await sendNotice(deps, `adt-${s.discharge_message}-missing`, sheet, address);
    if (coordinators.length > 0)
      await sendNotice(deps, `adt-${s.discharge_message}-missing-cpts`, sheet, coordinators);
    return;
  }
  const to = [...new Set([...(address?.to ?? []), ...coordinators])];
  if (to.length === 0) return;
  await sendNotice(deps, `adt-${s.discharge_message}-missing`, sheet, to);
}

export interface SameDayIndicator {
  readonly discharges: number;
  readonly sameDay: number;
  readonly missing: number;
  readonly pending: number;
  /** sameDay / (sameDay + missing), or undefined when nothing is decided yet. */
  readonly rate?: number;
}

/** The indicator over discharge days `from`…`to` (inclusive, `YYYY-MM-DD`, Paris days). */
export async function sameDayIndicator(
  deps: Pick<AdtProcessorDeps, "db">,
  from: string,
  to: string,
): Promise<SameDayIndicator> {
  const by = await countBy(
    deps.db
      .knex("adt_stays")
      .whereBetween("discharge_day", [from, to])
      .whereIn("letter_check", ["pending", "on_time", "missing"]),
    "letter_check",
  );
  const sameDay = by.get("on_time") ?? 0;
  const missing = by.get("missing") ?? 0;
  const pending = by.get("pending") ?? 0;
  return {
    discharges: sameDay + missing + pending,
    sameDay,
    missing,
    pending,
    ...(sameDay + missing === 0 ? {} : { rate: sameDay / (sameDay + missing) }),
  };
}
