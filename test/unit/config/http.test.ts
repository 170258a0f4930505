/** HTTP and OIDC configuration: defaults, and errors naming the key without its value. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.ts";

const issues = (env: Record<string, string>): string[] => {
  try {
    loadConfig(env, "/tmp");
  } catch (e) {
    return (e as { issues: { path: string }[] }).issues.map((i) => i.path);
  }
  return [];
};

describe("HTTP configuration", () => {
  it("defaults to 127.0.0.1:8080, 600 requests per minute, no OIDC issuer", () => {
    expect(loadConfig({}, "/tmp").http).toEqual({
      host: "127.0.0.1",
      port: 8080,
      rateLimitPerMinute: 600,
      oidc: undefined,
    });
  });

  it("reads the OIDC issuer, its JWKS, the audience and the RPPS claim", () => {
    const c = loadConfig(
      {
        PASSERELLE_HTTP_PORT: "0",
        PASSERELLE_OIDC_ISSUER: "https://auth.esante.gouv.fr/auth/realms/esante-wallet",
        PASSERELLE_OIDC_JWKS_URL: "https://auth.esante.gouv.fr/jwks",
        PASSERELLE_OIDC_AUDIENCE: "passerelle",
        PASSERELLE_OIDC_RPPS_CLAIM: "preferred_username",
      },
      "/tmp",
    );
    expect(c.http.port).toBe(0);
    expect(c.http.oidc).toMatchObject({ audience: "passerelle", rppsClaim: "preferred_username" });
  });

  it("names bad keys: a port out of range, an incomplete issuer, a JWKS URL that is not http(s)", () => {
    expect(issues({ PASSERELLE_HTTP_PORT: "70000" })).toEqual(["PASSERELLE_HTTP_PORT"]);
    expect(issues({ PASSERELLE_HTTP_RATE_LIMIT: "-1" })).toEqual(["PASSERELLE_HTTP_RATE_LIMIT"]);
    expect(issues({ PASSERELLE_OIDC_ISSUER: "https://x" })).toEqual([
      "PASSERELLE_OIDC_JWKS_URL",
      "PASSERELLE_OIDC_AUDIENCE",
    ]);
    expect(
      issues({
        PASSERELLE_OIDC_ISSUER: "https://x",
        PASSERELLE_OIDC_JWKS_URL: "file:///etc/passwd",
        PASSERELLE_OIDC_AUDIENCE: "a",
      }),
    ).toEqual(["PASSERELLE_OIDC_JWKS_URL"]);
  });
});
