import type { Knex } from "knex";
import type { AuditEvent, AuditTrail } from "../audit/index.ts";
import { auditEvent } from "../audit/index.ts";
import type { Clock } from "../core/index.ts";
import { systemClock } from "../core/index.ts";
import type { Database } from "../storage/index.ts";
import { inTransaction } from "../storage/index.ts";
import type { Encoding } from "./extraction.ts";
import { decodeExtraction, parseExtraction } from "./extraction.ts";
import type { Candidate, Rejection } from "./import-rows.ts";
import { candidateFrom, structureKey } from "./import-rows.ts";
import type { MemberRow } from "./repository.ts";
import { memberAuditId } from "./types.ts";

export type { Rejection } from "./import-rows.ts";

/** What an import did. `imported` counts accepted rows (inserted + updated + unchanged). */
export interface ImportReport {
  readonly imported: number;
  readonly inserted: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly rejected: readonly Rejection[];
  readonly structures: { readonly inserted: number };
  readonly encoding: Encoding;
  readonly lines: number;
}

export interface ImportOptions {
  /** Audit actor (e.g. `cli:import`). */
  readonly actor: string;
  readonly clock?: Clock;
  /** Called as rows are written: (done, total). */
  readonly onProgress?: (done: number, total: number) => void;
}

const CHUNK = 500;
const COMPARED = [
  "last_name",
  "first_name",
  "display_name",
  "name_key",
  "name_key_alt",
  "profession_code",
  "speciality_code",
  "speciality_label",
  "structure_id",
  "postcode",
  "commune_code",
] as const;

/**
 * Imports an Annuaire Santé extraction into the directory. Rows are checked first (RPPS/ADELI
 * length and key, profession code, FINESS/SIRET keys, duplicates — each rejection with its line
 * and reason); accepted rows are then upserted by RPPS/ADELI in ONE transaction together with
 * their `member.added` / `member.changed` audit entries: a failure leaves nothing half-written.
 * Re-importing the same file changes nothing (idempotent). Imports never remove members.
 */
export async function importExtraction(
  db: Database,
  trail: AuditTrail,
  bytes: Uint8Array,
  options: ImportOptions,
): Promise<ImportReport> {
  const clock = options.clock ?? systemClock;
  const { text, encoding } = decodeExtraction(bytes);
  const parsed = parseExtraction(text);
  const rejected: Rejection[] = [];
  const candidates: Candidate[] = [];
  const seen = new Map<string, number>();
  for (const rec of parsed.records) {
    const r = candidateFrom(rec, parsed.columnCount);
    if ("reason" in r) {
      rejected.push(r);
      continue;
    }
    const first = seen.get(r.key);
    if (first !== undefined) {
      rejected.push({
        line: rec.line,
        rule: "duplicate",
        reason: `duplicate ${r.rpps === undefined ? "ADELI" : "RPPS"} (first on line ${first})`,
      });
      continue;
    }
    seen.set(r.key, rec.line);
    candidates.push(r);
  }
  const now = clock.now().toISOString();
  const total = candidates.length;
  options.onProgress?.(0, total);

  const counts = await inTransaction(db.knex, async (trx) => {
    const structures = await upsertStructures(trx, candidates, now);
    const existing = new Map<string, MemberRow>();
    for (const m of (await trx("members").select("*")) as MemberRow[]) {
      if (m.rpps !== null) existing.set(`rpps:${m.rpps}`, m);
      else if (m.adeli !== null) existing.set(`adeli:${m.adeli}`, m);
    }
    let inserted = 0;
    let updated = 0;
    let done = 0;
    const fresh: Record<string, unknown>[] = [];
    const events: AuditEvent[] = [];
    for (const c of candidates) {
      const sKey = structureKey(c);
      const row = {
        ...c.row,
        structure_id: sKey === undefined ? null : (structures.get(sKey) ?? null),
      };
      const old = existing.get(c.key);
      if (old === undefined) {
        fresh.push({
          ...row,
          rpps: c.rpps ?? null,
          adeli: c.adeli ?? null,
          active: true,
          created_at: now,
          updated_at: now,
        });
        events.push(auditEvent("member.added", { actor: options.actor, member: memberAuditId(c) }));
        inserted++;
      } else if (COMPARED.some((k) => norm(old[k]) !== norm(row[k]))) {
        await trx("members")
          .where("id", old.id)
          .update({ ...row, updated_at: now });
        events.push(auditEvent("member.changed", { actor: options.actor, member: memberAuditId(c) }));
        updated++;
      }
      if (fresh.length >= CHUNK) {
        await trx("members").insert(fresh.splice(0));
      }
      if (++done % CHUNK === 0) options.onProgress?.(done, total);
    }
    if (fresh.length > 0) await trx("members").insert(fresh);
    if (events.length > 0) await trail.appendWithin(trx, events);
    options.onProgress?.(total, total);
    return { inserted, updated, structures: structures.inserted };
  });

  return {
    imported: total,
    inserted: counts.inserted,
    updated: counts.updated,
    unchanged: total - counts.inserted - counts.updated,
    rejected,
    structures: { inserted: counts.structures },
    encoding,
    lines: parsed.records.length + 1,
  };
}

const norm = (v: string | number | boolean | null | undefined): string =>
  v === null || v === undefined ? "" : String(v);

/** Inserts structures not yet known (by FINESS, else SIRET); returns key → id. */
async function upsertStructures(
  trx: Knex.Transaction,
  candidates: readonly Candidate[],
  now: string,
): Promise<Map<string, number> & { inserted: number }> {
  const ids = Object.assign(new Map<string, number>(), { inserted: 0 });
  type Key = { id: number; finess: string | null; siret: string | null };
  const load = (rows: Key[]) => {
    for (const s of rows) {
      if (s.finess !== null) ids.set(`finess:${s.finess}`, s.id);
      if (s.siret !== null) ids.set(`siret:${s.siret}`, s.id);
    }
  };
  load(await trx<Key>("structures").select("id", "finess", "siret"));
  // A FINESS or SIRET may be claimed once: by an existing structure or by the first new row.
  const claimed = new Set(ids.keys());
  const rows: Record<string, string | null>[] = [];
  for (const c of candidates) {
    const key = structureKey(c);
    const s = c.structure;
    if (key === undefined || s === undefined || claimed.has(key)) continue;
    const siret = s.siret !== null && !claimed.has(`siret:${s.siret}`) ? s.siret : null;
    rows.push({ ...s, siret, created_at: now, updated_at: now });
    claimed.add(key);
    if (siret !== null) claimed.add(`siret:${siret}`);
  }
  for (let i = 0; i < rows.length; i += CHUNK) {
    const chunk = rows.slice(i, i + CHUNK);
    await trx("structures").insert(chunk);
    const finess = chunk.map((r) => r.finess).filter((v): v is string => typeof v === "string");
    const siret = chunk.map((r) => r.siret).filter((v): v is string => typeof v === "string");
    load(
      await trx<Key>("structures")
        .select("id", "finess", "siret")
        .whereIn("finess", finess)
        .orWhereIn("siret", siret),
    );
  }
  ids.inserted = rows.length;
  return ids;
}
