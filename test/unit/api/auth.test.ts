/** Token verification (jose): local EdDSA issuer, pinned algorithms, claims, RPPS from a PSC claim. */
import { generateKeyPairSync } from "node:crypto";
import { SignJWT, UnsecuredJWT } from "jose";
import { describe, expect, it } from "vitest";
import {
  LOCAL_AUDIENCE,
  LOCAL_ISSUER,
  TokenVerifier,
  issueLocalToken,
  parseTtl,
  rppsFromClaim,
} from "../../../src/api/index.ts";
import { fixedClock } from "../../../src/core/index.ts";

const privateKey = generateKeyPairSync("ed25519").privateKey;
const { createPublicKey } = await import("node:crypto");
const key = { privateKey, publicKey: createPublicKey(privateKey) };
const clock = fixedClock("2026-03-01T10:00:00Z");
const verifier = new TokenVerifier(key, undefined, clock);
const code = async (p: Promise<unknown>): Promise<string> =>
  p.then(
    () => "ok",
    (e: unknown) => (e as { code: string }).code,
  );

describe("local tokens", () => {
  it("round-trip role and RPPS", async () => {
    const t = await issueLocalToken(key, { role: "sender", rpps: "99900001019", ttlSeconds: 3600 }, clock);
    expect(await verifier.verify(t)).toEqual({
      issuer: "local",
      subject: "rpps:99900001019",
      role: "sender",
      rpps: "99900001019",
    });
  });

  it("expire with the injected clock", async () => {
    const t = await issueLocalToken(key, { role: "auditor", ttlSeconds: 60 }, clock);
    expect(await code(verifier.verify(t))).toBe("ok");
    const later = new TokenVerifier(key, undefined, fixedClock("2026-03-01T10:05:00Z"));
    expect(await code(later.verify(t))).toBe("UNAUTHENTICATED");
  });

  it("refuse alg none, another key, a wrong audience, a missing role, a non-JWT", async () => {
    const now = Math.floor(clock.now().getTime() / 1000);
    const none = new UnsecuredJWT({ role: "coordinator" })
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setSubject("x")
      .setExpirationTime(now + 60)
      .encode();
    expect(await code(verifier.verify(none))).toBe("UNAUTHENTICATED");
    const signed = (claims: Record<string, unknown>, aud: string, k = privateKey) =>
      new SignJWT(claims)
        .setProtectedHeader({ alg: "EdDSA" })
        .setIssuer(LOCAL_ISSUER)
        .setAudience(aud)
        .setSubject("x")
        .setExpirationTime(now + 60)
        .sign(k);
    expect(
      await code(
        verifier.verify(
          await signed({ role: "sender" }, LOCAL_AUDIENCE, generateKeyPairSync("ed25519").privateKey),
        ),
      ),
    ).toBe("UNAUTHENTICATED");
    expect(await code(verifier.verify(await signed({ role: "sender" }, "elsewhere")))).toBe(
      "UNAUTHENTICATED",
    );
    expect(await code(verifier.verify(await signed({}, LOCAL_AUDIENCE)))).toBe("UNAUTHENTICATED");
    expect(await code(verifier.verify(await signed({ role: "admin" }, LOCAL_AUDIENCE)))).toBe(
      "UNAUTHENTICATED",
    );
    expect(await code(verifier.verify(await signed({ role: "sender", rpps: "12" }, LOCAL_AUDIENCE)))).toBe(
      "UNAUTHENTICATED",
    );
    expect(await code(verifier.verify("garbage"))).toBe("UNAUTHENTICATED");
  });

  it("refuse an OIDC issuer when none is configured", async () => {
    const t = await new SignJWT({})
      .setProtectedHeader({ alg: "EdDSA" })
      .setIssuer("https://auth.esante.gouv.fr")
      .setSubject("x")
      .setExpirationTime("1h")
      .sign(privateKey);
    expect(await code(verifier.verify(t))).toBe("UNAUTHENTICATED");
  });
});

describe("claims and options", () => {
  it("reads an RPPS from PSC's national id (8 + RPPS) or a bare RPPS", () => {
    expect(rppsFromClaim("899900001019")).toBe("99900001019");
    expect(rppsFromClaim("99900001019")).toBe("99900001019");
    expect(rppsFromClaim("1234")).toBeUndefined();
    expect(rppsFromClaim(99900001019)).toBeUndefined();
  });

  it("parses token lifetimes", () => {
    expect(parseTtl("8h")).toBe(28_800);
    expect(parseTtl("30m")).toBe(1800);
    expect(parseTtl("2d")).toBe(172_800);
    expect(parseTtl("31d")).toBeUndefined();
    expect(parseTtl("0s")).toBeUndefined();
    expect(parseTtl("8 hours")).toBeUndefined();
  });
});
