/**
 * The local token issuer, for service accounts and the demo (`passerelle token issue`): an
 * Ed25519 key in the data directory (`api-token-key.pem`, mode 0600, created on first use, never
 * in git) signing EdDSA JWTs (RFC 8037) with `iss` {@link LOCAL_ISSUER} and `aud`
 * {@link LOCAL_AUDIENCE}. Practitioners log in through the configured OIDC issuer instead.
 */
import { createPublicKey, randomUUID } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { SignJWT } from "jose";
import { loadOrCreateEd25519Key } from "../audit/index.ts";
import { DATA_FILES, dataPaths } from "../config/index.ts";
import type { Clock } from "../core/index.ts";
import { systemClock } from "../core/index.ts";
import type { Role } from "../directory/index.ts";

export const LOCAL_ISSUER = "urn:passerelle:local";
export const LOCAL_AUDIENCE = "urn:passerelle:api";
export const TOKEN_KEY_FILE = DATA_FILES.apiTokenKey;

export interface LocalIssuerKey {
  readonly privateKey: KeyObject;
  readonly publicKey: KeyObject;
}

/** Loads (or creates) the local issuer's key; refused if readable by others (`BAD_KEYSTORE`). */
export async function loadLocalIssuerKey(dataDir: string): Promise<LocalIssuerKey> {
  const privateKey = await loadOrCreateEd25519Key(dataPaths(dataDir).apiTokenKey, TOKEN_KEY_FILE);
  return { privateKey, publicKey: createPublicKey(privateKey) };
}

export interface IssueTokenInput {
  readonly role: Role;
  readonly rpps?: string;
  /** Lifetime in seconds. */
  readonly ttlSeconds: number;
  /** `sub`; default `rpps:<RPPS>` or `service:<role>`. */
  readonly subject?: string;
}

/** Signs a local JWT: `sub`, `role`, optional `rpps`, `iat`, `exp`, `jti`. */
export function issueLocalToken(
  key: LocalIssuerKey,
  input: IssueTokenInput,
  clock: Clock = systemClock,
): Promise<string> {
  const now = Math.floor(clock.now().getTime() / 1000);
  return new SignJWT({ role: input.role, ...(input.rpps === undefined ? {} : { rpps: input.rpps }) })
    .setProtectedHeader({ alg: "EdDSA", typ: "JWT" })
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setSubject(input.subject ?? (input.rpps === undefined ? `service:${input.role}` : `rpps:${input.rpps}`))
    .setIssuedAt(now)
    .setExpirationTime(now + input.ttlSeconds)
    .setJti(randomUUID())
    .sign(key.privateKey);
}

/** `8h`, `30m`, `3600s`, `2d` → seconds (1 s to 30 days). */
export function parseTtl(ttl: string): number | undefined {
  const m = /^(\d{1,7})([smhd])$/.exec(ttl.trim());
  if (m?.[1] === undefined || m[2] === undefined) return undefined;
  const seconds = Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[m[2] as "s" | "m" | "h" | "d"];
  return seconds >= 1 && seconds <= 30 * 86400 ? seconds : undefined;
}
