/**
 * A real OIDC issuer's JWKS endpoint for the API tests (Pro Santé Connect style): RS256 and ES256
 * keys published over HTTP on 127.0.0.1, and a signer for tokens with its `iss`.
 */
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { CryptoKey, JWTPayload } from "jose";
import { SignJWT, exportJWK, generateKeyPair } from "jose";

export const OIDC_ISSUER = "https://auth.esante.example/realms/psc-test";
export const OIDC_AUDIENCE = "passerelle-test";

export interface OidcIssuer {
  readonly jwksUrl: string;
  readonly env: Record<string, string>;
  /** Public key PEM of the RS256 key (for the HS/RS confusion attack). */
  readonly rsaPublicPem: string;
  sign(
    alg: "RS256" | "ES256",
    claims: JWTPayload,
    options?: { expiresIn?: string | number },
  ): Promise<string>;
  close(): Promise<void>;
}

export async function startOidcIssuer(): Promise<OidcIssuer> {
  const rsa = await generateKeyPair("RS256", { extractable: true });
  const ec = await generateKeyPair("ES256", { extractable: true });
  const keys = [
    { ...(await exportJWK(rsa.publicKey)), kid: "rsa-1", alg: "RS256", use: "sig" },
    { ...(await exportJWK(ec.publicKey)), kid: "ec-1", alg: "ES256", use: "sig" },
  ];
  const server: Server = createServer((req, res) => {
    if (req.url === "/jwks") {
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ keys }));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const jwksUrl = `http://127.0.0.1:${String((server.address() as AddressInfo).port)}/jwks`;
  const { createPublicKey } = await import("node:crypto");
  const rsaPublicPem = createPublicKey({ key: await exportJWK(rsa.publicKey), format: "jwk" })
    .export({ format: "pem", type: "spki" })
    .toString();
  const keyOf = (alg: "RS256" | "ES256"): { key: CryptoKey; kid: string } =>
    alg === "RS256" ? { key: rsa.privateKey, kid: "rsa-1" } : { key: ec.privateKey, kid: "ec-1" };
  return {
    jwksUrl,
    env: {
      PASSERELLE_OIDC_ISSUER: OIDC_ISSUER,
      PASSERELLE_OIDC_JWKS_URL: jwksUrl,
      PASSERELLE_OIDC_AUDIENCE: OIDC_AUDIENCE,
    },
    rsaPublicPem,
    sign: (alg, claims, options = {}) => {
      const { key, kid } = keyOf(alg);
      return new SignJWT({ iss: OIDC_ISSUER, aud: OIDC_AUDIENCE, sub: "psc-user", ...claims })
        .setProtectedHeader({ alg, kid, typ: "JWT" })
        .setIssuedAt()
        .setExpirationTime(options.expiresIn ?? "10m")
        .sign(key);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
      }),
  };
}
