import { createReadStream, createWriteStream } from "node:fs";
import { once } from "node:events";
import { createInterface } from "node:readline";
import type { Knex } from "knex";
import type { JWK } from "jose";
import { PasserelleError } from "../core/index.ts";
import { CANONICAL_KEYS, GENESIS_HASH } from "./canonical.ts";
import type { AuditTrail } from "./store.ts";
import { pagesOf } from "./rows.ts";
import type { VerifyReport } from "./verify.ts";
import { trustedKeys, verifyChain } from "./verify.ts";
import type { AuditEntry } from "./vocabulary.ts";

/** Format tag of the first line of an export. */
export const EXPORT_FORMAT = "passerelle-audit-export/1";

/** Which entries an export is about. The file carries the surrounding chain so it verifies alone. */
export type ExportFilter =
  { readonly sheet: string } | { readonly from?: string; readonly to?: string } | Record<string, never>;

export interface ExportSummary {
  readonly firstSeq: number;
  readonly lastSeq: number;
  readonly entries: number;
  readonly checkpoints: number;
}

/**
 * Writes a JSON Lines export, verifiable offline by {@link verifyExportFile}:
 * line 1 `{"type":"header", format, filter, firstSeq, lastSeq, keys: [public JWKs]}`, then
 * `{"type":"entry", …}` lines in seq order with `{"type":"checkpoint","jws":…}` lines after the
 * entry they sign. The head is checkpointed first; the range runs from the signed checkpoint
 * before the first matching entry to the one after the last, so both ends are anchored by a
 * signature. Entries of other sheets inside that range are included (ids and hashes only — the
 * audit holds no patient data); the reader filters them by the header's `filter`.
 */
export async function exportAudit(
  trail: AuditTrail,
  knex: Knex,
  outFile: string,
  filter: ExportFilter,
): Promise<ExportSummary> {
  await trail.checkpoint();
  const head = await trail.head();
  const match = knex("audit_entries");
  if ("sheet" in filter) match.where("sheet_id", filter.sheet);
  if ("from" in filter && filter.from !== undefined) match.where("time", ">=", filter.from);
  if ("to" in filter && filter.to !== undefined) match.where("time", "<=", filter.to);
  const range = await match.min({ a: "seq" }).max({ b: "seq" }).first();
  if (range?.a === null || range?.a === undefined || head.seq === 0) {
    throw new PasserelleError("NOT_FOUND", "no audit entry matches the export filter");
  }
  const a = Number(range.a);
  const b = Number(range.b);
  const before = await knex("audit_checkpoints").where("seq", "<", a).max({ s: "seq" }).first();
  const after = await knex("audit_checkpoints").where("seq", ">=", b).min({ s: "seq" }).first();
  const anchor = Number(before?.s ?? 0);
  const last = Number(after?.s ?? head.seq);
  const cps = await knex<{ seq: number | string; jws: string }>("audit_checkpoints")
    .select("seq", "jws")
    .whereBetween("seq", [anchor, last])
    .orderBy(["seq", "id"]);
  const keys = (await knex<{ public_jwk: string }>("audit_keys").select("public_jwk")).map(
    (k) => JSON.parse(k.public_jwk) as JWK,
  );

  const out = createWriteStream(outFile, { mode: 0o600 });
  const write = async (obj: unknown): Promise<void> => {
    if (!out.write(JSON.stringify(obj) + "\n")) await once(out, "drain");
  };
  let ci = 0;
  const flushCps = async (upTo: number): Promise<number> => {
    let n = 0;
    for (let cp = cps[ci]; cp !== undefined && Number(cp.seq) <= upTo; cp = cps[++ci]) {
      await write({ type: "checkpoint", jws: cp.jws });
      n++;
    }
    return n;
  };
  await write({ type: "header", format: EXPORT_FORMAT, filter, firstSeq: anchor + 1, lastSeq: last, keys });
  let written = await flushCps(anchor);
  let entries = 0;
  for await (const page of pagesOf(knex, anchor + 1, last)) {
    for (const e of page) {
      await write({ type: "entry", ...e });
      entries++;
      written += await flushCps(e.seq);
    }
  }
  out.end();
  await once(out, "finish");
  return { firstSeq: anchor + 1, lastSeq: last, entries, checkpoints: written };
}

