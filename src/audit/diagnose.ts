import { entryHash } from "./canonical.ts";
import type { VerifyFailure } from "./verify.ts";
import type { AuditEntry } from "./vocabulary.ts";

/** How far (in sequence numbers) a moved entry is looked for. */
const WINDOW = 64;

/**
 * Explains the first failing entry of a chain. `rows` are all entries in stored order, `p` the
 * position of the failing one, `expected` the seq it should have and `prev` the last good hash.
 *
 * Every entry's hash covers its own seq, so an entry's *original* seq is the one that reproduces
 * its stored hash (searched within ±64). Then:
 * - seq jumps forward: entries are missing — `reordered` if the missing successor still exists
 *   further on, else `deleted`;
 * - seq goes back (a duplicate, in a file): `inserted`;
 * - the content does not hash to its stored hash: if it hashes under a later seq, the entry moved
 *   up (`reordered` when its displaced predecessor is still found later, else `deleted` with
 *   renumbering); under an earlier seq, entries were `inserted` before it; if it matches no seq
 *   but the next entry belongs here, this one was `inserted`; otherwise it was `modified`;
 * - the content is intact but does not link to its predecessor: the predecessor was modified and
 *   re-hashed (`modified` at seq − 1), or the link points further back (`inserted`) or forward
 *   (`reordered`).
 */
export function diagnose(
  rows: readonly AuditEntry[],
  p: number,
  expected: number,
  prev: string,
): VerifyFailure {
  const r = rows[p];
  if (r === undefined) return { seq: expected, reason: "deleted", detail: "entry missing" };
  const successorPos = rows.findIndex((x, i) => i > p && x.prevHash === prev);
  if (r.seq > expected) {
    return successorPos > p
      ? { seq: expected, reason: "reordered", detail: `seq ${expected} appears after seq ${r.seq}` }
      : {
          seq: expected,
          reason: "deleted",
          detail:
            r.seq - expected === 1
              ? `seq ${expected} is missing`
              : `seq ${expected}–${r.seq - 1} are missing`,
        };
  }
  if (r.seq < expected) {
    return { seq: r.seq, reason: "inserted", detail: `seq ${r.seq} appears twice` };
  }
  if (entryHash(r) !== r.hash) {
    const original = originalSeq(r);
    if (original !== undefined && original > r.seq) {
      return successorPos > p
        ? {
            seq: r.seq,
            reason: "reordered",
            detail: `the entry at seq ${r.seq} was written as seq ${original}`,
          }
        : {
            seq: r.seq,
            reason: "deleted",
            detail: `entries were deleted and the rest renumbered (seq ${original} is now ${r.seq})`,
          };
    }
    if (original !== undefined && original < r.seq) {
      return { seq: original, reason: "inserted", detail: `entries were inserted before seq ${original}` };
    }
    const next = rows[p + 1];
    if (next?.prevHash === prev && entryHash({ ...next, seq: r.seq }) === next.hash) {
      return { seq: r.seq, reason: "inserted", detail: `seq ${r.seq} is not part of the chain` };
    }
    return { seq: r.seq, reason: "modified", detail: `seq ${r.seq} does not match its hash` };
  }
  // Content intact, link broken.
  const target = rows.findIndex((x) => x.hash === r.prevHash);
  if (target > p) {
    return { seq: r.seq, reason: "reordered", detail: `seq ${r.seq} links to an entry stored after it` };
  }
  const linked = rows[target];
  if (linked !== undefined && linked.seq < expected - 1) {
    const from = linked.seq + 1;
    return { seq: from, reason: "inserted", detail: `seq ${from}–${expected - 1} are not part of the chain` };
  }
  if (p > 0) {
    return {
      seq: expected - 1,
      reason: "modified",
      detail: `seq ${expected - 1} was altered and re-hashed: seq ${r.seq} no longer links to it`,
    };
  }
  return { seq: r.seq, reason: "modified", detail: `seq ${r.seq} does not link to the anchor` };
}

function originalSeq(r: AuditEntry): number | undefined {
  for (let d = 1; d <= WINDOW; d++) {
    for (const s of [r.seq + d, r.seq - d]) {
      if (s >= 1 && entryHash({ ...r, seq: s }) === r.hash) return s;
    }
  }
  return undefined;
}
