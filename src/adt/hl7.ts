/**
 * IHE PAM France (profil « Gestion administrative du patient », ITI-30/31 with the French
 * extension, HL7 v2.5) → {@link AdtEvent}. What is read:
 * - MSH-9 message type and trigger, MSH-10 control id, MSH-3/MSH-4 sender;
 * - PID-3 identifiers: the INS is the repetition whose assigning authority (CX-4) carries the
 *   INS-NIR OID 1.2.250.1.213.1.4.8 (or INS-NIA .9), its check key verified; PID-32 identity
 *   reliability (see {@link checkReliability}); PID-5 names, PID-7 birth date;
 * - PV1-3 location (point of care, facility), PV1-19 visit number, PV1-44/45 admit and discharge times;
 * - ZBE-1 movement id, ZBE-2 movement time, ZBE-4 action (INSERT/UPDATE/CANCEL), ZBE-6 original
 *   trigger, ZBE-7 medical ward (XON name and code; else ZBE-8 nursing ward); EVN-2/EVN-6 as
 *   fallbacks;
 * - ROL-2/3/4: the stay's professionals with an RPPS (médecin traitant `ODRP`, adresseur `RP`…),
 *   see `physicians.ts`.
 * Fields are read with the total ER7 reader (`er7.ts`): whatever a sender leaves out reads as
 * empty, so a short segment or a missing one is a refusal naming the field, never an exception.
 * A message that cannot be used gives a {@link Rejection}: AE (application error) with a stable
 * reason, or AR (rejected) for a message type or trigger not supported. Reasons never hold values.
 */
import type { Er7Message, Er7Segment } from "./er7.ts";
import { repetitionsOf, segmentOf, valueOf } from "./er7.ts";
import type { AdtEvent, AdtTrigger } from "./event.ts";
import { ADT_TRIGGERS } from "./event.ts";
import { pidIns } from "./pid.ts";
import { readRoles } from "./physicians.ts";
import { hl7Date, hl7Time } from "./time.ts";

/** Why a message is refused: ACK code, stable reason code, HL7 error (table 0357) and location. */
export interface Rejection {
  readonly ack: "AE" | "AR";
  readonly reason: string;
  /**
   * HL7 table 0357: 100 segment sequence error, 101 required field missing, 102 data type error,
   * 103 table value not found, 198 non-conformant cardinality, 200/201 unsupported type/event,
   * 203 unsupported version, 207 application internal error.
   */
  readonly hl7Error: "100" | "101" | "102" | "103" | "198" | "200" | "201" | "203" | "207";
  /** `SEG^1^field` (ERR-2, ERL: segment, sequence, field). */
  readonly location: string;
  readonly text: string;
}

export type ParseResult =
  { readonly ok: true; readonly event: AdtEvent } | ({ readonly ok: false } & Rejection);

const reject = (
  ack: Rejection["ack"],
  reason: string,
  hl7Error: Rejection["hl7Error"],
  location: string,
  text: string,
): ParseResult => ({ ok: false, ack, reason, hl7Error, location, text });

/** Control characters (C0, DEL, C1) or U+FFFD: a value decoded wrong, never printed on a notice. */
const garbled = (v: string): boolean => {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0xfffd) return true;
  }
  return false;
};

