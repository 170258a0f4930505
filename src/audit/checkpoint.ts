import { CompactSign, compactVerify, decodeProtectedHeader, importJWK } from "jose";
import type { JWK } from "jose";
import type { SigningKey } from "./keys.ts";

/** What a checkpoint signs: the chain's head at one moment. */
export interface CheckpointPayload {
  readonly seq: number;
  readonly headHash: string;
  readonly time: string;
}

/** A stored checkpoint: the JWS is the proof; the other fields are copies for queries. */
export interface Checkpoint extends CheckpointPayload {
  readonly kid: string;
  readonly jws: string;
}

/** JWS `typ` of checkpoints. */
export const CHECKPOINT_TYP = "passerelle-audit-checkpoint";

/** Signs `{seq, headHash, time}` as a compact JWS (EdDSA / Ed25519, `kid` = key thumbprint). */
export async function signCheckpoint(key: SigningKey, payload: CheckpointPayload): Promise<Checkpoint> {
  const body = { seq: payload.seq, headHash: payload.headHash, time: payload.time };
  const jws = await new CompactSign(new TextEncoder().encode(JSON.stringify(body)))
    .setProtectedHeader({ alg: "EdDSA", kid: key.kid, typ: CHECKPOINT_TYP })
    .sign(key.privateKey);
  return { ...body, kid: key.kid, jws };
}

/** Why a checkpoint is not trusted. */
export type CheckpointProblem = "checkpoint-signature-invalid" | "checkpoint-unknown-key";

export type CheckpointCheck =
  | { readonly ok: true; readonly checkpoint: Checkpoint }
  | {
      readonly ok: false;
      readonly problem: CheckpointProblem;
      readonly seq: number;
      readonly detail: string;
    };

/** Public keys by kid; built from the export header, the `audit_keys` table or a pinned key file. */
export type TrustedKeys = ReadonlyMap<string, JWK>;

/**
 * Verifies one checkpoint JWS against the trusted keys and returns its payload. `fallbackSeq`
 * (the stored column) locates a checkpoint whose payload cannot even be decoded; `imported`
 * caches imported keys across calls.
 */
export async function verifyCheckpoint(
  jws: string,
  keys: TrustedKeys,
  fallbackSeq: number,
  imported: Map<string, ReturnType<typeof importJWK>> = new Map(),
): Promise<CheckpointCheck> {
  const unverified = peekPayload(jws);
  const seq = unverified?.seq ?? fallbackSeq;
  let kid: string | undefined;
  try {
    kid = decodeProtectedHeader(jws).kid;
  } catch {
    return { ok: false, problem: "checkpoint-signature-invalid", seq, detail: "not a compact JWS" };
  }
  const jwk = kid === undefined ? undefined : keys.get(kid);
  if (kid === undefined || jwk === undefined) {
    return {
      ok: false,
      problem: "checkpoint-unknown-key",
      seq,
      detail: "signed by a key that is not trusted",
    };
  }
  try {
    let pending = imported.get(kid);
    if (pending === undefined) imported.set(kid, (pending = importJWK(jwk, "EdDSA")));
    const key = await pending;
    const { payload, protectedHeader } = await compactVerify(jws, key, { algorithms: ["EdDSA"] });
    const p = parsePayload(new TextDecoder().decode(payload));
    if (p === undefined || protectedHeader.typ !== CHECKPOINT_TYP) {
      return {
        ok: false,
        problem: "checkpoint-signature-invalid",
        seq,
        detail: "payload is not a checkpoint",
      };
    }
    return { ok: true, checkpoint: { ...p, kid, jws } };
  } catch {
    return { ok: false, problem: "checkpoint-signature-invalid", seq, detail: "signature does not verify" };
  }
}

/** The seq a checkpoint claims, read without verifying it (to know where to look). */
export function claimedSeq(jws: string): number | undefined {
  return peekPayload(jws)?.seq;
}

function peekPayload(jws: string): CheckpointPayload | undefined {
  const part = jws.split(".")[1];
  if (part === undefined) return undefined;
  try {
    return parsePayload(Buffer.from(part, "base64url").toString("utf8"));
  } catch {
    return undefined;
  }
}

function parsePayload(text: string): CheckpointPayload | undefined {
  const v: unknown = JSON.parse(text);
  if (typeof v !== "object" || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const { seq, headHash, time } = o;
  if (typeof seq !== "number" || !Number.isSafeInteger(seq) || seq < 0) return undefined;
  if (typeof headHash !== "string" || !/^[0-9a-f]{64}$/.test(headHash)) return undefined;
  if (typeof time !== "string") return undefined;
  return { seq, headHash, time };
}
