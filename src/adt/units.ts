/**
 * Hospital units as the notices name them: for a facility (FINESS) and a unit code (ZBE-7 / PV1-3),
 * the label, the contact phone printed on the notice, and the RPPS of the unit's correspondent,
 * to whom admission sheets go back and who is told when a discharge letter is missing.
 */
import type { Knex } from "knex";

export interface AdtUnit {
  readonly facility: string;
  readonly unit: string;
  readonly name: string;
  readonly phone?: string;
  readonly contactRpps?: string;
}

interface UnitRow {
  facility: string;
  unit: string;
  name: string;
  phone: string | null;
  contact_rpps: string | null;
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
  };
}
