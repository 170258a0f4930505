/**
 * Durable intake of ADT events. {@link acceptAdtEvent} stores the event (and the raw HL7) in
 * `adt_messages` with its `adt.accepted` audit entry in ONE transaction, and only then does the
 * caller answer AA — so an acknowledged message is never lost. A second message with the same
 * sender and control id (MSH-10) is a duplicate: acknowledged, audited, not stored again.
 * {@link receiveAdtJson} is the JSON entry point (hospitals without an ADT interface; the HTTP
 * route will call it).
 */
import type { AuditTrail, PatientRef } from "../audit/index.ts";
import { auditEvent, patientPseudonym } from "../audit/index.ts";
import type { Clock } from "../core/index.ts";
import type { Database, Queryable } from "../storage/index.ts";
import { countBy, inTransaction } from "../storage/index.ts";
import type { AdtEvent } from "./event.ts";
import { validateAdtEvent } from "./event.ts";

export interface AdtDeps {
  readonly db: Database;
  readonly trail: AuditTrail;
  readonly clock: Clock;
  /** The HMAC key of patient pseudonyms. */
  readonly pseudonymKey: Uint8Array;
}

export interface Acceptance {
  readonly outcome: "accepted" | "duplicate";
  readonly messageId: number;
  readonly patientRef: PatientRef;
}

/** Stores an event (state `pending`, for the processor) unless it is a duplicate. */
export async function acceptAdtEvent(
  deps: AdtDeps,
  event: AdtEvent,
  raw: string | undefined,
  actor: string,
): Promise<Acceptance> {
  const patient = patientPseudonym(event.patient.ins, deps.pseudonymKey);
  const now = deps.clock.now().toISOString();
  const key = { sender: event.sender, control_id: event.controlId };
  const attempt = (): Promise<Acceptance> =>
    inTransaction(deps.db.knex, async (trx) => {
      const seen = await trx<{ id: number }>("adt_messages").where(key).first("id");
      if (seen !== undefined) {
        await deps.trail.appendWithin(trx, [auditEvent("adt.duplicate", { actor, patient })]);
        return { outcome: "duplicate", messageId: seen.id, patientRef: patient };
      }
      await trx("adt_messages").insert({
        ...key,
        trigger: event.trigger,
        patient_ref: patient,
        event_json: JSON.stringify(event),
        raw: raw ?? null,
        state: "pending",
        received_at: now,
      });
      const row = await trx<{ id: number }>("adt_messages").where(key).first("id");
      await deps.trail.appendWithin(trx, [auditEvent("adt.accepted", { actor, patient })]);
      return { outcome: "accepted", messageId: Number(row?.id), patientRef: patient };
    });
  try {
    return await attempt();
  } catch (e) {
    // Two connections delivering the same message at once: the loser sees the winner's row.
    const seen = await deps.db.knex<{ id: number }>("adt_messages").where(key).first("id");
    if (seen === undefined) throw e;
    return { outcome: "duplicate", messageId: seen.id, patientRef: patient };
  }
}

/** Audits a refused message: the reason code, and the patient's pseudonym when the INS was valid. */
export async function recordRejection(
  deps: AdtDeps,
  reason: string,
  actor: string,
  ins?: string,
): Promise<void> {
  let patient: PatientRef | undefined;
  if (ins !== undefined) {
    try {
      patient = patientPseudonym(ins, deps.pseudonymKey);
    } catch {
      patient = undefined;
    }
  }
  await deps.trail.append(
    auditEvent("adt.rejected", {
      actor,
      outcome: "failure",
      reason: reason.toLowerCase().replace(/[^a-z0-9_.-]/g, "_"),
      ...(patient === undefined ? {} : { patient }),
    }),
  );
}

/**
 * The JSON equivalent of an ADT message: validates (`VALIDATION_FAILED` naming the field, audited
 * as `adt.rejected`) and accepts it like an MLLP message.
 */
export async function receiveAdtJson(deps: AdtDeps, input: unknown, actor: string): Promise<Acceptance> {
  let event: AdtEvent;
  try {
    event = validateAdtEvent(input);
  } catch (e) {
    await recordRejection(deps, "json.invalid", actor);
    throw e;
  }
  return acceptAdtEvent(deps, event, undefined, actor);
}

/** How many stored ADT messages are in each state (`pending`, `done`, …), states without any left out. */
export async function adtMessageCounts(q: Queryable): Promise<Record<string, number>> {
  return Object.fromEntries(await countBy(q("adt_messages"), "state"));
}
