/**
 * Typed builder of IHE PAM France ADT messages (HL7 v2.5, French extension 2.11) for tests and
 * the benchmark: the segment layout of the PAM France examples (MSH, EVN, PID, PD1, PV1, ZBE), with
 * fictional patients and establishments (see test/SOURCES.md). Variations: trigger, control id,
 * INS (or none, or no PID-3), unit, times.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { toParisIso } from "../../src/adt/index.ts";
import { withCheckKey } from "../../src/forms/index.ts";

export const FIXTURES_DIR = path.join(import.meta.dirname, "..", "fixtures", "pam-fr");

/** A PAM France fixture file (segments separated by CR). */
export function pamFixture(name: string): string {
  return readFileSync(path.join(FIXTURES_DIR, name), "utf8").replace(/\r?\n/g, "\r").replace(/\r+$/, "");
}

/** The fictional patient of the examples (INS key computed). */
export const PATIENT = {
  ins: "248037511204721",
  lastName: "MARCHAL",
  firstNames: "Odette Marie",
  birthDate: "19480312",
} as const;

/** A fictional INS for patient `n`. */
export const insOf = (n: number): string =>
  withCheckKey("ins", `1${String(850275000000 + n).padStart(12, "0")}`);

export interface AdtMessageOptions {
  readonly trigger: "A01" | "A02" | "A03" | "A11" | "A13" | "A08";
  readonly controlId: string;
  /** `null`: no INS repetition in PID-3 (local identifier only); `""`: PID-3 empty. */
  readonly ins?: string | null;
  readonly visit?: string;
  readonly unit?: string;
  readonly unitName?: string;
  /** HL7 DTM of the movement (ZBE-2, EVN-6). */
  readonly at?: string;
  readonly admittedAt?: string;
  readonly dischargedAt?: string;
  readonly lastName?: string;
  readonly firstNames?: string;
}

/** One ADT message, segments separated by CR. */
export function adtMessage(o: AdtMessageOptions): string {
  const at = o.at ?? "20260302101500";
  const visit = o.visit ?? "2026000123";
  const unit = o.unit ?? "3B";
  const structure =
    o.trigger === "A11" ? "A09" : o.trigger === "A13" ? "A03" : o.trigger === "A03" ? "A03" : "A01";
  const ins =
    o.ins === ""
      ? ""
      : o.ins === null
        ? "000456789^^^CHVALMONT&1.2.250.1.71.4.2.1.699990016&ISO^PI"
        : `${o.ins ?? PATIENT.ins}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS~000456789^^^CHVALMONT&1.2.250.1.71.4.2.1.699990016&ISO^PI`;
  const cancel = o.trigger === "A11" || o.trigger === "A13";
  const action = cancel ? "CANCEL" : "INSERT";
  const original = o.trigger === "A11" ? "A01" : o.trigger === "A13" ? "A03" : "";
  const last = o.lastName ?? PATIENT.lastName;
  const first = (o.firstNames ?? PATIENT.firstNames).split(" ");
  return [
    `MSH|^~\\&|SIH_VALMONT|CH VALMONT^699990016^FINESS|PASSERELLE|CPTS_VALMONT|${at}||ADT^${o.trigger}^ADT_${structure}|${o.controlId}|P|2.5^FRA^2.11|||||FRA|UNICODE UTF-8|FR`,
    `EVN||${at}|||ADM01^ACCUEIL^Claire^^^^^^CHVALMONT&1.2.250.1.71.4.2.2&ISO^L^^^ADELI|${at}`,
    `PID|||${ins}||${last}^${first[0] ?? ""}^${first.slice(1).join(" ")}^^^^L||${PATIENT.birthDate}|F|||14 RUE DE L'ABBE GREGOIRE^^MARCY L'ETOILE^^69280^FRA^H|||||||||||||||||||||VALI`,
    `PD1||||||||||||N`,
    `PV1||I|${unit}^312^1^CHVALMONT&699990016&M|R|||||||||||||||${visit}^^^CHVALMONT&1.2.250.1.71.4.2.1.699990016&ISO^AN|||||||||||||||||||||||||${o.admittedAt ?? "20260302101500"}|${o.dischargedAt ?? (o.trigger === "A03" ? at : "")}`,
    `ZBE|MVT${o.controlId}^SIH_VALMONT^699990016^FINESS|${at}||${action}|N|${original}|${o.unitName ?? "Médecine gériatrique aiguë"}^^^^^CHVALMONT^UF^^^${unit}|${o.unitName ?? "Médecine gériatrique aiguë"}^^^^^CHVALMONT^UF^^^${unit}|HMS`,
  ].join("\r");
}

/** Paris local time of `at` as an HL7 DTM (`YYYYMMDDHHMMSS`). */
export function hl7Now(at: Date = new Date()): string {
  return toParisIso(at).slice(0, 19).replace(/[-:T]/g, "");
}
