import type { Knex } from "knex";
import type { JWK } from "jose";
import { PasserelleError } from "../core/index.ts";
import { toStorageError } from "../storage/index.ts";
import { pagesOf } from "./rows.ts";
import type { VerifyReport } from "./verify.ts";
import { GENESIS_ANCHOR, trustedKeys, verifyChain } from "./verify.ts";
import type { AuditEntry } from "./vocabulary.ts";

/** The head row: last seq and hash (seq 0 and the genesis hash when empty). */
export async function readHead(q: Knex): Promise<{ seq: number; hash: string }> {
  const row = await q("audit_head")
    .where({ id: 1 })
    .first<{ seq: number | string; hash: string } | undefined>("seq", "hash");
  if (row === undefined) throw new PasserelleError("INTERNAL", "audit_head row is missing (run db migrate)");
  return { seq: Number(row.seq), hash: row.hash };
}

/** Verifies the chain stored in a database (see `AuditTrail.verify`). */
export async function verifyStored(
  q: Knex,
  keys: readonly JWK[],
  includeRegistered: boolean,
): Promise<VerifyReport> {
  try {
    const jwks = [...keys];
    if (includeRegistered) {
      const rows = await q<{ public_jwk: string }>("audit_keys").select("public_jwk");
      for (const r of rows) jwks.push(JSON.parse(r.public_jwk) as JWK);
    }
    const cps = await q<{ seq: number | string; jws: string }>("audit_checkpoints")
      .select("seq", "jws")
      .orderBy("id");
    return await verifyChain({
      anchor: GENESIS_ANCHOR,
      pages: pagesOf(q),
      checkpoints: cps.map((c) => ({ seq: Number(c.seq), jws: c.jws })),
      keys: trustedKeys(jwks),
      loadAll: async () => {
        const all: AuditEntry[] = [];
        for await (const page of pagesOf(q)) all.push(...page);
        return all;
      },
      claimedHead: await readHead(q),
    });
  } catch (e) {
    throw toStorageError(e, "verifying the audit trail");
  }
}
