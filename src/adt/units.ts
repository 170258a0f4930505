/**
 * Hospital units as the notices name them: for a facility (FINESS) and a unit code (ZBE-7 / PV1-3),
 * the label, the contact phone printed on the notice, and where the unit is reached: its directory
 * structure (kind `unit`: its staff with the role `recipient`, in the unit's room) and/or the RPPS
 * of its correspondent. Admission sheets go back there, and the unit is told there when a discharge
 * letter is due or missing; the structure wins when both are set.
 */
import type { Knex } from "knex";
import { DirectoryRepository } from "../directory/index.ts";

export interface AdtUnit {
  readonly facility: string;
  readonly unit: string;
  readonly name: string;
  readonly phone?: string;
  readonly contactRpps?: string;
  /** Directory structure of kind `unit` (see `transfers` `toUnit`). */
  readonly structureId?: number;
}

interface UnitRow {
  facility: string;
  unit: string;
  name: string;
  phone: string | null;
  contact_rpps: string | null;
  structure_id: number | null;
}

/** Creates or replaces a unit's record. */
export async function setAdtUnit(knex: Knex, u: AdtUnit): Promise<void> {
  await knex("adt_units")
    .insert({
      facility: u.facility,
      unit: u.unit,
      name: u.name,
      phone: u.phone ?? null,
      contact_rpps: u.contactRpps ?? null,
      structure_id: u.structureId ?? null,
    })
    .onConflict(["facility", "unit"])
    .merge();
}

export async function adtUnit(knex: Knex, facility: string, unit: string): Promise<AdtUnit | undefined> {
  const r = await knex<UnitRow>("adt_units").where({ facility, unit }).first();
  if (r === undefined) return undefined;
  return {
    facility: r.facility,
    unit: r.unit,
    name: r.name,
    ...(r.phone === null ? {} : { phone: r.phone }),
    ...(r.contact_rpps === null ? {} : { contactRpps: r.contact_rpps }),
    ...(r.structure_id === null ? {} : { structureId: r.structure_id }),
  };
}

/** Where a unit's notices and sheets go: its structure's staff, else its correspondent. */
export type UnitAddress =
  { readonly toUnit: { readonly structureId: number } } | { readonly to: readonly string[] };

/**
 * The unit's address as it can be reached now: its structure while the structure is a unit with
 * at least one active recipient holding a Matrix id, else its correspondent while they are an
 * active member with a Matrix id, else undefined. `createTransfer` refuses a unit with nobody to
 * receive, or an unreachable correspondent: without this check an A03 whose unit's directory is not
 * filled in failed, and a missing letter was marked missing with nobody — not even the CPTS — told.
 */
export async function reachableUnitAddress(
  knex: Knex,
  u: AdtUnit | undefined,
): Promise<UnitAddress | undefined> {
  const directory = new DirectoryRepository(knex);
  if (u?.structureId !== undefined) {
    const s = await directory.getStructure(u.structureId);
    const staff = s?.kind === "unit" ? await directory.membersWithRole("recipient", s.id) : [];
    if (staff.some((m) => m.matrixId !== undefined)) return { toUnit: { structureId: u.structureId } };
  }
  if (u?.contactRpps !== undefined) {
    const c = await directory.findByRpps(u.contactRpps);
    if (c?.active === true && c.matrixId !== undefined) return { to: [u.contactRpps] };
  }
  return undefined;
}
