/**
 * The professionals of a stay, from the ADT feed's ROL segments (HL7 v2.5 §15.4.7, as IHE PAM
 * France profiles them in ADT messages): ROL-2 the action (`AD` add, `UP` update, `UC` unchanged,
 * `DE` delete), ROL-3 the role (HL7 table 0443 and the French extension: `ODRP` médecin traitant
 * (« officially declared referring physician »), `RP` médecin adresseur, `AT` médecin responsable,
 * `AD` admitting, `CP` consultant, `FHCP` family health care professional…), ROL-4 the person (XCN):
 * either the RPPS itself with XCN-13 = `RPPS`, or the national id `8` + RPPS under the OID
 * 1.2.250.1.71.4.2.1 (XCN-9.2). ADELI numbers and local ids are not kept: routing needs an RPPS.
 * Each stay keeps its current list (`adt_stays.physicians_json`); a document names its stay by
 * the visit number (PV1-19), so the documents service reads them back with {@link stayPhysicians}.
 */
import type { Knex } from "knex";
import type { Er7Message } from "./er7.ts";
import { repetitionsOf, valueOf } from "./er7.ts";
import type { StayPhysician } from "./event.ts";

/** National id OID of health professionals (ANS: IdNatPS). */
const OID_PS = "1.2.250.1.71.4.2.1";

/** The RPPS of one XCN repetition of ROL-4, if it carries one. */
function rppsOf(msg: Er7Message, seg: Er7Message["segments"][number], rep: number): string | undefined {
  const id = valueOf(msg, seg, 4, 1, rep).trim();
  const oid = valueOf(msg, seg, 4, 9, rep, 2).trim();
  const type = valueOf(msg, seg, 4, 13, rep).trim().toUpperCase();
  if (/^\d{11}$/.test(id) && type === "RPPS") return id;
  if (/^8\d{11}$/.test(id) && (oid === OID_PS || type === "IDNPS")) return id.slice(1);
  return undefined;
}

/** The ROL segments of an ADT message with an RPPS (never throws; others are ignored). */
export function readRoles(msg: Er7Message): StayPhysician[] {
  const out: StayPhysician[] = [];
  for (const seg of msg.segments) {
    if (seg.name !== "ROL") continue;
    const role = valueOf(msg, seg, 3, 1).trim().toUpperCase();
    const action = valueOf(msg, seg, 2, 1).trim().toUpperCase();
    if (!/^[A-Z0-9]{1,10}$/.test(role)) continue;
    for (let r = 0; r < Math.max(1, repetitionsOf(msg, seg, 4).length); r++) {
      const rpps = rppsOf(msg, seg, r);
      if (rpps === undefined) continue;
      out.push({ role, rpps, ...(action === "DE" ? { removed: true } : {}) });
    }
  }
  return out.slice(0, 20);
}

/** The stay's list after an event's ROL segments: added or updated, `DE` removed. */
export function mergePhysicians(
  stored: string | null | undefined,
  incoming: readonly StayPhysician[] | undefined,
): string | undefined {
  if (incoming === undefined || incoming.length === 0) return undefined;
  let list = parsePhysicians(stored);
  for (const p of incoming) {
    list = list.filter((x) => !(x.role === p.role && x.rpps === p.rpps));
    if (p.removed !== true) list.push({ role: p.role, rpps: p.rpps });
  }
  return JSON.stringify(list);
}

function parsePhysicians(json: string | null | undefined): StayPhysician[] {
  if (json == null || json === "") return [];
  const v: unknown = JSON.parse(json);
  return Array.isArray(v) ? (v as StayPhysician[]) : [];
}

/** A stay found by the patient and the visit number (PV1-19), with its professionals. */
export interface StayByVisit {
  readonly stayKey: string;
  readonly physicians: readonly StayPhysician[];
}

/** The stay of `patientRef` whose visit number is `visit`, if the feed has told of it. */
export async function stayPhysicians(
  q: Knex,
  patientRef: string,
  visit: string,
): Promise<StayByVisit | undefined> {
  const row = await q("adt_stays")
    .where({ patient_ref: patientRef, visit })
    .orderBy("updated_at", "desc")
    .first<{ stay_key: string; physicians_json: string | null } | undefined>("stay_key", "physicians_json");
  if (row === undefined) return undefined;
  return { stayKey: row.stay_key, physicians: parsePhysicians(row.physicians_json) };
}
