import { chmodSync, mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  loadPseudonymKey,
  loadSigningKey,
  patientPseudonym,
  PSEUDONYM_KEY_FILE,
  SIGNING_KEY_FILE,
  signCheckpoint,
  trustedKeys,
  verifyCheckpoint,
} from "../../../src/audit/index.ts";
import { PasserelleError } from "../../../src/core/index.ts";

const dirs: string[] = [];
const tmp = (): string => {
  const d = mkdtempSync(join(tmpdir(), "passerelle-keys-"));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("signing key", () => {
  it("is generated on first start with mode 0600 and reused after", async () => {
    const d = join(tmp(), "data");
    const a = await loadSigningKey(d);
    expect(statSync(join(d, SIGNING_KEY_FILE)).mode & 0o777).toBe(0o600);
    const b = await loadSigningKey(d);
    expect(b.kid).toBe(a.kid);
    expect(a.publicJwk).toMatchObject({ kty: "OKP", crv: "Ed25519", alg: "EdDSA", kid: a.kid });
    expect(a.publicJwk).not.toHaveProperty("d");
  });

  it("is the same for instances starting together", async () => {
    const d = tmp();
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadSigningKey(d)));
    expect(new Set(keys.map((k) => k.kid)).size).toBe(1);
  });

  it("is refused when others can read it", async () => {
    const d = tmp();
    await loadSigningKey(d);
    chmodSync(join(d, SIGNING_KEY_FILE), 0o644);
    await expect(loadSigningKey(d)).rejects.toMatchObject({ code: "BAD_KEYSTORE" });
  });

  it("signs checkpoints that verify with its public JWK only", async () => {
    const k = await loadSigningKey(tmp());
    const other = await loadSigningKey(tmp());
    const cp = await signCheckpoint(k, {
      seq: 3,
      headHash: "a".repeat(64),
      time: "2026-01-01T00:00:00.000Z",
    });
    expect(await verifyCheckpoint(cp.jws, trustedKeys([k.publicJwk]), 0)).toMatchObject({
      ok: true,
      checkpoint: { seq: 3 },
    });
    const foreign = new Map([[k.kid, other.publicJwk]]);
    expect(await verifyCheckpoint(cp.jws, foreign, 0)).toMatchObject({
      ok: false,
      problem: "checkpoint-signature-invalid",
    });
    expect(await verifyCheckpoint("garbage", foreign, 9)).toMatchObject({ ok: false, seq: 9 });
  });
});

describe("patient pseudonym", () => {
  const INS = "269054958815780";
  it("is a keyed hash: stable per key, different across keys, never the INS", async () => {
    const d = tmp();
    const k = await loadPseudonymKey(d);
    expect(statSync(join(d, PSEUDONYM_KEY_FILE)).mode & 0o777).toBe(0o600);
    const p = patientPseudonym(INS, k);
    expect(p).toMatch(/^[0-9a-f]{64}$/);
    expect(patientPseudonym("2 69 05 49 588 157 80", k)).toBe(p);
    expect(patientPseudonym(INS, await loadPseudonymKey(tmp()))).not.toBe(p);
    expect(p).not.toContain(INS);
  });

  it("refuses a malformed INS without echoing it", () => {
    try {
      patientPseudonym("1234", Buffer.alloc(32));
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PasserelleError);
      expect((e as PasserelleError).issues[0]?.path).toBe("ins");
      expect(JSON.stringify(e)).not.toContain("1234");
    }
  });
});
