/**
 * Turns stored ADT messages into notices, in arrival order, through the transfers outbox
 * (`createTransfer`: signed PDF, audit, durable queue, idempotent Matrix sends):
 * - A01: an `admission-notice` to every member of the patient's care circle, in their care-team
 *   room (one transfer context: the patient, `care-team`, the circle), inviting the admission sheet;
 * - A02: the stay's unit is updated (no notice);
 * - A03: a `discharge-notice` to the circle, a reminder (`letterDue`) to the unit (its staff in
 *   its room, or its correspondent), and the stay enters the same-day letter check; when the feed
 *   never accepted the stay's admission, the notice says so (`admissionUnknown`) and has no
 *   admission date;
 * - A11 / A13: the admission / discharge notice is withdrawn by a follow-up notice (`withdrawn`,
 *   naming the sheet it replaces) to the same recipients, hence in the same room; when no notice
 *   was sent (admission never received or refused) nothing is sent: there is nothing to withdraw.
 * A recorded objection stops every notice (audited `circle.notice_suppressed`). Transfer ids derive
 * from the message id, so a crash between the notice and the `processed` mark never sends twice.
 */
import { createHash } from "node:crypto";
import type { PatientRef } from "../audit/index.ts";
import { auditEvent } from "../audit/index.ts";
import { circleOf } from "../circles/index.ts";
import { DirectoryRepository } from "../directory/index.ts";
import type { FormRegistry } from "../forms/index.ts";
import type { Signer } from "../pdf/index.ts";
import { createTransfer, TransferRepository } from "../transfers/index.ts";
import type { AdtEvent } from "./event.ts";
import type { NoticeSheet } from "./notices.ts";
import { mergePhysicians } from "./physicians.ts";
import { noticeSheet, withdrawal } from "./notices.ts";
import type { AdtDeps } from "./store.ts";
import { parisDay } from "./time.ts";
import type { UnitAddress } from "./units.ts";
import { adtUnit, reachableUnitAddress } from "./units.ts";

export interface AdtProcessorDeps extends AdtDeps {
  readonly forms: FormRegistry;
  readonly signer: Signer;
}

/** Audit actor of the notices. */
export const ADT_ACTOR = "system:adt";
/** Sender unit of notices: every notice about a patient to one circle shares one room. */
export const CARE_TEAM_UNIT = "care-team";

interface MessageRow {
  id: number;
  patient_ref: string;
  event_json: string;
}

export const stayKey = (e: AdtEvent): string =>
  createHash("sha256").update(`passerelle/stay/v1\n${e.stay.facility}\n${e.stay.visit}`).digest("hex");

/**
 * Creates the notice transfer `id` unless it exists (idempotent); returns its id. `to` is a list of
 * RPPS numbers, or a unit's address ({@link reachableUnitAddress}: its structure's staff, in the unit's
 * room).
 */
export async function sendNotice(
  deps: AdtProcessorDeps,
  id: string,
  sheet: NoticeSheet,
  to: readonly string[] | UnitAddress,
): Promise<string> {
  if (await new TransferRepository(deps.db.knex).exists(id)) return id;
  const address = Array.isArray(to) ? { to } : (to as UnitAddress);
  await createTransfer(
    { ...deps, newId: () => id },
    { sheet, ...address, actor: ADT_ACTOR, senderUnit: CARE_TEAM_UNIT },
  );
  return id;
}

