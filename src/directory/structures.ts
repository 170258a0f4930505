import type { Clock } from "../core/index.ts";
import { PasserelleError } from "../core/index.ts";
import type { Database } from "../storage/index.ts";
import { inTransaction } from "../storage/index.ts";
import { DirectoryRepository } from "./repository.ts";
import type { Structure, StructureKind, Territory } from "./types.ts";
import { checkId, checkKind, checkText, COMMUNE, Issues, POSTCODE } from "./validate.ts";

/** A structure added by hand (hospital unit, EHPAD, pharmacy, health centre, the CPTS itself). */
export interface AddStructureInput {
  readonly finess?: string;
  readonly siret?: string;
  readonly kind: string;
  readonly name: string;
  readonly postcode?: string;
  readonly communeCode?: string;
  readonly parentId?: number;
}

/** Adds a structure (FINESS or SIRET required and checked, except for a unit inside a parent structure). */
export async function addStructure(db: Database, input: AddStructureInput, clock: Clock): Promise<Structure> {
  const issues = new Issues();
  // A hospital unit (UF) has no identifier of its own: it is identified by its parent's.
  const unitOfParent = input.kind === "unit" && input.parentId !== undefined;
  if (input.finess === undefined && input.siret === undefined && !unitOfParent) {
    issues.add(
      "finess",
      "required",
      "a FINESS or a SIRET is required",
      "un FINESS ou un SIRET est obligatoire",
    );
  }
  if (input.finess !== undefined) checkId(issues, "finess", "finess", input.finess);
  if (input.siret !== undefined) checkId(issues, "siret", "siret", input.siret);
  const kind: StructureKind = checkKind(issues, "kind", input.kind);
  checkText(issues, "name", input.name, 200);
  if (input.postcode !== undefined && !POSTCODE.test(input.postcode)) {
    issues.add("postcode", "format", "5 digits", "5 chiffres");
  }
  if (input.communeCode !== undefined && !COMMUNE.test(input.communeCode)) {
    issues.add("commune", "format", "an INSEE commune code", "un code commune INSEE");
  }
  issues.throwIfAny("structure");
  return inTransaction(db.knex, async (trx) => {
    const now = clock.now().toISOString();
    const inserted: unknown[] = await trx("structures").insert(
      {
        finess: input.finess ?? null,
        siret: input.siret ?? null,
        kind,
        name: input.name.trim(),
        postcode: input.postcode ?? null,
        commune_code: input.communeCode ?? null,
        parent_id: input.parentId ?? null,
        created_at: now,
        updated_at: now,
      },
      ["id"],
    );
    const id = Number((inserted[0] as { id: number } | undefined)?.id);
    const s = await new DirectoryRepository(trx).getStructure(id);
    if (s === undefined)
      throw new PasserelleError("INTERNAL", "structure vanished during its own transaction");
    return s;
  });
}

/** Replaces the CPTS territory (INSEE communes and postcodes). */
export async function setTerritory(db: Database, t: Territory): Promise<Territory> {
  const issues = new Issues();
  t.postcodes.forEach((p, i) => {
    if (!POSTCODE.test(p)) issues.add(`postcodes[${i}]`, "format", "5 digits", "5 chiffres");
  });
  t.communes.forEach((c, i) => {
    if (!COMMUNE.test(c))
      issues.add(`communes[${i}]`, "format", "an INSEE commune code", "un code commune INSEE");
  });
  issues.throwIfAny("territory");
  const clean = { postcodes: [...new Set(t.postcodes)], communes: [...new Set(t.communes)] };
  await inTransaction(db.knex, (trx) => new DirectoryRepository(trx).setTerritory(clean));
  return clean;
}
