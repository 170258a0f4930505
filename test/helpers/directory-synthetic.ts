/**
 * Synthetic Annuaire Santé extractions (pipe-separated, trailing pipe, real header) with valid
 * RPPS and FINESS keys, for tests and the import benchmark. Deterministic for a given `offset`.
 */
import { withCheckKey } from "../../src/forms/index.ts";
import { EXTRACTION_HEADER } from "../../src/directory/index.ts";

const LAST = [
  "Martin",
  "Bernard",
  "Lefèvre",
  "Dubois",
  "Moreau",
  "Laurent",
  "Girard",
  "Roux",
  "Fournier",
  "Mercier",
];
const FIRST = ["Marie", "Jean", "Zoé", "Hélène", "Luc", "Inès", "Paul", "Léa", "Noël", "Anaïs"];
const PROF = [
  ["10", "Médecin"],
  ["60", "Infirmier"],
  ["21", "Pharmacien"],
  ["70", "Masseur-kinésithérapeute"],
  ["50", "Sage-femme"],
] as const;
const POSTCODES = ["75011", "75012", "75020", "93100", "94300"];

/** The RPPS of synthetic row `i` (0-based). */
export function syntheticRpps(i: number): string {
  return withCheckKey("rpps", String(1_000_000_000 + i));
}

/** The FINESS of synthetic structure `k`. */
export function syntheticFiness(k: number): string {
  return withCheckKey("finess", `75${String(k).padStart(6, "0")}`);
}

/** One data line; `overrides` replaces columns by header name. */
export function syntheticLine(i: number, overrides: Readonly<Record<string, string>> = {}): string {
  const [code, label] = PROF[i % PROF.length]!;
  const structure = i % 3 === 0 ? undefined : Math.floor(i / 7);
  const values: Record<string, string> = {
    "Type d'identifiant PP": "8",
    "Identifiant PP": syntheticRpps(i),
    "Identification nationale PP": `8${syntheticRpps(i)}`,
    "Nom d'exercice": LAST[i % LAST.length]!.toUpperCase(),
    "Prénom d'exercice": FIRST[Math.floor(i / LAST.length) % FIRST.length]!,
    "Code profession": code,
    "Libellé profession": label,
    "Code savoir-faire": code === "10" ? "SM54" : "",
    "Libellé savoir-faire": code === "10" ? "Médecine générale" : "",
    "Numéro FINESS site": structure === undefined ? "" : syntheticFiness(structure),
    "Raison sociale site": structure === undefined ? "" : `CABINET ${String(structure)}`,
    "Code postal (coord. structure)": POSTCODES[i % POSTCODES.length]!,
    "Code commune (coord. structure)": `751${String(i % 20).padStart(2, "0")}`,
    ...overrides,
  };
  return EXTRACTION_HEADER.map((h) => values[h] ?? "").join("|") + "|";
}

export function syntheticHeader(): string {
  return EXTRACTION_HEADER.join("|") + "|";
}

/** `n` rows starting at `offset`, header first, CRLF-free, final newline. */
export function syntheticExtraction(n: number, offset = 0): string {
  const lines = [syntheticHeader()];
  for (let i = offset; i < offset + n; i++) lines.push(syntheticLine(i));
  return lines.join("\n") + "\n";
}