/** Parses one ADT message (never throws). */
export function parseAdt(msg: Er7Message): ParseResult {
  const get = (seg: Er7Segment | undefined, f: number, c = 1, rep = 0, sub?: number): string =>
    valueOf(msg, seg, f, c, rep, sub);
  const reps = (seg: Er7Segment | undefined, f: number): number => repetitionsOf(msg, seg, f).length;
  const msh = segmentOf(msg, "MSH");
  const controlId = get(msh, 10).trim();
  if (controlId === "" || controlId.length > 64) {
    return reject("AR", "msh.control_id", "101", "MSH^1^10", "MSH-10 message control id missing or too long");
  }
  const type = get(msh, 9, 1).trim();
  const trigger = get(msh, 9, 2).trim();
  if (type !== "ADT")
    return reject("AR", "message.unsupported", "200", "MSH^1^9", "message type not supported");
  if (!(ADT_TRIGGERS as readonly string[]).includes(trigger)) {
    return reject("AR", "trigger.unsupported", "201", "MSH^1^9", "trigger event not supported");
  }
  const sender = ([get(msh, 3), get(msh, 4)].filter((s) => s.trim() !== "").join("/") || "unknown").slice(
    0,
    200,
  );

  const pid = segmentOf(msg, "PID");
  const identity = pidIns(msg, pid);
  if (!identity.ok) return identity;
  const ins = identity.ins;
  // PID-5: the legal name (type L, nom de naissance) first; given names XPN-2 and XPN-3.
  let nameRep = 0;
  for (let r = 0; r < reps(pid, 5); r++) {
    if (get(pid, 5, 7, r).trim() === "L") {
      nameRep = r;
      break;
    }
  }
  const lastName = get(pid, 5, 1, nameRep).trim();
  const firstNames = [get(pid, 5, 2, nameRep), get(pid, 5, 3, nameRep)]
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .join(" ");
  if (lastName === "" || firstNames === "") {
    return reject("AE", "pid5.missing", "101", "PID^1^5", "PID-5 patient name missing");
  }
  if (garbled(lastName + firstNames)) {
    return reject("AE", "pid5.garbled", "102", "PID^1^5", "PID-5 holds control or undecodable characters");
  }
  if (lastName.length > 100 || firstNames.length > 150) {
    return reject("AE", "pid5.too_long", "102", "PID^1^5", "PID-5 name longer than 100/150 characters");
  }
  const birthDate = hl7Date(get(pid, 7));
  if (birthDate === undefined)
    return reject("AE", "pid7.invalid", "102", "PID^1^7", "PID-7 birth date missing or invalid");

  const pv1 = segmentOf(msg, "PV1");
  if (pv1 === undefined) return reject("AE", "pv1.missing", "100", "PV1^1", "PV1 segment missing");
  const visit = get(pv1, 19).trim();
  if (visit === "") return reject("AE", "pv1_19.missing", "101", "PV1^1^19", "PV1-19 visit number missing");
  if (visit.length > 64) return reject("AE", "pv1_19.too_long", "102", "PV1^1^19", "PV1-19 too long");
  const zbe = segmentOf(msg, "ZBE");
  const evn = segmentOf(msg, "EVN");
  const facilityIds = [get(pv1, 3, 4, 0, 1).trim(), get(pv1, 3, 4, 0, 2).trim()];
  const facility = (
    (/^\d{9}$/.test(facilityIds[1] ?? "") ? facilityIds[1] : undefined) ??
    (facilityIds[0] !== "" ? facilityIds[0] : undefined) ??
    (get(msh, 4, 2).trim() || get(msh, 4, 1).trim() || "unknown")
  ).slice(0, 64);
  // ZBE-7 medical ward, else ZBE-8 nursing ward (UF de soins), else PV1-3.1 point of care
  const ward = get(zbe, 7, 10).trim() !== "" ? 7 : 8;
  const unit = get(zbe, ward, 10).trim() || get(pv1, 3, 1).trim();
  if (unit === "") return reject("AE", "unit.missing", "101", "PV1^1^3", "no unit (ZBE-7, ZBE-8 or PV1-3)");
  if (unit.length > 64) return reject("AE", "unit.too_long", "102", "ZBE^1^7", "unit code too long");
  const unitName = get(zbe, ward, 1).trim().slice(0, 200);
  const facilityName = get(msh, 4, 1).trim().slice(0, 200);

  const occurredAt =
    hl7Time(get(zbe, 2)) ?? hl7Time(get(evn, 6)) ?? hl7Time(get(evn, 2)) ?? hl7Time(get(msh, 7));
  if (occurredAt === undefined)
    return reject("AE", "time.missing", "101", "ZBE^1^2", "no movement time (ZBE-2, EVN-6, EVN-2)");
  const admittedAt = hl7Time(get(pv1, 44)) ?? (trigger === "A01" ? occurredAt : undefined);
  const dischargedAt = hl7Time(get(pv1, 45)) ?? (trigger === "A03" ? occurredAt : undefined);
  const action = get(zbe, 4).trim();
  const movementId = get(zbe, 1).trim().slice(0, 64);
  const originalTrigger = get(zbe, 6).trim().slice(0, 3);
  const physicians = readRoles(msg);
  return {
    ok: true,
    event: {
      trigger: trigger as AdtTrigger,
      controlId,
      sender,
      occurredAt,
      patient: { ins, lastName, firstNames, birthDate },
      stay: {
        facility,
        visit,
        unit,
        ...(facilityName === "" ? {} : { facilityName }),
        ...(unitName === "" ? {} : { unitName }),
        ...(admittedAt === undefined ? {} : { admittedAt }),
        ...(dischargedAt === undefined ? {} : { dischargedAt }),
      },
      ...(physicians.length === 0 ? {} : { physicians }),
      ...(movementId === "" || !["INSERT", "UPDATE", "CANCEL"].includes(action)
        ? {}
        : {
            movement: {
              id: movementId,
              action: action as "INSERT" | "UPDATE" | "CANCEL",
              ...(originalTrigger === "" ? {} : { originalTrigger }),
            },
          }),
    },
  };
}
