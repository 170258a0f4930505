/**
 * The patient's INS in a PID segment, under the rules every HL7 v2 message of the feed follows (ADT
 * under IHE PAM France 2.11, MDM/ORU under the CI-SIS volet « Transmission de document(s) CDA en
 * HL7v2 » §« Les données concernant le patient », which defers to PAM France and to the CI-SIS
 * annex « Prise en charge de l'INS »): PID-3 holds the INS as the repetition whose assigning
 * authority (CX-4.2) is INS-NIR 1.2.250.1.213.1.4.8 or INS-NIA .9, its key checked; an INS under
 * a test or demonstration authority (.10, .11) is refused; PID-32 must make it a qualified
 * identity ({@link checkReliability}). Refusals name the field, never its value.
 */
import { checkIdentifier } from "../forms/index.ts";
import type { Er7Message, Er7Segment } from "./er7.ts";
import { repetitionsOf, valueOf } from "./er7.ts";
import { INS_OIDS, INS_TEST_OIDS } from "./event.ts";
import type { Rejection } from "./hl7.ts";
import { checkReliability } from "./reliability.ts";

export type PidIns =
  { readonly ok: true; readonly ins: string; readonly oid: string } | ({ readonly ok: false } & Rejection);

const no = (reason: string, hl7Error: Rejection["hl7Error"], location: string, text: string): PidIns => ({
  ok: false,
  ack: "AE",
  reason,
  hl7Error,
  location,
  text,
});

/** The qualified INS of `pid` (see the module comment). */
export function pidIns(msg: Er7Message, pid: Er7Segment | undefined): PidIns {
  if (pid === undefined) return no("pid.missing", "100", "PID^1", "PID segment missing");
  const reps = (f: number): number => repetitionsOf(msg, pid, f).length;
  if (reps(3) === 0 || valueOf(msg, pid, 3) === "") {
    return no("pid3.missing", "101", "PID^1^3", "PID-3 patient identifier list missing");
  }
  let ins: string | undefined;
  let oid = "";
  let testIns = false;
  for (let r = 0; r < reps(3); r++) {
    const authority = valueOf(msg, pid, 3, 4, r, 2).trim();
    if (authority === INS_OIDS.nir || authority === INS_OIDS.nia) {
      ins = valueOf(msg, pid, 3, 1, r).trim();
      oid = authority;
      break;
    }
    if ((Object.values(INS_TEST_OIDS) as string[]).includes(authority)) testIns = true;
  }
  if (ins === undefined && testIns) {
    return no(
      "ins.test_authority",
      "103",
      "PID^1^3",
      "the INS in PID-3 is from a test assigning authority (1.2.250.1.213.1.4.10/11)",
    );
  }
  if (ins === undefined)
    return no("ins.missing", "101", "PID^1^3", "no INS (OID 1.2.250.1.213.1.4.8) in PID-3");
  const check = checkIdentifier("ins", ins);
  if (!check.ok) return no(`ins.${check.reason}`, "102", "PID^1^3", `INS in PID-3 invalid (${check.reason})`);
  const reliability = checkReliability(
    Array.from({ length: reps(32) }, (_, r) => valueOf(msg, pid, 32, 1, r).trim()).filter((c) => c !== ""),
  );
  if (reliability !== undefined) {
    return no(reliability.reason, reliability.hl7Error, "PID^1^32", reliability.text);
  }
  return { ok: true, ins, oid };
}
