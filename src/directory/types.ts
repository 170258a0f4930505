/** Kinds of structures a CPTS works with. `unit` is a hospital service (its `parentId` the hospital). */
export const STRUCTURE_KINDS = [
  "hospital",
  "unit",
  "ehpad",
  "pharmacy",
  "health_centre",
  "cpts",
  "practice",
  "other",
] as const;
export type StructureKind = (typeof STRUCTURE_KINDS)[number];

/** What a member may do in Passerelle. */
export const ROLES = ["sender", "recipient", "specialist", "coordinator", "auditor"] as const;
export type Role = (typeof ROLES)[number];

/** A structure, identified by FINESS (health establishments) or SIRET (others). */
export interface Structure {
  readonly id: number;
  readonly finess?: string;
  readonly siret?: string;
  readonly kind: StructureKind;
  readonly name: string;
  readonly postcode?: string;
  readonly communeCode?: string;
  readonly parentId?: number;
}

/** A health professional, identified by RPPS (or ADELI for those not yet moved to RPPS). */
export interface Member {
  readonly id: number;
  readonly rpps?: string;
  readonly adeli?: string;
  readonly lastName?: string;
  readonly firstName?: string;
  readonly displayName: string;
  /** Annuaire Santé profession code (TRE_G15), e.g. `10` médecin. */
  readonly professionCode: string;
  readonly specialityCode?: string;
  readonly specialityLabel?: string;
  readonly structureId?: number;
  readonly matrixId?: string;
  readonly postcode?: string;
  readonly communeCode?: string;
  readonly active: boolean;
  readonly roles: readonly Role[];
}

/** The CPTS territory: INSEE commune codes and postcodes. */
export interface Territory {
  readonly postcodes: readonly string[];
  readonly communes: readonly string[];
}

/** The audit id of a member: `rpps:…`, else `adeli:…`, else `member:<id>`. */
export function memberAuditId(m: { rpps?: string; adeli?: string; id?: number }): string {
  if (m.rpps !== undefined) return `rpps:${m.rpps}`;
  if (m.adeli !== undefined) return `adeli:${m.adeli}`;
  return `member:${String(m.id ?? 0)}`;
}

/**
 * Search key of a name: accents removed, upper case, runs of other characters one space
 * ("Lefèvre-Dupont" → "LEFEVRE DUPONT"). Prefix searches compare keys.
 */
export function nameKey(...parts: readonly (string | undefined)[]): string {
  return parts
    .filter((p): p is string => p !== undefined && p !== "")
    .join(" ")
    .normalize("NFD")
    .replace(/\p{M}/gu, "")
    .toUpperCase()
    .replace(/[^A-Z0-9]+/g, " ")
    .trim();
}
