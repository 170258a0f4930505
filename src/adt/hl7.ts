/**
 * IHE PAM France (profil « Gestion administrative du patient », ITI-30/31 with the French
 * extension, HL7 v2.5) → {@link AdtEvent}. What is read:
 * - MSH-9 message type and trigger, MSH-10 control id, MSH-3/MSH-4 sender;
 * - PID-3 identifiers: the INS is the repetition whose assigning authority (CX-4) carries the
 *   INS-NIR OID 1.2.250.1.213.1.4.8 (or INS-NIA .9), its check key verified; PID-32 identity
 *   reliability (QUAL required when given); PID-5 names, PID-7 birth date;
 * - PV1-3 location (point of care, facility), PV1-19 visit number, PV1-44/45 admit and discharge times;
 * - ZBE-1 movement id, ZBE-2 movement time, ZBE-4 action (INSERT/UPDATE/CANCEL), ZBE-6 original
 *   trigger, ZBE-7 medical ward (XON name and code); EVN-2/EVN-6 as fallbacks.
 * A message that cannot be used gives a {@link Rejection}: AE (application error) with a stable
 * reason, or AR (rejected) for a message type or trigger not supported. Reasons never hold values.
 */
import type { Hl7Message, Hl7Segment } from "@medplum/core";
import { checkIdentifier } from "../forms/index.ts";
import type { AdtEvent, AdtTrigger } from "./event.ts";
import { ADT_TRIGGERS, INS_OIDS } from "./event.ts";
import { hl7Date, hl7Time } from "./time.ts";

