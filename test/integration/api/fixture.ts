/**
 * The HTTP API over real components without a homeserver: sqlite (or DATABASE_URL), the audit
 * trail, the demo CPTS directory, the dev signer, the forms — assembled as src/app.ts does, and
 * listening on a free port. No outbox worker runs, so transfers stay `queued` unless a test moves
 * them with the transfers service functions. The ADT processor runs, so a posted A01 queues its
 * notices. The full service with Synapse: api-app.test.ts.
 */
import type { ApiServices, DocumentServices, HttpServer } from "../../../src/api/index.ts";
import {
  TokenVerifier,
  createHttpApp,
  issueLocalToken,
  listen,
  loadLocalIssuerKey,
} from "../../../src/api/index.ts";
import type { LocalIssuerKey } from "../../../src/api/index.ts";
import { AdtProcessor, receiveAdtJson } from "../../../src/adt/index.ts";
import { CircleService } from "../../../src/circles/index.ts";
import type { PasserelleConfig } from "../../../src/config/index.ts";
import type { Clock } from "../../../src/core/index.ts";
import { systemClock } from "../../../src/core/index.ts";
import { DEMO_MEMBERS, seedDemoCpts } from "../../../src/demo/cpts.ts";
import type { DemoMember } from "../../../src/demo/cpts.ts";
import type { Role } from "../../../src/directory/index.ts";
import { openKernel } from "../../../src/kernel.ts";
import { answerTeleexpertise, createTransfer, transferStatus } from "../../../src/transfers/index.ts";
import { trustPolicy } from "../../../src/trust/index.ts";
import { demoWebOptions, listenWithWeb } from "../../../src/web/index.ts";
import { documentServices } from "../../../src/wiring/index.ts";
import { testConfig } from "../../helpers/config.ts";
import { captureLog, type LogEntry } from "../../helpers/log.ts";

export interface ApiFixture {
  readonly url: string;
  readonly api: string;
  readonly services: ApiServices;
  readonly config: PasserelleConfig;
  readonly tokenKey: LocalIssuerKey;
  readonly logs: LogEntry[];
  /** A local token for a demo member (by Matrix localpart) or a service account (no member). */
  token(who: string | { role: Role }, role?: Role, ttlSeconds?: number): Promise<string>;
  close(): Promise<void>;
}

export const demo = (localpart: string): DemoMember => {
  const m = DEMO_MEMBERS.find((x) => x.localpart === localpart);
  if (m === undefined) throw new Error(`no demo member ${localpart}`);
  return m;
};

export async function openApiFixture(
  dir: string,
  options: {
    env?: Record<string, string>;
    clock?: Clock;
    answers?: boolean;
    /** The documents service (default: the real one, as src/app.ts wires it; `false`: not wired). */
    documents?: DocumentServices | false;
    /** Serve the web app (and its demo logins) in front of the API, as the embedded default does. */
    web?: boolean;
  } = {},
): Promise<ApiFixture> {
  const config = testConfig(dir, options.env ?? {});
  const clock = options.clock ?? systemClock;
  const kernel = await openKernel(config, { clock });
  const { db, trail, directory } = kernel;
  await seedDemoCpts(directory, (m) => `@${m.localpart}:localhost`);
  const signer = await kernel.signer();
  const forms = await kernel.forms();
  const tokenKey = await loadLocalIssuerKey(config.dataDir);
  const { log, entries: logs } = captureLog();
  // The ADT processor runs as in src/app.ts: notices land in the outbox (queued, no worker).
  const trust = trustPolicy(config.trust.allowedServers, undefined, config.trust.structureServers);
  const adtDeps = await kernel.transferDeps(trust);
  const adt = new AdtProcessor(adtDeps, { pollMs: 200 });
  adt.start();
  const services: ApiServices = {
    db,
    trail,
    clock,
    forms,
    directory,
    trustedCas: signer.caPem === undefined ? [] : [signer.caPem],
    tokens: new TokenVerifier(tokenKey, config.http.oidc, clock),
    log: log.child({ module: "http" }),
    createTransfer: (input) => createTransfer(adtDeps, input),
    transferStatus: (id) => transferStatus(db.knex, id),
    receiveAdt: async (input, actor) => {
      const a = await receiveAdtJson(adtDeps, input, actor);
      adt.poke();
      return a;
    },
    circles: new CircleService(adtDeps),
    ...(options.documents === false
      ? {}
      : { documents: options.documents ?? documentServices(await kernel.documentDeps(trust)) }),
    // Tele-expertise answers as src/app.ts wires them (only where a test asks: others check the 409).
    ...(options.answers === true
      ? {
          answerTeleexpertise: (id: string, data: unknown, specialist: { rpps: string }) =>
            answerTeleexpertise(adtDeps, id, data, specialist),
        }
      : {}),
  };
  const api = createHttpApp(services, config.http);
  const server: HttpServer =
    options.web === true
      ? await listenWithWeb(demoWebOptions(DEMO_MEMBERS, tokenKey, clock, directory.repository))(
          api,
          config.http,
        )
      : await listen(api, config.http);
  return {
    url: server.url,
    api: `${server.url}/api/v1`,
    services,
    config,
    tokenKey,
    logs,
    token: (who, role, ttlSeconds = 3600) => {
      if (typeof who !== "string") return issueLocalToken(tokenKey, { role: who.role, ttlSeconds }, clock);
      const m = demo(who);
      const r = role ?? m.roles[0] ?? "sender";
      return issueLocalToken(tokenKey, { role: r, rpps: m.rpps, ttlSeconds }, clock);
    },
    close: async () => {
      await server.close();
      await adt.stop();
      await kernel.close();
    },
  };
}
