/**
 * Bearer-token verification with jose (RFC 7519 / RFC 8725 best practices): the issuer is read
 * first (unverified) only to pick the key — the configured OIDC issuer's JWKS (Pro Santé Connect
 * style, `RS256`/`ES256` only) or the local issuer's Ed25519 key (`EdDSA` only). Algorithms are
 * pinned per issuer, so `alg: none` and HS/RS confusion fail; `iss`, `aud` and `exp` are checked
 * against the injectable clock. Every failure is `UNAUTHENTICATED`, without the token's content.
 */
import type { JWTPayload } from "jose";
import { createRemoteJWKSet, decodeJwt, jwtVerify } from "jose";
import type { OidcConfig } from "../config/index.ts";
import type { Clock } from "../core/index.ts";
import { PasserelleError } from "../core/index.ts";
import type { Role } from "../directory/index.ts";
import { ROLES } from "../directory/index.ts";
import type { LocalIssuerKey } from "./local-issuer.ts";
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from "./local-issuer.ts";

/** What a valid token says about its bearer (roles are decided later, from the directory). */
export interface TokenClaims {
  readonly issuer: "local" | "oidc";
  readonly subject: string;
  /** 11-digit RPPS, when the bearer is a practitioner. */
  readonly rpps?: string;
  /** Local tokens: the role asked for at issue time. */
  readonly role?: Role;
}

export const OIDC_ALGORITHMS = ["RS256", "ES256"];
export const LOCAL_ALGORITHMS = ["EdDSA"];

const unauthenticated = (why: string, cause?: unknown): PasserelleError =>
  new PasserelleError("UNAUTHENTICATED", why, {
    issues: [
      {
        path: "authorization",
        rule: "bearer",
        message: { en: why, fr: "jeton absent, invalide ou expiré" },
      },
    ],
    ...(cause === undefined ? {} : { cause }),
  });

/** PSC's national id is `8` + RPPS; a bare 11-digit RPPS is accepted as well. */
export function rppsFromClaim(v: unknown): string | undefined {
  if (typeof v !== "string") return undefined;
  const m = /^8?(\d{11})$/.exec(v.trim());
  return m?.[1];
}

export class TokenVerifier {
  readonly #local: LocalIssuerKey;
  readonly #oidc: OidcConfig | undefined;
  readonly #jwks: ReturnType<typeof createRemoteJWKSet> | undefined;
  readonly #clock: Clock;

  constructor(local: LocalIssuerKey, oidc: OidcConfig | undefined, clock: Clock) {
    this.#local = local;
    this.#oidc = oidc;
    this.#jwks = oidc === undefined ? undefined : createRemoteJWKSet(new URL(oidc.jwksUrl));
    this.#clock = clock;
  }

  /** Verifies a compact JWS; throws `UNAUTHENTICATED`. */
  async verify(token: string): Promise<TokenClaims> {
    let iss: string | undefined;
    try {
      iss = decodeJwt(token).iss;
    } catch (e) {
      throw unauthenticated("the bearer token is not a JWT", e);
    }
    const options = { currentDate: this.#clock.now(), requiredClaims: ["exp", "sub"] };
    let payload: JWTPayload;
    try {
      if (iss === LOCAL_ISSUER) {
        ({ payload } = await jwtVerify(token, this.#local.publicKey, {
          ...options,
          issuer: LOCAL_ISSUER,
          audience: LOCAL_AUDIENCE,
          algorithms: LOCAL_ALGORITHMS,
        }));
      } else if (this.#oidc !== undefined && this.#jwks !== undefined && iss === this.#oidc.issuer) {
        ({ payload } = await jwtVerify(token, this.#jwks, {
          ...options,
          issuer: this.#oidc.issuer,
          audience: this.#oidc.audience,
          algorithms: OIDC_ALGORITHMS,
        }));
      } else {
        throw unauthenticated("the token's issuer is not trusted");
      }
    } catch (e) {
      if (e instanceof PasserelleError) throw e;
      const code = typeof e === "object" && e !== null && "code" in e ? String(e.code) : "invalid";
      throw unauthenticated(`the bearer token was refused (${code})`, e);
    }
    const subject = payload.sub ?? "";
    if (iss === LOCAL_ISSUER) {
      const role = ROLES.find((r) => r === payload.role);
      const rpps = payload.rpps === undefined ? undefined : rppsFromClaim(payload.rpps);
      if (role === undefined) throw unauthenticated("the local token has no valid role");
      if (payload.rpps !== undefined && rpps === undefined)
        throw unauthenticated("the local token's rpps is malformed");
      return { issuer: "local", subject, role, ...(rpps === undefined ? {} : { rpps }) };
    }
    const rpps = rppsFromClaim(payload[this.#oidc?.rppsClaim ?? ""]);
    if (rpps === undefined) throw unauthenticated("the token carries no RPPS");
    return { issuer: "oidc", subject, rpps };
  }
}
