import type { AuditEntry, AuditEvent, SigningKey } from "../../../src/audit/index.ts";
import { auditEvent, entryHash, GENESIS_HASH, signCheckpoint } from "../../../src/audit/index.ts";

/** A valid in-memory chain of `n` transfer events, from `start`. */
export function chain(n: number, start = { seq: 0, hash: GENESIS_HASH }): AuditEntry[] {
  const out: AuditEntry[] = [];
  let prevHash = start.hash;
  for (let i = 1; i <= n; i++) {
    const ev: AuditEvent = auditEvent("transfer.sent", {
      actor: "@bot:hub.example",
      transfer: `tr-${String(start.seq + i)}`,
      room: "!room1:hub.example",
    });
    const u = {
      ...ev,
      seq: start.seq + i,
      time: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
      prevHash,
    };
    const e = { ...u, hash: entryHash(u) };
    out.push(e);
    prevHash = e.hash;
  }
  return out;
}

/** Re-hashes an entry after an edit, as a careful attacker would. */
export function rehash(e: AuditEntry, changes: Partial<AuditEntry>): AuditEntry {
  const { hash: _h, ...rest } = { ...e, ...changes };
  return { ...rest, hash: entryHash(rest) };
}

export async function checkpointsEvery(entries: readonly AuditEntry[], every: number, key: SigningKey) {
  const out: { seq: number; jws: string }[] = [];
  for (const e of entries) {
    if (e.seq % every === 0 || e === entries.at(-1)) {
      const cp = await signCheckpoint(key, { seq: e.seq, headHash: e.hash, time: e.time });
      out.push({ seq: cp.seq, jws: cp.jws });
    }
  }
  return out;
}
