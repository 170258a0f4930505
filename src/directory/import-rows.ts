import type { ExtractionRecord } from "./extraction.ts";
import { EXTRACTION_COLUMNS } from "./extraction.ts";
import { isKnownProfession } from "./professions.ts";
import type { StructureKind } from "./types.ts";
import { nameKey } from "./types.ts";
import { checkId, COMMUNE, Issues, POSTCODE } from "./validate.ts";

/** A rejected row: its line, a stable rule and a reason (no value from the row is echoed). */
export interface Rejection {
  readonly line: number;
  readonly rule: string;
  readonly reason: string;
}

/** A row that passed the checks, ready to upsert. */
export interface Candidate {
  readonly line: number;
  /** `rpps:…` or `adeli:…`. */
  readonly key: string;
  readonly rpps?: string;
  readonly adeli?: string;
  readonly row: {
    readonly last_name: string;
    readonly first_name: string | null;
    readonly display_name: string;
    readonly name_key: string;
    readonly name_key_alt: string;
    readonly profession_code: string;
    readonly speciality_code: string | null;
    readonly speciality_label: string | null;
    readonly postcode: string | null;
    readonly commune_code: string | null;
  };
  readonly structure?: {
    readonly finess: string | null;
    readonly siret: string | null;
    readonly name: string;
    readonly kind: StructureKind;
    readonly postcode: string | null;
    readonly commune_code: string | null;
  };
}

/** The structure's key in the import: FINESS first, else SIRET. */
export function structureKey(c: Candidate): string | undefined {
  const s = c.structure;
  if (s === undefined) return undefined;
  return s.finess !== null ? `finess:${s.finess}` : s.siret !== null ? `siret:${s.siret}` : undefined;
}

/**
 * Structure kind from the extraction's hints — a documented heuristic, refined by hand later:
 * sector codes SA01–SA05 (établissements de santé) → hospital; then words of the name (EHPAD,
 * PHARMACIE, CENTRE DE SANTE, CPTS, CH/CHU/HOPITAL/CLINIQUE); a pharmacist's site → pharmacy;
 * else practice.
 */
export function guessKind(name: string, sector: string | undefined, profession: string): StructureKind {
  const n = nameKey(name);
  if (/\bEHPAD\b/.test(n)) return "ehpad";
  if (/\bCPTS\b/.test(n)) return "cpts";
  if (/\bCENTRE DE SANTE\b|\bCDS\b/.test(n)) return "health_centre";
  if (/\bPHARMACIE\b/.test(n)) return "pharmacy";
  if ((sector !== undefined && /^SA0[1-5]$/.test(sector)) || /\b(CHU|CHR|CH|HOPITAL|CLINIQUE)\b/.test(n)) {
    return "hospital";
  }
  return profession === "21" ? "pharmacy" : "practice";
}

const reject = (line: number, issues: Issues): Rejection => {
  const i = issues.list[0];
  return { line, rule: i?.rule ?? "invalid", reason: `${i?.path ?? "row"}: ${i?.message.en ?? "invalid"}` };
};

/** Checks one record; returns a candidate or the first reason to reject it. */
export function candidateFrom(rec: ExtractionRecord, columnCount: number): Candidate | Rejection {
  const { line, values: v } = rec;
  const issues = new Issues();
  const refuse = (column: string, rule: string, en: string, fr: string): Rejection => {
    issues.add(column, rule, en, fr);
    return reject(line, issues);
  };
  if (rec.fieldCount !== columnCount) {
    return {
      line,
      rule: "columns",
      reason: `wrong number of columns (${rec.fieldCount} instead of ${columnCount}): corrupt row`,
    };
  }
  let id = v.id;
  let type = v.idType;
  if (id === undefined && v.nationalId !== undefined) {
    type ??= v.nationalId.charAt(0);
    id = v.nationalId.slice(1);
  }
  if (id === undefined) {
    return refuse(EXTRACTION_COLUMNS.id, "required", "missing identifier", "identifiant absent");
  }
  type ??= id.length === 9 ? "0" : "8";
  let rpps: string | undefined;
  let adeli: string | undefined;
  if (type === "8") {
    if (!checkId(issues, EXTRACTION_COLUMNS.id, "rpps", id)) return reject(line, issues);
    rpps = id;
  } else if (type === "0") {
    if (!checkId(issues, EXTRACTION_COLUMNS.id, "adeli", id)) return reject(line, issues);
    adeli = id;
  } else {
    return refuse(
      EXTRACTION_COLUMNS.idType,
      "idType",
      "must be 8 (RPPS) or 0 (ADELI)",
      "doit être 8 (RPPS) ou 0 (ADELI)",
    );
  }
  const prof = v.professionCode;
  if (prof === undefined || !isKnownProfession(prof)) {
    return refuse(
      EXTRACTION_COLUMNS.professionCode,
      "profession.unknown",
      "unknown profession code",
      "code profession inconnu",
    );
  }
  const last = v.lastName;
  if (last === undefined || last.length > 100 || (v.firstName?.length ?? 0) > 100) {
    return refuse(
      EXTRACTION_COLUMNS.lastName,
      "required",
      "missing or too long (100)",
      "absent ou trop long (100)",
    );
  }
  if (v.finess !== undefined && !checkId(issues, EXTRACTION_COLUMNS.finess, "finess", v.finess)) {
    return reject(line, issues);
  }
  if (v.siret !== undefined && !checkId(issues, EXTRACTION_COLUMNS.siret, "siret", v.siret)) {
    return reject(line, issues);
  }
  const postcode = v.postcode !== undefined && POSTCODE.test(v.postcode) ? v.postcode : null;
  const commune = v.commune !== undefined && COMMUNE.test(v.commune) ? v.commune : null;
  const first = v.firstName ?? null;
  const sName = (v.structureName ?? v.brand ?? "").slice(0, 200);
  const hasStructure = v.finess !== undefined || v.siret !== undefined;
  return {
    line,
    key: rpps !== undefined ? `rpps:${rpps}` : `adeli:${adeli ?? ""}`,
    ...(rpps === undefined ? {} : { rpps }),
    ...(adeli === undefined ? {} : { adeli }),
    row: {
      last_name: last,
      first_name: first,
      display_name: first === null ? last : `${first} ${last}`,
      name_key: nameKey(last, first ?? undefined),
      name_key_alt: nameKey(first ?? undefined, last),
      profession_code: prof,
      speciality_code: v.specialityCode?.slice(0, 20) ?? null,
      speciality_label: v.specialityLabel?.slice(0, 200) ?? null,
      postcode,
      commune_code: commune,
    },
    ...(hasStructure
      ? {
          structure: {
            finess: v.finess ?? null,
            siret: v.siret ?? null,
            name: sName === "" ? "(sans nom)" : sName,
            kind: guessKind(sName, v.sectorCode, prof),
            postcode,
            commune_code: commune,
          },
        }
      : {}),
  };
}