/** Why a message is refused: ACK code, stable reason code, HL7 error (table 0357) and location. */
export interface Rejection {
  readonly ack: "AE" | "AR";
  readonly reason: string;
  /** HL7 table 0357: 101 required field missing, 102 data type error, 200/201 unsupported type/event. */
  readonly hl7Error: "101" | "102" | "200" | "201" | "207";
  /** `SEG^1^field` (ERR-2). */
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

/** HL7 escape sequences (v2.5 §2.7) for the delimiters; others are left as they are. */
function unescape(v: string): string {
  return v.replace(
    /\\([FSTRE])\\/g,
    (_, c: string) => ({ F: "|", S: "^", T: "&", R: "~", E: "\\" })[c] ?? "",
  );
}

/** Component `c` (1-based) of repetition `rep` (0-based) of field `f`; subcomponents split on `&`. */
function comp(seg: Hl7Segment | undefined, f: number, c: number, rep = 0): string {
  const v = seg?.getField(f).components[rep]?.[c - 1] ?? "";
  return unescape(v);
}
function subs(seg: Hl7Segment | undefined, f: number, c: number, rep = 0): string[] {
  const raw = seg?.getField(f).components[rep]?.[c - 1] ?? "";
  return raw.split(seg?.context.subcomponentSeparator ?? "&").map(unescape);
}
const reps = (seg: Hl7Segment | undefined, f: number): number => seg?.getField(f).components.length ?? 0;

/** Parses one ADT message. */
export function parseAdt(msg: Hl7Message): ParseResult {
  const msh = msg.getSegment("MSH");
  const controlId = comp(msh, 10, 1).trim();
  if (controlId === "" || controlId.length > 64) {
    return reject("AR", "msh.control_id", "101", "MSH^1^10", "MSH-10 message control id missing");
  }
  const type = comp(msh, 9, 1);
  const trigger = comp(msh, 9, 2);
  if (type !== "ADT")
    return reject("AR", "message.unsupported", "200", "MSH^1^9", "message type not supported");
  if (!(ADT_TRIGGERS as readonly string[]).includes(trigger)) {
    return reject("AR", "trigger.unsupported", "201", "MSH^1^9", "trigger event not supported");
  }
  const sender = [comp(msh, 3, 1), comp(msh, 4, 1)].filter((s) => s !== "").join("/") || "unknown";

  const pid = msg.getSegment("PID");
  if (pid === undefined) return reject("AE", "pid.missing", "101", "PID^1", "PID segment missing");
  if (reps(pid, 3) === 0 || comp(pid, 3, 1) === "") {
    return reject("AE", "pid3.missing", "101", "PID^1^3", "PID-3 patient identifier list missing");
  }
  let ins: string | undefined;
  for (let r = 0; r < reps(pid, 3); r++) {
    const oid = subs(pid, 3, 4, r)[1] ?? "";
    if (oid === INS_OIDS.nir || oid === INS_OIDS.nia) {
      ins = comp(pid, 3, 1, r).trim();
      break;
    }
  }
  if (ins === undefined) {
    return reject("AE", "ins.missing", "101", "PID^1^3", "no INS (OID 1.2.250.1.213.1.4.8) in PID-3");
  }
  const insCheck = checkIdentifier("ins", ins);
  if (!insCheck.ok) {
    return reject(
      "AE",
      `ins.${insCheck.reason}`,
      "102",
      "PID^1^3",
      `INS in PID-3 invalid (${insCheck.reason})`,
    );
  }
  // PID-32 (identity reliability, PAM France table 0445): the INS may be used only for an
  // identity "qualifiée" (RNIV, ANS). Absent PID-32 (older feeds) is accepted; a status given
  // without QUAL (PROV, VALI, RECUP, DOUTE, FICTI…) is refused, so no notice goes out on an
  // identity the hospital has not qualified.
  const reliability = Array.from({ length: reps(pid, 32) }, (_, r) => comp(pid, 32, 1, r).trim()).filter(
    (c) => c !== "",
  );
  if (reliability.length > 0 && !reliability.includes("QUAL")) {
    return reject(
      "AE",
      "ins.not_qualified",
      "102",
      "PID^1^32",
      "PID-32 identity status is not QUAL: the INS cannot be used",
    );
  }
  // PID-5: the legal name (type L, nom de naissance) first; given names XPN-2 and XPN-3.
  let nameRep = 0;
  for (let r = 0; r < reps(pid, 5); r++) {
    if (comp(pid, 5, 7, r) === "L") {
      nameRep = r;
      break;
    }
  }
  const lastName = comp(pid, 5, 1, nameRep).trim();
  const firstNames = [comp(pid, 5, 2, nameRep), comp(pid, 5, 3, nameRep)]
    .map((s) => s.trim())
    .filter((s) => s !== "")
    .join(" ");
  if (lastName === "" || firstNames === "") {
    return reject("AE", "pid5.missing", "101", "PID^1^5", "PID-5 patient name missing");
  }
  const birthDate = hl7Date(comp(pid, 7, 1));
  if (birthDate === undefined)
    return reject("AE", "pid7.invalid", "102", "PID^1^7", "PID-7 birth date missing or invalid");

  const pv1 = msg.getSegment("PV1");
  if (pv1 === undefined) return reject("AE", "pv1.missing", "101", "PV1^1", "PV1 segment missing");
  const visit = comp(pv1, 19, 1).trim();
  if (visit === "") return reject("AE", "pv1_19.missing", "101", "PV1^1^19", "PV1-19 visit number missing");
  const zbe = msg.getSegment("ZBE");
  const evn = msg.getSegment("EVN");
  const facilityIds = subs(pv1, 3, 4);
  const facility =
    (/^\d{9}$/.test(facilityIds[1] ?? "") ? facilityIds[1] : undefined) ??
    (facilityIds[0] !== "" ? facilityIds[0] : undefined) ??
    (comp(msh, 4, 2) || comp(msh, 4, 1) || "unknown");
  const unit = comp(zbe, 7, 10).trim() || comp(pv1, 3, 1).trim();
  if (unit === "") return reject("AE", "unit.missing", "101", "PV1^1^3", "no unit (ZBE-7 or PV1-3)");
  const unitName = comp(zbe, 7, 1).trim();
  const facilityName = comp(msh, 4, 1).trim();

  const occurredAt =
    hl7Time(comp(zbe, 2, 1)) ??
    hl7Time(comp(evn, 6, 1)) ??
    hl7Time(comp(evn, 2, 1)) ??
    hl7Time(comp(msh, 7, 1));
  if (occurredAt === undefined)
    return reject("AE", "time.missing", "101", "ZBE^1^2", "no movement time (ZBE-2, EVN-6, EVN-2)");
  const admittedAt = hl7Time(comp(pv1, 44, 1)) ?? (trigger === "A01" ? occurredAt : undefined);
  const dischargedAt = hl7Time(comp(pv1, 45, 1)) ?? (trigger === "A03" ? occurredAt : undefined);
  const action = comp(zbe, 4, 1);
  const movementId = comp(zbe, 1, 1);
  const originalTrigger = comp(zbe, 6, 1);
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
