import type { Knex } from "knex";
import type { AuditTrail } from "../audit/index.ts";
import { auditEvent } from "../audit/index.ts";
import type { Clock } from "../core/index.ts";
import { fieldError, PasserelleError, systemClock } from "../core/index.ts";
import type { Database } from "../storage/index.ts";
import { inTransaction } from "../storage/index.ts";
import { DirectoryRepository } from "./repository.ts";
import type { AddStructureInput } from "./structures.ts";
import { addStructure, setTerritory } from "./structures.ts";
import type { Member, Structure, Territory } from "./types.ts";
import { memberAuditId, nameKey } from "./types.ts";
import { checkId, checkMatrixId, checkProfession, checkRoles, checkText, Issues } from "./validate.ts";

/** `directory add-member` input. Upserts by RPPS (or ADELI). */
export interface AddMemberInput {
  readonly rpps?: string;
  readonly adeli?: string;
  readonly matrixId?: string;
  readonly professionCode: string;
  readonly name: string;
  readonly roles?: readonly string[];
  readonly specialityCode?: string;
  readonly structureId?: number;
}

/**
 * Directory changes, each in one transaction with its audit entry (`member.added`,
 * `member.changed`, `member.removed`): the change and its trace commit together or not at all.
 */
export class DirectoryService {
  readonly #db: Database;
  readonly #trail: AuditTrail;
  readonly #clock: Clock;
  constructor(db: Database, trail: AuditTrail, clock: Clock = systemClock) {
    this.#db = db;
    this.#trail = trail;
    this.#clock = clock;
  }

  get repository(): DirectoryRepository {
    return new DirectoryRepository(this.#db.knex);
  }

  /** Adds a member, or updates the one with the same RPPS/ADELI (Matrix id, profession, name, roles). */
  async addMember(input: AddMemberInput, actor: string): Promise<{ member: Member; created: boolean }> {
    const issues = new Issues();
    if (input.rpps === undefined && input.adeli === undefined) {
      issues.add("rpps", "required", "an RPPS (or ADELI) is required", "un RPPS (ou ADELI) est obligatoire");
    }
    if (input.rpps !== undefined) checkId(issues, "rpps", "rpps", input.rpps);
    if (input.adeli !== undefined) checkId(issues, "adeli", "adeli", input.adeli);
    if (input.matrixId !== undefined) checkMatrixId(issues, "matrixId", input.matrixId);
    checkProfession(issues, "profession", input.professionCode);
    checkText(issues, "name", input.name, 200);
    const roles = checkRoles(issues, "role", input.roles ?? []);
    issues.throwIfAny("member");

    return inTransaction(this.#db.knex, async (trx) => {
      const repo = new DirectoryRepository(trx);
      const existing =
        input.rpps !== undefined
          ? await repo.findByRpps(input.rpps)
          : await repo.findByAdeli(input.adeli ?? "");
      if (input.matrixId !== undefined) {
        const holder = await repo.findByMatrixId(input.matrixId);
        if (holder !== undefined && holder.id !== existing?.id) {
          throw fieldError(
            "CONFLICT",
            "this Matrix id already belongs to another member",
            "matrixId",
            "unique",
            { en: "already used", fr: "déjà utilisé" },
          );
        }
      }
      const now = this.#clock.now().toISOString();
      const name = input.name.trim();
      const fields = {
        display_name: name,
        ...displayNameKeys(existing, name),
        profession_code: input.professionCode,
        active: true,
        updated_at: now,
        ...(input.matrixId === undefined ? {} : { matrix_id: input.matrixId }),
        ...(input.specialityCode === undefined ? {} : { speciality_code: input.specialityCode }),
        ...(input.structureId === undefined ? {} : { structure_id: input.structureId }),
      };
      let id: number;
      if (existing === undefined) {
        await trx("members").insert({
          ...fields,
          rpps: input.rpps ?? null,
          adeli: input.adeli ?? null,
          created_at: now,
        });
        const row = await (input.rpps !== undefined
          ? repo.findByRpps(input.rpps)
          : repo.findByAdeli(input.adeli ?? ""));
        id = row?.id ?? 0;
      } else {
        id = existing.id;
        await trx("members").where("id", id).update(fields);
      }
      await setRoles(trx, id, [...new Set([...(existing?.roles ?? []), ...roles])]);
      const member = await repo.findById(id);
      if (member === undefined)
        throw new PasserelleError("INTERNAL", "member vanished during its own transaction");
      await this.#trail.appendWithin(trx, [
        auditEvent(existing === undefined ? "member.added" : "member.changed", {
          actor,
          member: memberAuditId(member),
        }),
      ]);
      return { member, created: existing === undefined };
    });
  }

  /** Deactivates a member (kept for the history), drops their roles and Matrix id. */
  async removeMember(rpps: string, actor: string): Promise<Member> {
    const issues = new Issues();
    checkId(issues, "rpps", "rpps", rpps);
    issues.throwIfAny("member");
    return inTransaction(this.#db.knex, async (trx) => {
      const repo = new DirectoryRepository(trx);
      const m = await repo.findByRpps(rpps);
      if (m === undefined) throw new PasserelleError("NOT_FOUND", "no member with this RPPS");
      await trx("members")
        .where("id", m.id)
        .update({ active: false, matrix_id: null, updated_at: this.#clock.now().toISOString() });
      await setRoles(trx, m.id, []);
      await this.#trail.appendWithin(trx, [
        auditEvent("member.removed", { actor, member: memberAuditId(m) }),
      ]);
      return { ...m, active: false, roles: [] };
    });
  }

  /** Adds a structure (FINESS or SIRET required, checked). */
  addStructure(input: AddStructureInput): Promise<Structure> {
    return addStructure(this.#db, input, this.#clock);
  }

  /** Replaces the CPTS territory (INSEE communes and postcodes). */
  setTerritory(t: Territory): Promise<Territory> {
    return setTerritory(this.#db, t);
  }
}

/**
 * Search keys of a member added by hand with one `--name` ("Dr Marie Curie"): titles dropped,
 * the whole name, and its last word first ("CURIE MARIE") so that a surname prefix finds it.
 * Imported members keep their split names.
 */
function displayNameKeys(
  existing: Member | undefined,
  name: string,
): { name_key: string; name_key_alt: string } {
  if (existing?.lastName !== undefined) {
    return {
      name_key: nameKey(existing.lastName, existing.firstName),
      name_key_alt: nameKey(existing.firstName, existing.lastName),
    };
  }
  const words = nameKey(name)
    .split(" ")
    .filter((w) => !["DR", "PR", "M", "MME", "MR"].includes(w));
  const last = words.pop();
  return { name_key: nameKey(...words, last), name_key_alt: nameKey(last, ...words) };
}

async function setRoles(trx: Knex.Transaction, memberId: number, roles: readonly string[]): Promise<void> {
  await trx("member_roles").where("member_id", memberId).delete();
  if (roles.length > 0)
    await trx("member_roles").insert(roles.map((role) => ({ member_id: memberId, role })));
}
