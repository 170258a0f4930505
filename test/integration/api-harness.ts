/**
 * The HTTP API on a real port over the transfer fixture (sqlite, audit trail, dev signer, forms),
 * without Matrix: enough for routes that create, read and export transfers, the fuzz run and the
 * API benchmark. A small demo CPTS: a hospital with a unit, a sender in it, two recipients, a
 * specialist, a coordinator and an auditor; `token(name)` issues a local JWT for one of them.
 */
import type { Role } from "../../src/directory/index.ts";
import { addStructure, DirectoryService } from "../../src/directory/index.ts";
import type { ApiLog, HttpServer } from "../../src/api/index.ts";
import {
  TokenVerifier,
  createHttpApp,
  issueLocalToken,
  listen,
  loadLocalIssuerKey,
} from "../../src/api/index.ts";
import type { Clock } from "../../src/core/index.ts";
import { systemClock } from "../../src/core/index.ts";
import { createTransfer, transferStatus } from "../../src/transfers/index.ts";
import { openFixture, rppsOf, type TransferFixture } from "./transfers/fixture.ts";

export const HARNESS_MEMBERS = {
  sender: { n: 101, roles: ["sender"], profession: "10" },
  gp: { n: 102, roles: ["recipient"], profession: "10" },
  nurse: { n: 103, roles: ["recipient"], profession: "60" },
  specialist: { n: 104, roles: ["specialist", "recipient"], profession: "10" },
  coordinator: { n: 105, roles: ["coordinator"], profession: "10" },
  auditor: { n: 106, roles: ["auditor"], profession: "10" },
} as const satisfies Record<string, { n: number; roles: readonly Role[]; profession: string }>;
export type HarnessMember = keyof typeof HARNESS_MEMBERS;

export interface ApiHarness {
  readonly url: string;
  readonly fixture: TransferFixture;
  rpps(m: HarnessMember): string;
  /** A local JWT for a member (its first role unless given), valid for an hour. */
  token(m: HarnessMember, role?: Role): Promise<string>;
  /** A service-account token (no RPPS). */
  serviceToken(role: Role): Promise<string>;
  close(): Promise<void>;
}

export async function startApiHarness(
  dir: string,
  options: { clock?: Clock; rateLimitPerMinute?: number; log?: ApiLog } = {},
): Promise<ApiHarness> {
  const clock = options.clock ?? systemClock;
  const fixture = await openFixture(dir, { clock });
  const { db, trail } = fixture;
  const directory = new DirectoryService(db, trail, clock);
  const hospital = await addStructure(db, { kind: "hospital", name: "CH Test", finess: "750712184" }, clock);
  const unit = await addStructure(db, { kind: "unit", name: "Unité 3B", parentId: hospital.id }, clock);
  for (const [name, m] of Object.entries(HARNESS_MEMBERS)) {
    await directory.addMember(
      {
        rpps: rppsOf(m.n),
        matrixId: `@${name}:test`,
        professionCode: m.profession,
        name: `Docteur ${name} Test`,
        roles: [...m.roles],
        ...(name === "sender" ? { structureId: unit.id } : {}),
      },
      "cli:test",
    );
  }
  const key = await loadLocalIssuerKey(dir);
  const http: HttpServer = await listen(
    createHttpApp(
      {
        db,
        trail,
        clock,
        forms: fixture.deps.forms,
        directory,
        trustedCas: [],
        tokens: new TokenVerifier(key, undefined, clock),
        log: options.log ?? (() => undefined),
        createTransfer: (input) => createTransfer(fixture.deps, input),
        transferStatus: (id) => transferStatus(db.knex, id),
      },
      {
        host: "127.0.0.1",
        port: 0,
        rateLimitPerMinute: options.rateLimitPerMinute ?? 1_000_000,
        oidc: undefined,
      },
    ),
    {
      host: "127.0.0.1",
      port: 0,
      rateLimitPerMinute: options.rateLimitPerMinute ?? 1_000_000,
      oidc: undefined,
    },
  );
  const rpps = (m: HarnessMember): string => rppsOf(HARNESS_MEMBERS[m].n);
  return {
    url: `${http.url}/api/v1`,
    fixture,
    rpps,
    token: (m, role) =>
      issueLocalToken(
        key,
        { role: role ?? HARNESS_MEMBERS[m].roles[0], rpps: rpps(m), ttlSeconds: 3600 },
        clock,
      ),
    serviceToken: (role) => issueLocalToken(key, { role, ttlSeconds: 3600 }, clock),
    async close() {
      await http.close();
      await fixture.close();
    },
  };
}