/** Processes one message (see the module comment). */
export async function processAdtMessage(deps: AdtProcessorDeps, row: MessageRow): Promise<void> {
  const event = JSON.parse(row.event_json) as AdtEvent;
  const knex = deps.db.knex;
  const key = stayKey(event);
  const now = deps.clock.now().toISOString();
  const stay = await knex("adt_stays")
    .where({ stay_key: key })
    .first<Record<string, string | null> | undefined>();
  // every message names its visit (PV1-19) and may update the stay's professionals (ROL)
  const physicians = mergePhysicians(stay?.physicians_json, event.physicians);
  const stayFields = {
    visit: event.stay.visit,
    ...(physicians === undefined ? {} : { physicians_json: physicians }),
  };
  const upsert = async (changes: Record<string, string | number | null>): Promise<void> => {
    const fields = { ...stayFields, ...changes };
    await knex("adt_stays")
      .insert({
        stay_key: key,
        patient_ref: row.patient_ref,
        facility: event.stay.facility,
        updated_at: now,
        ...fields,
      })
      .onConflict("stay_key")
      .merge({ ...fields, updated_at: now });
  };
  const circle = await circleOf(knex, row.patient_ref);
  const blocked = async (): Promise<boolean> => {
    if (circle.objectionAt === undefined) return false;
    await deps.trail.append(
      auditEvent("circle.notice_suppressed", {
        actor: ADT_ACTOR,
        patient: row.patient_ref as PatientRef,
        reason: "patient.objection",
      }),
    );
    return true;
  };
  const recipients = circle.members.flatMap((m) =>
    m.rpps !== undefined && m.matrixId !== undefined ? [m.rpps] : [],
  );
  const unit = await adtUnit(knex, event.stay.facility, event.stay.unit);
  switch (event.trigger) {
    case "A01": {
      await upsert({
        unit: event.stay.unit,
        admitted_at: event.stay.admittedAt ?? event.occurredAt,
        cancelled: null,
      });
      if ((await blocked()) || recipients.length === 0) return;
      const id = await sendNotice(
        deps,
        `adt-${row.id}-notice`,
        noticeSheet("admission", event, unit),
        recipients,
      );
      await upsert({ admission_notice: id });
      return;
    }
    case "A02":
      await upsert({ unit: event.stay.unit });
      return;
    case "A03": {
      // An admission the feed accepted (A01 processed, not cancelled by an A11). Otherwise — never
      // received, or refused (AE) and kept for review — the circle is told of the discharge only:
      // status `admissionUnknown` (« Sortie — admission non reçue »), no admission date.
      const admissionKnown = stay?.admitted_at != null && stay.cancelled !== "yes";
      const at = event.stay.dischargedAt ?? event.occurredAt;
      await upsert({
        unit: event.stay.unit,
        discharged_at: at,
        discharge_day: parisDay(new Date(at)),
        discharge_message: row.id,
        letter_check: "pending",
      });
      if (await blocked()) return;
      if (recipients.length > 0) {
        const status = admissionKnown ? "issued" : "admissionUnknown";
        const id = await sendNotice(
          deps,
          `adt-${row.id}-notice`,
          noticeSheet("discharge", event, unit, status, admissionKnown),
          recipients,
        );
        await upsert({ discharge_notice: id });
      }
      // the unit is reminded that the letter is due today (R1112-1-2 CSP), in its own room
      const address = await reachableUnitAddress(knex, unit);
      if (address !== undefined) {
        const reminder = noticeSheet("discharge", event, unit, "letterDue", admissionKnown);
        await sendNotice(deps, `adt-${row.id}-reminder`, reminder, address);
      }
      return;
    }
    case "A11":
    case "A13": {
      const cancelsAdmission = event.trigger === "A11";
      await upsert(
        cancelsAdmission
          ? { cancelled: "yes" }
          : { discharged_at: null, discharge_day: null, letter_check: "cancelled" },
      );
      const original = cancelsAdmission ? stay?.admission_notice : stay?.discharge_notice;
      if (original == null || (await blocked())) return;
      await withdraw(deps, `adt-${row.id}-withdrawal`, original);
      return;
    }
  }
}

/** Sends the withdrawal of transfer `originalId` to its own recipients (hence its room). */
async function withdraw(deps: AdtProcessorDeps, id: string, originalId: string): Promise<void> {
  const repo = new TransferRepository(deps.db.knex);
  const [original, payload, recipients] = await Promise.all([
    repo.get(originalId),
    repo.payload(originalId),
    repo.recipients(originalId),
  ]);
  if (original === undefined || payload === undefined) return;
  const rpps = await new DirectoryRepository(deps.db.knex).rppsOf(recipients.map((r) => r.memberId));
  const sheet = withdrawal(payload.data as NoticeSheet["data"], original.form, original.sheetId);
  await sendNotice(deps, id, sheet, rpps);
}
