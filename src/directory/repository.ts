import type { Knex } from "knex";
import type { Queryable } from "../storage/index.ts";
import type { Member, Role, Structure, StructureKind, Territory } from "./types.ts";
import { nameKey } from "./types.ts";

/** A `members` row. */
export interface MemberRow {
  id: number;
  rpps: string | null;
  adeli: string | null;
  last_name: string | null;
  first_name: string | null;
  display_name: string;
  name_key: string;
  name_key_alt: string;
  profession_code: string;
  speciality_code: string | null;
  speciality_label: string | null;
  structure_id: number | null;
  matrix_id: string | null;
  postcode: string | null;
  commune_code: string | null;
  active: boolean | number;
  created_at: string;
  updated_at: string;
}

interface StructureRow {
  id: number;
  finess: string | null;
  siret: string | null;
  kind: string;
  name: string;
  postcode: string | null;
  commune_code: string | null;
  parent_id: number | null;
}

const opt = <K extends string, V>(k: K, v: V | null): Partial<Record<K, V>> =>
  v === null ? {} : ({ [k]: v } as Record<K, V>);

function toMember(r: MemberRow, roles: readonly Role[]): Member {
  return {
    id: r.id,
    ...opt("rpps", r.rpps),
    ...opt("adeli", r.adeli),
    ...opt("lastName", r.last_name),
    ...opt("firstName", r.first_name),
    displayName: r.display_name,
    professionCode: r.profession_code,
    ...opt("specialityCode", r.speciality_code),
    ...opt("specialityLabel", r.speciality_label),
    ...opt("structureId", r.structure_id),
    ...opt("matrixId", r.matrix_id),
    ...opt("postcode", r.postcode),
    ...opt("communeCode", r.commune_code),
    active: Boolean(r.active),
    roles,
  };
}

function toStructure(r: StructureRow): Structure {
  return {
    id: r.id,
    ...opt("finess", r.finess),
    ...opt("siret", r.siret),
    kind: r.kind as StructureKind,
    name: r.name,
    ...opt("postcode", r.postcode),
    ...opt("communeCode", r.commune_code),
    ...opt("parentId", r.parent_id),
  };
}

/** Escapes `%`, `_` and `\` for a LIKE pattern (used with `escape '\'`). */
const likePrefix = (s: string): string => s.replace(/[\\%_]/g, (c) => `\\${c}`) + "%";

/**
 * Directory look-ups. Engine-agnostic: plain knex queries on a database or a transaction.
 * Inactive (removed) members are returned by id look-ups, never by searches.
 */
export class DirectoryRepository {
  readonly #q: Queryable;
  constructor(q: Queryable) {
    this.#q = q;
  }

