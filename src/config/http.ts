import type { FieldIssue } from "../core/index.ts";
import type { RawConfig } from "./config.ts";
import { integerSetting, issue, value } from "./issues.ts";

/**
 * A configured OpenID Connect issuer (Pro Santé Connect style): its `iss`, its JWKS URL, the
 * audience our API expects, and the claim holding the practitioner's RPPS (PSC: `SubjectNameID`,
 * the national id `8` + RPPS).
 */
export interface OidcConfig {
  readonly issuer: string;
  readonly jwksUrl: string;
  readonly audience: string;
  readonly rppsClaim: string;
}

/** The HTTP API (`/api/v1`): where it listens, its limits and who may call it. */
export interface HttpConfig {
  /** `PASSERELLE_HTTP_HOST`, default 127.0.0.1. */
  readonly host: string;
  /** `PASSERELLE_HTTP_PORT`, default 8080; 0 = a free port (tests). */
  readonly port: number;
  /** `PASSERELLE_HTTP_RATE_LIMIT`: requests per minute per token (or per address without one), default 600. */
  readonly rateLimitPerMinute: number;
  /** `PASSERELLE_OIDC_ISSUER`, `_JWKS_URL`, `_AUDIENCE` (all three or none), `_RPPS_CLAIM`. */
  readonly oidc: OidcConfig | undefined;
}

/** An integer from `min` to `max` (up to nine digits), `fallback` when unset. */
const integer = (
  env: RawConfig,
  key: string,
  fallback: number,
  min: number,
  max: number,
  issues: FieldIssue[],
): number =>
  integerSetting(
    env,
    key,
    {
      fallback,
      min,
      max,
      digits: 9,
      rule: "integer",
      en: `must be an integer from ${String(min)} to ${String(max)}`,
      fr: `doit être un entier de ${String(min)} à ${String(max)}`,
    },
    issues,
  );

export function parseHttp(env: RawConfig, issues: FieldIssue[]): HttpConfig {
  const host = value(env.PASSERELLE_HTTP_HOST) ?? "127.0.0.1";
  const port = integer(env, "PASSERELLE_HTTP_PORT", 8080, 0, 65535, issues);
  const rateLimitPerMinute = integer(env, "PASSERELLE_HTTP_RATE_LIMIT", 600, 1, 1_000_000, issues);
  const oidcKeys = [
    "PASSERELLE_OIDC_ISSUER",
    "PASSERELLE_OIDC_JWKS_URL",
    "PASSERELLE_OIDC_AUDIENCE",
  ] as const;
  const [issuer, jwksUrl, audience] = oidcKeys.map((k) => value(env[k]));
  let oidc: OidcConfig | undefined;
  if (issuer !== undefined || jwksUrl !== undefined || audience !== undefined) {
    for (const [k, v] of oidcKeys.map((k, i) => [k, [issuer, jwksUrl, audience][i]] as const)) {
      if (v === undefined) {
        issues.push(
          issue(
            k,
            "required",
            "the OIDC issuer needs all three of ISSUER, JWKS_URL and AUDIENCE",
            "l’émetteur OIDC demande ISSUER, JWKS_URL et AUDIENCE",
          ),
        );
      }
    }
    if (jwksUrl !== undefined && (!/^https?:\/\//.test(jwksUrl) || !URL.canParse(jwksUrl))) {
      issues.push(
        issue("PASSERELLE_OIDC_JWKS_URL", "url", "must be an http(s) URL", "doit être une URL http(s)"),
      );
    }
    oidc = {
      issuer: issuer ?? "",
      jwksUrl: jwksUrl ?? "",
      audience: audience ?? "",
      rppsClaim: value(env.PASSERELLE_OIDC_RPPS_CLAIM) ?? "SubjectNameID",
    };
  }
  return { host, port, rateLimitPerMinute, oidc };
}
