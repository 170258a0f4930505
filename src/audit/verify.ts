import type { importJWK, JWK } from "jose";
import { entryHash, GENESIS_HASH } from "./canonical.ts";
import type { Checkpoint, TrustedKeys } from "./checkpoint.ts";
import { claimedSeq, verifyCheckpoint } from "./checkpoint.ts";
import { diagnose } from "./diagnose.ts";
import type { AuditEntry } from "./vocabulary.ts";

/** Why verification failed, at the first bad sequence number. */
export type FailureReason =
  | "modified"
  | "deleted"
  | "reordered"
  | "inserted"
  | "rewritten"
  | "checkpoint-signature-invalid"
  | "checkpoint-unknown-key"
  | "malformed";

export interface VerifyFailure {
  readonly seq: number;
  readonly reason: FailureReason;
  readonly detail: string;
  /** Line of an export file, when verifying one. */
  readonly line?: number;
}

export interface VerifyReport {
  readonly ok: boolean;
  readonly entries: number;
  readonly firstSeq: number | null;
  readonly lastSeq: number;
  readonly headHash: string;
  readonly checkpoints: number;
  readonly lastCheckpointSeq: number;
  /** Entries after the last signed checkpoint: chained, but not yet covered by a signature. */
  readonly unsignedTail: number;
  readonly failure?: VerifyFailure;
}

/** What to verify: entries in stored order (paged), checkpoints, and the keys to trust. */
export interface ChainSource {
  /** The entry before the first one: seq 0 and the genesis hash, or a signed checkpoint (exports). */
  readonly anchor: { readonly seq: number; readonly hash: string };
  readonly pages: AsyncIterable<readonly AuditEntry[]> | Iterable<readonly AuditEntry[]>;
  readonly checkpoints: readonly { readonly jws: string; readonly seq: number }[];
  readonly keys: TrustedKeys;
  /** Every entry in stored order; called only to explain a failure. */
  readonly loadAll: () => Promise<readonly AuditEntry[]>;
  /** The head the store claims (head row), to catch a truncated tail. */
  readonly claimedHead?: { readonly seq: number; readonly hash: string };
  /** Exports: the last entry must be covered by a signed checkpoint. */
  readonly requireClosingCheckpoint?: boolean;
  /** Line number of an entry in a file (for reports). */
  readonly lineOf?: (seq: number) => number | undefined;
}

/**
 * Walks the chain and the checkpoints (ANS "Traçabilité des événements": integrity of the trace)
 * and reports the first bad sequence number. The fast path recomputes every hash in one pass;
 * only a failure pays for {@link diagnose}, which tells modified, deleted, reordered and
 * inserted apart. Among chain and checkpoint problems, the lowest sequence number is reported.
 */
export async function verifyChain(src: ChainSource): Promise<VerifyReport> {
  const failures: VerifyFailure[] = [];
  // Signatures are checked on the crypto thread pool while this thread walks the chain.
  const imported = new Map<string, ReturnType<typeof importJWK>>();
  const checks = Promise.all(src.checkpoints.map((c) => verifyCheckpoint(c.jws, src.keys, c.seq, imported)));
  const wanted = [...new Set(src.checkpoints.map((c) => claimedSeq(c.jws) ?? c.seq))].sort((a, b) => a - b);
  const hashAt = new Map<number, string>([[src.anchor.seq, src.anchor.hash]]);

  let expected = src.anchor.seq + 1;
  let prev = src.anchor.hash;
  let count = 0;
  let firstSeq: number | null = null;
  let wi = 0;
  while ((wanted[wi] ?? Infinity) < expected) wi++;
  let chainFailure: VerifyFailure | undefined;

  outer: for await (const page of src.pages) {
    for (const e of page) {
      firstSeq ??= e.seq;
      if (e.seq !== expected || e.prevHash !== prev || entryHash(e) !== e.hash) {
        chainFailure = diagnose(await src.loadAll(), count, expected, prev);
        break outer;
      }
      if (wanted[wi] === e.seq) {
        hashAt.set(e.seq, e.hash);
        wi++;
      }
      prev = e.hash;
      expected++;
      count++;
    }
  }

  const valid: Checkpoint[] = [];
  for (const r of await checks) {
    if (r.ok) valid.push(r.checkpoint);
    else failures.push({ seq: r.seq, reason: r.problem, detail: r.detail });
  }
  valid.sort((a, b) => a.seq - b.seq);
  if (src.anchor.seq > 0 && !valid.some((c) => c.seq === src.anchor.seq && c.headHash === src.anchor.hash)) {
    failures.push({
      seq: src.anchor.seq + 1,
      reason: "deleted",
      detail: `no signed checkpoint anchors the start at seq ${src.anchor.seq}`,
    });
  }
  let lastGoodCp = src.anchor.seq;
  for (const cp of valid) {
    const h = hashAt.get(cp.seq);
    if (cp.seq < src.anchor.seq || h === undefined) continue;
    if (h !== cp.headHash) {
      failures.push({
        seq: lastGoodCp + 1,
        reason: "rewritten",
        detail: `entries ${lastGoodCp + 1}–${cp.seq} were rewritten: they no longer match the checkpoint signed at seq ${cp.seq}`,
      });
      break;
    }
    lastGoodCp = cp.seq;
  }
  const lastSeq = expected - 1;
  if (chainFailure !== undefined) failures.push(chainFailure);
  else {
    const beyond = valid.find((c) => c.seq > lastSeq);
    if (beyond !== undefined) {
      failures.push({
        seq: lastSeq + 1,
        reason: "deleted",
        detail: `the chain ends at seq ${lastSeq} but a checkpoint was signed at seq ${beyond.seq}`,
      });
    }
    const head = src.claimedHead;
    if (head !== undefined && head.seq > lastSeq) {
      failures.push({ seq: lastSeq + 1, reason: "deleted", detail: `the head row records seq ${head.seq}` });
    } else if (head !== undefined && head.seq === lastSeq && head.hash !== prev) {
      failures.push({
        seq: lastSeq,
        reason: "modified",
        detail: "the last entry does not match the head row",
      });
    }
    if (src.requireClosingCheckpoint === true && lastGoodCp !== lastSeq) {
      failures.push({
        seq: lastSeq,
        reason: "deleted",
        detail: `no signed checkpoint closes the export at seq ${lastSeq}`,
      });
    }
  }

  failures.sort((a, b) => a.seq - b.seq);
  const first = failures[0];
  const failure = first === undefined ? undefined : { ...first, ...lineField(src.lineOf?.(first.seq)) };
  return {
    ok: failure === undefined,
    entries: count,
    firstSeq,
    lastSeq,
    headHash: prev,
    checkpoints: valid.length,
    lastCheckpointSeq: lastGoodCp,
    unsignedTail: lastSeq - lastGoodCp,
    ...(failure === undefined ? {} : { failure }),
  };
}

const lineField = (line: number | undefined): { line?: number } => (line === undefined ? {} : { line });

/** The genesis anchor of a full chain. */
export const GENESIS_ANCHOR = { seq: 0, hash: GENESIS_HASH } as const;

/** Trusted keys from a list of public JWKs (their `kid` is the RFC 7638 thumbprint). */
export function trustedKeys(jwks: readonly JWK[]): TrustedKeys {
  const m = new Map<string, JWK>();
  for (const k of jwks) if (typeof k.kid === "string") m.set(k.kid, k);
  return m;
}
