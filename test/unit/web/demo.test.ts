/**
 * Demo logins of the web app (src/web/demo.ts): one per demo member and directory role, each
 * token accepted by the API's verifier with that role and RPPS, and expiring after 8 hours.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenVerifier, loadLocalIssuerKey } from "../../../src/api/index.ts";
import type { LocalIssuerKey } from "../../../src/api/index.ts";
import { DEMO_MEMBERS } from "../../../src/demo/cpts.ts";
import { DEMO_TOKEN_TTL_SECONDS, demoWebOptions } from "../../../src/web/demo.ts";
import { tempDir } from "../../helpers/tmp.ts";

let dir: { dir: string; cleanup: () => Promise<void> };
let key: LocalIssuerKey;
const t0 = new Date("2026-12-02T08:00:00Z");
const clockAt = (d: Date) => ({ now: () => d });

beforeAll(async () => {
  dir = await tempDir("passerelle-web-demo-");
  key = await loadLocalIssuerKey(dir.dir);
});
afterAll(() => dir.cleanup());

describe("demo web logins", () => {
  it("offers one account per member and role, labelled in French", () => {
    const { demo } = demoWebOptions(DEMO_MEMBERS, key, clockAt(t0));
    const expected = DEMO_MEMBERS.flatMap((m) => m.roles.map((r) => `${m.rpps}/${r}`));
    expect(demo!.accounts.map((a) => `${a.rpps}/${a.role}`)).toEqual(expected);
    const berard = demo!.accounts.find((a) => a.name === "Dr Hélène Bérard")!;
    expect(berard.label).toBe("équipe de sortie · médecin · Médecine gériatrique");
  });

  it("issues local tokens the API accepts with the account's role and RPPS, for 8 hours", async () => {
    const { demo } = demoWebOptions(DEMO_MEMBERS, key, clockAt(t0));
    const account = demo!.accounts.find((a) => a.role === "coordinator")!;
    const token = await demo!.issueToken(account);
    const claims = await new TokenVerifier(key, undefined, clockAt(t0)).verify(token);
    expect(claims).toMatchObject({ issuer: "local", role: "coordinator", rpps: account.rpps });
    const later = new Date(t0.getTime() + (DEMO_TOKEN_TTL_SECONDS + 60) * 1000);
    await expect(new TokenVerifier(key, undefined, clockAt(later)).verify(token)).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });
});
