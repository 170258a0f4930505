/**
 * The hub's Matrix session: `openHub` logs in once, keeps its device for ever, and reopens the same
 * device and crypto store at every start. Files: see hub-secrets.ts.
 *
 * - First start (no `session.json` or no crypto store): `m.login.password` creating a device
 *   (client-server API §5.5.2), or the given access token (it must belong to a fresh device: its
 *   keys get uploaded from this store). The session is saved before the store is created.
 * - Later starts: the saved token is checked with `/account/whoami`; if the server answers
 *   `M_UNKNOWN_TOKEN`, the hub logs in again with `device_id` = its device (same keys, same
 *   cross-signing signature). It never logs in otherwise and never logs out (logout deletes the
 *   device and its keys).
 * - Store lost but session kept: the old device's keys are gone, so a new device is created and
 *   cross-signed from secret storage (the recovery key); the old device stays listed on the
 *   server until an administrator deletes it.
 * Then cross-signing and key backup (cross-signing.ts), and the sync loop.
 *
 * The trust policy (src/trust), when given, holds for everything the hub does: its transport
 * neither invites nor sends to users outside it, inbound evidence and commands from them are
 * ignored, and their invitations are declined (trust-guard.ts).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { MatrixClient } from "matrix-js-sdk";
import { PasserelleError } from "../core/errors.ts";
import type { TrustPolicy } from "../trust/index.ts";
import { TRUST_ANY } from "../trust/index.ts";
import type { Log } from "../core/index.ts";
import { createMatrixClient, startSyncing } from "./client.ts";
import { ensureCrossSigning, secretStorageCallbacks } from "./cross-signing.ts";
import { passwordLogin, whoami } from "./hub-login.ts";
import {
  ensureHubDirs,
  hubPaths,
  readSession,
  storageKey,
  writeSession,
  type HubSession,
} from "./hub-secrets.ts";
import { MatrixSheetTransport } from "./hub-transport.ts";
import { openJournaledIndexedDB, type JournalHandle } from "./idb-journal.ts";
import { listenInbound, type InboundHandler, type InboundListener, type InboundOptions } from "./inbound.ts";
import { guardRooms } from "./trust-guard.ts";

export interface OpenHubOptions {
  readonly homeserverUrl: string;
  readonly userId: string;
  /** Needed for the first login, a re-login after `M_UNKNOWN_TOKEN`, and cross-signing set-up. */
  readonly password?: string;
  /** Alternative to the password on first start; must be a token of a device with no keys yet. */
  readonly accessToken?: string;
  /** Service data directory; the hub uses `<dataDir>/matrix/`. */
  readonly dataDir: string;
  /** The service's root log: the hub writes to a `matrix` child, the SDK to a `matrix-sdk` one. */
  readonly log?: Log;
  /**
   * Registered before the first sync, so that nothing from the initial sync is missed. A function
   * is given the hub's transport first (handlers that answer in the rooms).
   */
  readonly inbound?: {
    readonly handler: InboundHandler | ((transport: MatrixSheetTransport) => InboundHandler);
    readonly since?: number;
  };
  readonly syncTimeoutMs?: number;
  /** The homeservers the hub deals with; every server when absent. */
  readonly trust?: TrustPolicy;
}

/** How this start obtained its session. */
export type HubStart = "login" | "token" | "resumed" | "relogin" | "new-device";

export interface Hub {
  readonly client: MatrixClient;
  readonly userId: string;
  readonly deviceId: string;
  readonly start: HubStart;
  /** The hub's master cross-signing key (stable across restarts). */
  readonly masterKeyId: string;
  readonly transport: MatrixSheetTransport;
  readonly inbound: InboundListener | undefined;
  readonly trust: TrustPolicy;
  listen(handler: InboundHandler, options?: Omit<InboundOptions, "log">): InboundListener;
  /** Stops syncing and releases the store. Never logs out. */
  close(): Promise<void>;
}

