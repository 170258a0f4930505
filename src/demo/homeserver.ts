import { mkdir } from "node:fs/promises";
import { EMBEDDED_SERVER_NAME, dataPaths } from "../config/index.ts";
import { PasserelleError } from "../core/index.ts";
import { DevHomeserver } from "../matrix/index.ts";
import type { DemoMember } from "./cpts.ts";
import { DEMO_MEMBERS } from "./cpts.ts";
import { fileSecret } from "./secrets.ts";

/** Password of every demo account: a demo, to log in with Element and watch sheets arrive. */
export const DEMO_PASSWORD = "passerelle-demo";
export const HUB_LOCALPART = "passerelle";

export interface EmbeddedHomeserver {
  readonly server: DevHomeserver;
  readonly hub: { readonly userId: string; readonly password: string };
  readonly matrixIdOf: (m: DemoMember) => string;
}

/**
 * The run command's embedded homeserver: a local Synapse in `<data>/synapse` (its database and
 * keys persist across runs), the hub's account (random password kept in `<data>/matrix`, 0600)
 * and one account per demo CPTS member. Listens on 127.0.0.1 only.
 */
export async function startEmbeddedHomeserver(dataDir: string, port?: number): Promise<EmbeddedHomeserver> {
  const paths = dataPaths(dataDir);
  const dir = paths.synapse;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const server = await DevHomeserver.create({
    dir,
    serverName: EMBEDDED_SERVER_NAME,
    ...(port === undefined ? {} : { port }),
  });
  await server.start();
  const hubPassword = await fileSecret(paths.matrix.hubPassword);
  await ensureUser(server, HUB_LOCALPART, hubPassword);
  for (const m of DEMO_MEMBERS) await ensureUser(server, m.localpart, DEMO_PASSWORD);
  return {
    server,
    hub: { userId: `@${HUB_LOCALPART}:${server.serverName}`, password: hubPassword },
    matrixIdOf: (m) => `@${m.localpart}:${server.serverName}`,
  };
}

/** Registers a user unless it exists already (a restart of the embedded default). */
async function ensureUser(server: DevHomeserver, localpart: string, password: string): Promise<void> {
  try {
    await server.registerUser(localpart, password);
  } catch (e) {
    if (e instanceof PasserelleError && e.code === "CONFLICT") return;
    throw e;
  }
}
