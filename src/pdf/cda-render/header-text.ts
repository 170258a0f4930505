/**
 * The CDA R2 header as French text for the rendered page: patient identity with the INS traits
 * (référentiel INS: birth names, first given name, birth date, sex, INS and its kind), people with
 * their profession and organisation, HL7 TS timestamps as dates in French civil time.
 */
import type { CdaPatient, CdaPerson } from "../../cda/read/index.ts";
import { formatDate, formatDateTime, formatNir } from "../render/index.ts";

const SEX: Readonly<Record<string, string>> = { F: "Féminin", M: "Masculin", UN: "Indéterminé" };

/** A TS read by `readCda` (`YYYY[-MM[-DD[THH:mm:ss±hh:mm]]]`) in French. */
export function cdaDate(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  if (/^\d{4}-\d{2}-\d{2}$/.test(value)) return formatDate(value);
  if (/T.*[+-]\d{2}:\d{2}$/.test(value)) return formatDateTime(value);
  if (value.includes("T")) return formatDate(value.slice(0, 10)) + ` ${value.slice(11, 16)}`;
  return value;
}

/** `Label, value` pairs of the patient block; absent traits are left out. */
export function patientIdentity(p: CdaPatient): [string, string | undefined][] {
  const ins =
    p.ins === undefined
      ? undefined
      : `${formatNir(p.ins)}${p.insKind === undefined ? "" : ` (${p.insKind})`}`;
  return [
    ["Nom de naissance", p.family],
    ["Prénom(s) de naissance", p.given],
    ["Premier prénom", p.firstGiven !== undefined && p.firstGiven !== p.given ? p.firstGiven : undefined],
    ["Nom utilisé", p.usedFamily !== undefined && p.usedFamily !== p.family ? p.usedFamily : undefined],
    ["Prénom utilisé", p.usedGiven !== undefined && p.usedGiven !== p.firstGiven ? p.usedGiven : undefined],
    ["Date de naissance", cdaDate(p.birthDate)],
    ["Sexe", p.sex === undefined ? undefined : (SEX[p.sex] ?? p.sex)],
    ["INS", ins],
    ["Autres identifiants", p.otherIds.length > 0 ? p.otherIds.join(", ") : undefined],
  ];
}

/** The one-line patient identity of the page header: `DUPRÉ Léa — née le 14/06/1985 — INS …`. */
export function patientLine(p: CdaPatient): string {
  const name = [p.usedFamily ?? p.family, p.usedGiven ?? p.firstGiven ?? p.given].filter(Boolean).join(" ");
  const parts = [name];
  const birth = cdaDate(p.birthDate);
  if (birth !== undefined)
    parts.push(`${p.sex === "F" ? "née" : p.sex === "M" ? "né" : "né(e)"} le ${birth}`);
  if (p.ins !== undefined) parts.push(`INS ${formatNir(p.ins)}`);
  return parts.join(" — ");
}

/** `Dr Hélène Bérard (Médecin, RPPS …) — Centre hospitalier …, le 15/03/2024 à 17:45`. */
export function personLine(p: CdaPerson): string {
  const who = p.name ?? p.device ?? p.id ?? "";
  const ids = [p.profession?.display, p.rpps === undefined ? undefined : `RPPS ${p.rpps}`]
    .filter(Boolean)
    .join(", ");
  let line = ids === "" ? who : `${who} (${ids})`;
  if (p.structure?.name !== undefined) line += ` — ${p.structure.name}`;
  const when = cdaDate(p.time);
  if (when !== undefined) line += `, le ${when}`;
  return line;
}