/**
 * Verifies an export file offline: header, entry lines and checkpoints. Keys are the header's,
 * or only `pinned` ones when given (compare with the hub's published key). Catches one edited,
 * deleted, reordered or inserted line (entry or checkpoint) and reports its seq and line.
 */
export async function verifyExportFile(file: string, pinned?: readonly JWK[]): Promise<VerifyReport> {
  const entries: AuditEntry[] = [];
  const lines = new Map<number, number>();
  const checkpoints: { seq: number; jws: string }[] = [];
  let header: { firstSeq: number; lastSeq: number; keys: JWK[] } | undefined;
  let lineNo = 0;
  const malformed = (detail: string, seq: number): VerifyReport => ({
    ok: false,
    entries: entries.length,
    firstSeq: entries[0]?.seq ?? null,
    lastSeq: entries.at(-1)?.seq ?? 0,
    headHash: entries.at(-1)?.hash ?? GENESIS_HASH,
    checkpoints: 0,
    lastCheckpointSeq: 0,
    unsignedTail: 0,
    failure: { seq, reason: "malformed", detail, line: lineNo },
  });
  const rl = createInterface({ input: createReadStream(file), crlfDelay: Infinity });
  for await (const text of rl) {
    lineNo++;
    if (text.trim() === "") continue;
    let v: unknown;
    try {
      v = JSON.parse(text);
    } catch {
      return malformed(`line ${lineNo} is not JSON`, (entries.at(-1)?.seq ?? 0) + 1);
    }
    const o = (typeof v === "object" && v !== null ? v : {}) as Record<string, unknown>;
    if (header === undefined) {
      if (o.type !== "header" || o.format !== EXPORT_FORMAT || !isSeq(o.firstSeq) || !isSeq(o.lastSeq)) {
        return malformed("the first line is not a Passerelle audit export header", 0);
      }
      header = {
        firstSeq: o.firstSeq,
        lastSeq: o.lastSeq,
        keys: Array.isArray(o.keys) ? (o.keys as JWK[]) : [],
      };
    } else if (o.type === "checkpoint" && typeof o.jws === "string") {
      checkpoints.push({ seq: entries.at(-1)?.seq ?? header.firstSeq - 1, jws: o.jws });
    } else if (o.type === "entry" && isSeq(o.seq)) {
      const extra = Object.keys(o).find((k) => k !== "type" && k !== "hash" && !ENTRY_KEYS.has(k));
      if (extra !== undefined) return malformed(`line ${lineNo} has an unknown field`, o.seq);
      const { type: _t, ...e } = o;
      entries.push(e as unknown as AuditEntry);
      if (!lines.has(o.seq)) lines.set(o.seq, lineNo);
    } else {
      return malformed(`line ${lineNo} is neither an entry nor a checkpoint`, (entries.at(-1)?.seq ?? 0) + 1);
    }
  }
  if (header === undefined) return malformed("empty file", 0);
  const anchorSeq = header.firstSeq - 1;
  const anchorHash = anchorSeq === 0 ? GENESIS_HASH : (anchorHashOf(checkpoints, anchorSeq) ?? "unanchored");
  const lastEntry = entries.at(-1);
  const report = await verifyChain({
    anchor: { seq: anchorSeq, hash: anchorHash },
    pages: [entries],
    checkpoints,
    keys: trustedKeys(pinned ?? header.keys),
    loadAll: () => Promise.resolve(entries),
    claimedHead: { seq: header.lastSeq, hash: lastEntry?.seq === header.lastSeq ? lastEntry.hash : "" },
    requireClosingCheckpoint: true,
    lineOf: (seq) => lines.get(seq),
  });
  return report;
}

const ENTRY_KEYS: ReadonlySet<string> = new Set(CANONICAL_KEYS);
const isSeq = (v: unknown): v is number => typeof v === "number" && Number.isSafeInteger(v) && v >= 0;

/** The head hash an (unverified) checkpoint claims at `seq`; verifyChain checks its signature. */
function anchorHashOf(cps: readonly { jws: string }[], seq: number): string | undefined {
  for (const c of cps) {
    const part = c.jws.split(".")[1];
    if (part === undefined) continue;
    try {
      const p = JSON.parse(Buffer.from(part, "base64url").toString("utf8")) as {
        seq?: unknown;
        headHash?: unknown;
      };
      if (p.seq === seq && typeof p.headHash === "string") return p.headHash;
    } catch {
      continue;
    }
  }
  return undefined;
}
