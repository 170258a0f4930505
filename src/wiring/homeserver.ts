/**
 * Which homeserver the hub uses: the configured one, or — embedded default, no
 * `PASSERELLE_HOMESERVER_URL` — a local Synapse in `<data>/synapse` with the demo CPTS seeded in the
 * directory (src/demo).
 */
import type { PasserelleConfig } from "../config/index.ts";
import type { EmbeddedHomeserver } from "../demo/homeserver.ts";
import { startEmbeddedHomeserver } from "../demo/homeserver.ts";
import { seedDemoCpts } from "../demo/cpts.ts";
import type { DirectoryService } from "../directory/index.ts";
import type { Closers } from "./log.ts";

/** How the hub logs in. */
export interface HubLogin {
  readonly homeserverUrl: string;
  readonly userId: string;
  readonly password?: string;
  readonly accessToken?: string;
}

export interface ResolvedHomeserver {
  readonly login: HubLogin;
  /** Set in embedded mode only. */
  readonly embedded?: EmbeddedHomeserver;
}

/** Starts the embedded homeserver (and seeds the demo CPTS) when the config names none. */
export async function resolveHomeserver(
  config: PasserelleConfig,
  directory: DirectoryService,
  closers: Closers,
  port?: number,
): Promise<ResolvedHomeserver> {
  if (config.matrix.mode === "external") {
    const m = config.matrix;
    return {
      login: {
        homeserverUrl: m.homeserverUrl,
        userId: m.userId,
        ...(m.password === undefined ? {} : { password: m.password }),
        ...(m.accessToken === undefined ? {} : { accessToken: m.accessToken }),
      },
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
    embedded,
  };
}