async function obtainSession(o: OpenHubOptions, saved: HubSession | undefined, storeExists: boolean) {
  const base = o.homeserverUrl.replace(/\/+$/, "");
  if (saved && saved.userId !== o.userId)
    throw new PasserelleError(
      "CONFIG_INVALID",
      "matrix: session.json belongs to another user than the configured one",
    );
  if (saved && storeExists) {
    const check = await whoami(base, saved.accessToken);
    if (check.ok) {
      if (check.deviceId !== undefined && check.deviceId !== saved.deviceId)
        throw new PasserelleError("CONFIG_INVALID", "matrix: the saved token belongs to another device");
      return { session: saved, start: "resumed" as const };
    }
    if (o.password === undefined)
      throw new PasserelleError(
        "CONFIG_INVALID",
        "matrix: the saved token was rejected and no password is configured",
      );
    return {
      session: await passwordLogin(base, o.userId, o.password, saved.deviceId),
      start: "relogin" as const,
    };
  }
  const start = saved ? ("new-device" as const) : ("login" as const);
  if (o.password !== undefined) return { session: await passwordLogin(base, o.userId, o.password), start };
  if (o.accessToken !== undefined && !saved) {
    const check = await whoami(base, o.accessToken);
    if (!check.ok || check.deviceId === undefined || check.userId !== o.userId)
      throw new PasserelleError(
        "CONFIG_INVALID",
        "matrix: the access token is rejected or not for this user's device",
      );
    return {
      session: { userId: o.userId, deviceId: check.deviceId, accessToken: o.accessToken },
      start: "token" as const,
    };
  }
  throw new PasserelleError("CONFIG_INVALID", "matrix: a password is needed to create the hub's device");
}

/** Opens (first start: creates) the hub's session, crypto store, cross-signing identity and sync. */
export async function openHub(o: OpenHubOptions): Promise<Hub> {
  const paths = hubPaths(o.dataDir);
  await ensureHubDirs(paths);
  const storeExists = existsSync(path.join(paths.cryptoDir, "crypto-store.journal"));
  const { session, start } = await obtainSession(o, await readSession(paths), storeExists);
  await writeSession(paths, session);

  const journal: JournalHandle = await openJournaledIndexedDB(paths.cryptoDir);
  let client: MatrixClient | undefined;
  let failed = (): void => undefined;
  try {
    client = await createMatrixClient({
      baseUrl: o.homeserverUrl,
      ...session,
      cryptoStore: { kind: "indexeddb", prefix: "passerelle-hub", storageKey: await storageKey(paths) },
      ...(o.log === undefined ? {} : { log: o.log }),
      cryptoCallbacks: secretStorageCallbacks(paths),
      // A burst of sheets (a hospital's platform sending a day's letters) goes out in parallel,
      // not one request at a time for the whole hub; the outbox orders and retries.
      concurrentSends: true,
    });
    const c = client;
    const trust = o.trust ?? TRUST_ANY;
    const trusted = (userId: string): boolean => trust.allows(userId);
    const log = o.log?.child({ module: "matrix" });
    const guard = guardRooms(c, trust, log);
    // Handlers may answer during the first sync: their sends wait until the hub is open (the Rust
    // crypto fails to encrypt while the device's cross-signing is being set up).
    let opened!: (ok: boolean) => void;
    const open = new Promise<void>((resolve, reject) => {
      opened = (ok) => {
        if (ok) resolve();
        else reject(new PasserelleError("UNAVAILABLE", "matrix: the hub did not open"));
      };
    });
    open.catch(() => undefined);
    const transport = new MatrixSheetTransport(c, trust, open);
    failed = () => {
      opened(false);
    };
    const own = o.inbound;
    const inbound =
      own &&
      listenInbound(c, typeof own.handler === "function" ? own.handler(transport) : own.handler, {
        since: own.since,
        log,
        trusted,
      });
    await startSyncing(c, o.syncTimeoutMs);
    guard.sweep();
    const { masterKeyId } = await ensureCrossSigning(c, paths, o.password);
    opened(true);
    return {
      client: c,
      userId: session.userId,
      deviceId: session.deviceId,
      start,
      masterKeyId,
      transport,
      inbound,
      trust,
      listen: (handler, options) => listenInbound(c, handler, { ...options, log, trusted }),
      async close() {
        guard.stop();
        await inbound?.stop();
        c.stopClient();
        journal.close();
      },
    };
  } catch (e) {
    failed();
    client?.stopClient();
    journal.close();
    throw e;
  }
}