  async #withRoles(rows: readonly MemberRow[]): Promise<Member[]> {
    if (rows.length === 0) return [];
    const roles = new Map<number, Role[]>();
    const ids = rows.map((r) => r.id);
    for (let i = 0; i < ids.length; i += 500) {
      const rs = await this.#q<{ member_id: number; role: Role }>("member_roles")
        .select("member_id", "role")
        .whereIn("member_id", ids.slice(i, i + 500))
        .orderBy("role");
      for (const r of rs) roles.set(r.member_id, [...(roles.get(r.member_id) ?? []), r.role]);
    }
    return rows.map((r) => toMember(r, roles.get(r.id) ?? []));
  }

  async #one(where: Readonly<Record<string, string | number>>): Promise<Member | undefined> {
    const rows: MemberRow[] = await this.#q<MemberRow>("members").select("*").where(where).limit(1);
    return (await this.#withRoles(rows))[0];
  }

  findByRpps(rpps: string): Promise<Member | undefined> {
    return this.#one({ rpps: rpps });
  }

  findByAdeli(adeli: string): Promise<Member | undefined> {
    return this.#one({ adeli: adeli });
  }

  findByMatrixId(matrixId: string): Promise<Member | undefined> {
    return this.#one({ matrix_id: matrixId });
  }

  findById(id: number): Promise<Member | undefined> {
    return this.#one({ id: id });
  }

  /** Active members whose name (last first, or first last) starts with `prefix`, accents ignored. */
  async searchByName(prefix: string, limit = 20): Promise<Member[]> {
    const key = nameKey(prefix);
    if (key === "") return [];
    const pattern = likePrefix(key);
    const rows: MemberRow[] = await this.#q<MemberRow>("members")
      .select("*")
      .where("active", true)
      .andWhere((w) => {
        void w
          .whereRaw("name_key like ? escape '\\'", [pattern])
          .orWhereRaw("name_key_alt like ? escape '\\'", [pattern]);
      })
      .orderBy(["name_key", "id"])
      .limit(limit);
    return this.#withRoles(rows);
  }

  /** Active members of a profession whose practice postcode or commune is in the CPTS territory. */
  async findByProfessionInTerritory(professionCode: string, limit = 100): Promise<Member[]> {
    const q = this.#q;
    const rows: MemberRow[] = await q<MemberRow>("members")
      .select("*")
      .where("active", true)
      .andWhere("profession_code", professionCode)
      .andWhere((w) => {
        void w
          .whereIn("postcode", q("territory").select("code").where("kind", "postcode"))
          .orWhereIn("commune_code", q("territory").select("code").where("kind", "commune"));
      })
      .orderBy(["name_key", "id"])
      .limit(limit);
    return this.#withRoles(rows);
  }

  async getTerritory(): Promise<Territory> {
    const rows = await this.#q<{ kind: string; code: string }>("territory")
      .select("kind", "code")
      .orderBy("code");
    return {
      postcodes: rows.filter((r) => r.kind === "postcode").map((r) => r.code),
      communes: rows.filter((r) => r.kind === "commune").map((r) => r.code),
    };
  }

  /** Replaces the territory (call within a transaction). */
  async setTerritory(t: Territory): Promise<void> {
    await this.#q("territory").delete();
    const rows = [
      ...t.postcodes.map((code) => ({ kind: "postcode", code })),
      ...t.communes.map((code) => ({ kind: "commune", code })),
    ];
    for (let i = 0; i < rows.length; i += 500) await this.#q("territory").insert(rows.slice(i, i + 500));
  }

  async getStructure(id: number): Promise<Structure | undefined> {
    const r = await this.#q<StructureRow>("structures").where("id", id).first();
    return r === undefined ? undefined : toStructure(r);
  }

  async childStructures(parentId: number): Promise<Structure[]> {
    const rows = await this.#q<StructureRow>("structures").where({ parent_id: parentId }).orderBy("id");
    return rows.map(toStructure);
  }

  async findStructure(by: { finess: string } | { siret: string }): Promise<Structure | undefined> {
    const r = await this.#q<StructureRow>("structures")
      .where("finess" in by ? { finess: by.finess } : { siret: by.siret })
      .first();
    return r === undefined ? undefined : toStructure(r);
  }

  /**
   * Active members holding `role`, optionally only those of structure `structureId` (a hospital
   * unit's staff: `structure_id` is the unit). Ordered by id.
   */
  async membersWithRole(role: Role, structureId?: number): Promise<Member[]> {
    const q = this.#q;
    let query = q<MemberRow>("members")
      .select("*")
      .where("active", true)
      .whereIn("id", q("member_roles").select("member_id").where("role", role));
    if (structureId !== undefined) query = query.andWhere("structure_id", structureId);
    const rows: MemberRow[] = await query.orderBy("id");
    return this.#withRoles(rows);
  }

  /** Active members, optionally of one profession, by name (the API's directory list). */
  async listActive(professionCode?: string, limit = 100): Promise<Member[]> {
    const q = this.#q<MemberRow>("members").select("*").where("active", true);
    if (professionCode !== undefined) void q.andWhere("profession_code", professionCode);
    const rows: MemberRow[] = await q.orderBy(["name_key", "id"]).limit(limit);
    return this.#withRoles(rows);
  }

  /** Every structure, by id. */
  async listStructures(): Promise<Structure[]> {
    const rows = await this.#q<StructureRow>("structures").orderBy("id");
    return rows.map(toStructure);
  }

  /** The RPPS numbers of these members (those that have one). */
  async rppsOf(ids: readonly number[]): Promise<string[]> {
    return this.#q<{ rpps: string }>("members").whereIn("id", ids).pluck("rpps");
  }

  /** A sub-query of the ids of the members attached to a structure, for another module's `whereIn`. */
  memberIdsOf(structureId: number): Knex.QueryBuilder {
    return this.#q("members").select("id").where("structure_id", structureId);
  }

  async countMembers(): Promise<number> {
    const r = await this.#q("members").count({ n: "*" }).first();
    return Number(r?.n ?? 0);
  }
}
