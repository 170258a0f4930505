/**
 * Which homeserver the hub uses: the configured one, or — embedded default, no
 * `PASSERELLE_HOMESERVER_URL` — a local Synapse in `<data>/synapse` with the demo CPTS seeded in the
 * directory, its accounts and the web app's demo logins (src/demo). The only production path into
 * src/demo besides the dev-mode signer.
 */
import type { LocalIssuerKey } from "../api/index.ts";
import type { MatrixConfig, PasserelleConfig } from "../config/index.ts";
import type { Clock } from "../core/index.ts";
import { DEMO_PASSWORD, startEmbeddedHomeserver } from "../demo/homeserver.ts";
import { DEMO_MEMBERS, seedDemoCpts } from "../demo/cpts.ts";
import type { DirectoryRepository, DirectoryService } from "../directory/index.ts";
import type { WebOptions } from "../web/index.ts";
import { demoWebOptions } from "../web/index.ts";
import type { Closers } from "./log.ts";

/** How the hub logs in. */
export interface HubLogin {
  readonly homeserverUrl: string;
  readonly userId: string;
  readonly password?: string;
  readonly accessToken?: string;
}

/** A demo account of the embedded default: Matrix id and password, to log in with Element. */
export interface DemoAccount {
  readonly name: string;
  readonly rpps: string;
  readonly userId: string;
  readonly password: string;
}

export interface ResolvedHomeserver {
  readonly login: HubLogin;
  /** Embedded default only (empty otherwise). */
  readonly demoAccounts: readonly DemoAccount[];
  /** The web app's options: demo logins in embedded mode, none otherwise. */
  web(key: LocalIssuerKey, clock: Clock, directory: DirectoryRepository): WebOptions;
}

/** The hub's account on the configured homeserver (`PASSERELLE_HOMESERVER_URL`, …). */
export function externalLogin(m: Extract<MatrixConfig, { mode: "external" }>): HubLogin {
  return {
    homeserverUrl: m.homeserverUrl,
    userId: m.userId,
    ...(m.password === undefined ? {} : { password: m.password }),
    ...(m.accessToken === undefined ? {} : { accessToken: m.accessToken }),
  };
}

/** Starts the embedded homeserver (and seeds the demo CPTS) when the config names none. */
export async function resolveHomeserver(
  config: PasserelleConfig,
  directory: DirectoryService,
  closers: Closers,
  port?: number,
): Promise<ResolvedHomeserver> {
  if (config.matrix.mode === "external") {
    return {
      login: externalLogin(config.matrix),
      demoAccounts: [],
      web: () => ({}),
    };
  }
  const embedded = await startEmbeddedHomeserver(config.dataDir, port);
  closers.add(() => embedded.server.stop());
  await seedDemoCpts(directory, embedded.matrixIdOf);
  return {
    login: {
      homeserverUrl: embedded.server.baseUrl,
      userId: embedded.hub.userId,
      password: embedded.hub.password,
    },
    demoAccounts: DEMO_MEMBERS.map((m) => ({
      name: m.name,
      rpps: m.rpps,
      userId: embedded.matrixIdOf(m),
      password: DEMO_PASSWORD,
    })),
    web: (key, clock, directory) => demoWebOptions(DEMO_MEMBERS, key, clock, directory),
  };
}
