import { parse } from "csv-parse/sync";
import type { PasserelleError } from "../core/index.ts";
import { fieldError } from "../core/index.ts";

/**
 * The columns Passerelle reads from the public Annuaire Santé extraction
 * (`PS_LibreAcces_Personne_activite`): pipe-separated, a trailing pipe on every line, French
 * headers. Other columns are ignored. Headers are matched without accents, case or punctuation,
 * so "Prénom d'exercice" and "PRENOM D EXERCICE" are the same column.
 */
export const EXTRACTION_COLUMNS = {
  idType: "Type d'identifiant PP",
  id: "Identifiant PP",
  nationalId: "Identification nationale PP",
  lastName: "Nom d'exercice",
  firstName: "Prénom d'exercice",
  professionCode: "Code profession",
  professionLabel: "Libellé profession",
  specialityCode: "Code savoir-faire",
  specialityLabel: "Libellé savoir-faire",
  siret: "Numéro SIRET site",
  finess: "Numéro FINESS site",
  structureName: "Raison sociale site",
  brand: "Enseigne commerciale site",
  postcode: "Code postal (coord. structure)",
  commune: "Code commune (coord. structure)",
  sectorCode: "Code secteur d'activité",
} as const;
export type ColumnKey = keyof typeof EXTRACTION_COLUMNS;

/** The header line of a real extraction, in its order (with columns Passerelle does not read). */
export const EXTRACTION_HEADER: readonly string[] = [
  "Type d'identifiant PP",
  "Identifiant PP",
  "Identification nationale PP",
  "Code civilité d'exercice",
  "Libellé civilité d'exercice",
  "Nom d'exercice",
  "Prénom d'exercice",
  "Code profession",
  "Libellé profession",
  "Code catégorie professionnelle",
  "Libellé catégorie professionnelle",
  "Code type savoir-faire",
  "Libellé type savoir-faire",
  "Code savoir-faire",
  "Libellé savoir-faire",
  "Code mode exercice",
  "Libellé mode exercice",
  "Numéro SIRET site",
  "Numéro SIREN site",
  "Numéro FINESS site",
  "Numéro FINESS établissement juridique",
  "Identifiant technique de la structure",
  "Raison sociale site",
  "Enseigne commerciale site",
  "Code postal (coord. structure)",
  "Code commune (coord. structure)",
  "Libellé commune (coord. structure)",
  "Code secteur d'activité",
  "Libellé secteur d'activité",
];

export type Encoding = "utf-8" | "latin-1";

/**
 * Decodes the file: UTF-8 (the published format, BOM allowed) when the bytes are valid UTF-8,
 * else Latin-1 (Windows-1252, what spreadsheet re-exports often produce). Valid UTF-8 is very
 * unlikely to be accidental Latin-1 text with accents, so the test is reliable for French names.
 */
export function decodeExtraction(bytes: Uint8Array): { text: string; encoding: Encoding } {
  try {
    return {
      text: new TextDecoder("utf-8", { fatal: true, ignoreBOM: false }).decode(bytes),
      encoding: "utf-8",
    };
  } catch {
    return { text: new TextDecoder("windows-1252").decode(bytes), encoding: "latin-1" };
  }
}

const norm = (h: string): string =>
  h
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, " ")
    .trim();

export interface ExtractionRecord {
  /** 1-based line in the file (the header is line 1). */
  readonly line: number;
  readonly values: Partial<Record<ColumnKey, string>>;
  /** Fields on the line vs in the header (a mismatch means a corrupt row). */
  readonly fieldCount: number;
}

export interface ParsedExtraction {
  readonly columnCount: number;
  readonly records: readonly ExtractionRecord[];
}

/**
 * Parses the pipe-separated text. No quoting (the extraction has none: a `"` is data). A missing
 * required column fails the whole file (`VALIDATION_FAILED`, naming the column).
 */
export function parseExtraction(text: string): ParsedExtraction {
  const rows = parse(text, {
    delimiter: "|",
    quote: false,
    relax_column_count: true,
    skip_empty_lines: true,
    bom: true,
    info: true,
  }) as unknown as { record: string[]; info: { lines: number } }[];
  const header = rows[0]?.record;
  if (header === undefined) throw invalid("file", "empty", "the file is empty", "le fichier est vide");
  const byName = new Map(header.map((h, i) => [norm(h), i]));
  const index: [ColumnKey, number][] = [];
  for (const [key, name] of Object.entries(EXTRACTION_COLUMNS) as [ColumnKey, string][]) {
    const i = byName.get(norm(name));
    if (i !== undefined) index.push([key, i]);
  }
  const has = (k: ColumnKey): boolean => index.some(([key]) => key === k);
  for (const k of ["lastName", "professionCode"] as const) {
    if (!has(k)) throw missing(EXTRACTION_COLUMNS[k]);
  }
  if (!has("id") && !has("nationalId")) throw missing(EXTRACTION_COLUMNS.id);

  const records: ExtractionRecord[] = [];
  for (let r = 1; r < rows.length; r++) {
    const { record, info } = rows[r] ?? { record: [], info: { lines: 0 } };
    const values: Partial<Record<ColumnKey, string>> = {};
    for (const [key, i] of index) {
      const v = record[i]?.trim();
      if (v !== undefined && v !== "") values[key] = v;
    }
    records.push({ line: info.lines, values, fieldCount: record.length });
  }
  return { columnCount: header.length, records };
}

const invalid = (path: string, rule: string, en: string, fr: string): PasserelleError =>
  fieldError("VALIDATION_FAILED", `invalid extraction: ${en}`, path, rule, { en, fr });

const missing = (column: string): PasserelleError =>
  invalid(
    `header.${column}`,
    "required",
    `missing column '${column}' (is this a pipe-separated Annuaire Santé extraction?)`,
    `colonne '${column}' absente (est-ce une extraction Annuaire Santé séparée par des |?)`,
  );
