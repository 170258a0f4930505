/**
 * Demo logins of the web app (src/web/demo.ts): one per demo member and directory role, each
 * token accepted by the API's verifier with that role and RPPS, and expiring after 8 hours; a
 * member removed from the (real, sqlite) directory since start-up gets no token.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TokenVerifier, loadLocalIssuerKey } from "../../../src/api/index.ts";
import type { LocalIssuerKey } from "../../../src/api/index.ts";
import { loadPseudonymKey, openAuditTrail } from "../../../src/audit/index.ts";
import type { AuditTrail } from "../../../src/audit/index.ts";
import { DEMO_MEMBERS, seedDemoCpts } from "../../../src/demo/cpts.ts";
import { DirectoryService } from "../../../src/directory/index.ts";
import type { Database } from "../../../src/storage/index.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { testConfig } from "../../helpers/config.ts";
import { DEMO_TOKEN_TTL_SECONDS, demoWebOptions } from "../../../src/web/demo.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

let dir: { dir: string; cleanup: () => Promise<void> };
let key: LocalIssuerKey;
let db: Database;
let trail: AuditTrail;
let directory: DirectoryService;
const t0 = new Date("2026-12-02T08:00:00Z");
const clockAt = (d: Date) => ({ now: () => d });

beforeAll(async () => {
  dir = await tempDir("passerelle-web-demo-");
  key = await loadLocalIssuerKey(dir.dir);
  const config = testConfig(dir.dir);
  db = await openDatabase(config.database, MIGRATIONS);
  await loadPseudonymKey(dir.dir);
  trail = await openAuditTrail(config, db, clockAt(t0));
  directory = new DirectoryService(db, trail, clockAt(t0));
  await seedDemoCpts(directory, (m) => `@${m.localpart}:localhost`);
});
afterAll(async () => {
  await trail.close();
  await db.close();
  await dir.cleanup();
});

describe("demo web logins", () => {
  it("offers one account per member and role, labelled in French", () => {
    const { demo } = demoWebOptions(DEMO_MEMBERS, key, clockAt(t0), directory.repository);
    const expected = DEMO_MEMBERS.flatMap((m) => m.roles.map((r) => `${m.rpps}/${r}`));
    expect(demo!.accounts.map((a) => `${a.rpps}/${a.role}`)).toEqual(expected);
    const berard = demo!.accounts.find((a) => a.name === "Dr Hélène Bérard")!;
    expect(berard.label).toBe("équipe de sortie · médecin · Médecine gériatrique");
  });

  it("issues local tokens the API accepts with the account's role and RPPS, for 8 hours", async () => {
    const { demo } = demoWebOptions(DEMO_MEMBERS, key, clockAt(t0), directory.repository);
    const account = demo!.accounts.find((a) => a.role === "coordinator")!;
    const token = await demo!.issueToken(account);
    const claims = await new TokenVerifier(key, undefined, clockAt(t0)).verify(token);
    expect(claims).toMatchObject({ issuer: "local", role: "coordinator", rpps: account.rpps });
    const later = new Date(t0.getTime() + (DEMO_TOKEN_TTL_SECONDS + 60) * 1000);
    await expect(new TokenVerifier(key, undefined, clockAt(later)).verify(token)).rejects.toMatchObject({
      code: "UNAUTHENTICATED",
    });
  });

  it("refuses a member removed from the directory since start-up (403), and one who lost the role", async () => {
    const { demo } = demoWebOptions(DEMO_MEMBERS, key, clockAt(t0), directory.repository);
    const gone = DEMO_MEMBERS.find((m) => m.localpart === "ide.bernard")!;
    const account = demo!.accounts.find((a) => a.rpps === gone.rpps)!;
    await expect(demo!.issueToken(account)).resolves.toMatch(/^ey/);
    await directory.removeMember(gone.rpps, "system:test");
    await expect(demo!.issueToken(account)).rejects.toMatchObject({
      code: "FORBIDDEN",
      issues: [{ path: "rpps", rule: "activeMember" }],
    });
    // An account listed with a role the directory does not give that member.
    const other = demo!.accounts.find((a) => a.rpps !== gone.rpps && a.role !== "auditor")!;
    await expect(demo!.issueToken({ ...other, role: "auditor" })).rejects.toMatchObject({
      code: "FORBIDDEN",
    });
  });
});
