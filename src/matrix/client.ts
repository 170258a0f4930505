/**
 * matrix-js-sdk client construction for Passerelle: Rust crypto (matrix-sdk-crypto-wasm), the SDK's
 * logger routed into the service log, and a start that resolves after the first sync. The only place besides the transport
 * that touches the SDK; domain code uses {@link SheetTransport} from `./index.ts`.
 */
import {
  ClientEvent,
  createClient,
  MatrixScheduler,
  SyncState,
  type ICreateClientOpts,
  type MatrixClient,
} from "matrix-js-sdk";
import { logger as sdkGlobalLogger, type Logger } from "matrix-js-sdk/lib/logger.js";
import { PasserelleError } from "../core/errors.ts";
import { silentLog, type Log } from "../core/log.ts";

/**
 * SDK warnings that need no one's attention, written at debug: the push-rule housekeeping on every
 * start against a homeserver whose default push rules differ from the SDK's list (matrix-js-sdk
 * `pushprocessor.ts`, `mergeRulesWithDefaults`: the hub notifies nobody), and the first start's
 * cross-signing reset before secret storage exists (./cross-signing.ts sets it up right after).
 */
const SDK_CHATTER: readonly RegExp[] = [
  /^Adding default global \w+ push rule /,
  /^Missing default global \w+ push rule /,
  /^resetCrossSigning: Secret storage is not yet set up; not exporting keys/,
];

/**
 * A matrix-js-sdk `Logger` writing into `log` (give it `log.child({ module: "matrix-sdk" })`):
 * the SDK's trace and debug at trace, info at debug (the SDK and its Rust side are chatty), warn and
 * error as such except {@link SDK_CHATTER} at debug. A child logger's namespace goes in `ns`.
 */
export function sdkLogger(log: Log = silentLog, ns?: string): Logger {
  const fields = ns === undefined ? {} : { ns };
  const text = (msg: unknown[]): string =>
    msg.map((m) => (m instanceof Error ? m.message : String(m))).join(" ");
  const at =
    (level: "trace" | "debug") =>
    (...msg: unknown[]): void => {
      log[level](fields, text(msg));
    };
  return {
    trace: at("trace"),
    debug: at("trace"),
    info: at("debug"),
    warn: (...msg: unknown[]) => {
      const t = text(msg);
      if (SDK_CHATTER.some((re) => re.test(t))) log.debug(fields, t);
      else log.warn(fields, t);
    },
    error: (...msg: unknown[]) => {
      log.error(fields, text(msg));
    },
    getChild: (child: string) => sdkLogger(log, ns === undefined ? child : `${ns}.${child}`),
  };
}

/**
 * Crypto store: `memory` (lost at exit) or `indexeddb` through the global IndexedDB (fake-indexeddb
 * in Node; persisted only if something persists its contents — see the store notes in README).
 */
export type CryptoStoreOption =
  | { readonly kind: "memory" }
  | { readonly kind: "indexeddb"; readonly prefix: string; readonly storageKey: Uint8Array };

export interface MatrixClientOptions {
  readonly baseUrl: string;
  readonly userId: string;
  readonly deviceId: string;
  readonly accessToken: string;
  readonly cryptoStore?: CryptoStoreOption;
  /** The service's root log: the SDK's own lines go to its `matrix-sdk` child; silent when absent. */
  readonly log?: Log;
  /** E.g. `getSecretStorageKey`, for the hub's secret storage (see cross-signing.ts). */
  readonly cryptoCallbacks?: ICreateClientOpts["cryptoCallbacks"];
  /**
   * Send each event as soon as it is encrypted, in its own request (`PUT /rooms/{roomId}/send`,
   * Client-Server API §10.6.1), rather than through the SDK's default scheduler, which puts every
   * `m.room.message` of the client, all rooms together, in one queue sent one request at a time.
   * The caller then owns retries (the outbox retries with backoff; transaction ids make a retry
   * idempotent) and the order of events it posts at the same moment.
   */
  readonly concurrentSends?: boolean;
}

/** A scheduler that queues nothing: every event is sent at once (see `concurrentSends`). */
const sendAtOnce = (): MatrixScheduler =>
  new MatrixScheduler(
    (event, attempts, err) => MatrixScheduler.RETRY_BACKOFF_RATELIMIT(event, attempts, err),
    () => null,
  );

let globalLog: Log = silentLog;
let globalLoggerRouted = false;

/**
 * Some SDK modules (MatrixRTC, …) log through the module-level loglevel logger and its children,
 * which copy the parent's `methodFactory` when created: replace it once, so that every method goes
 * through {@link sdkLogger} into `log` (the most recently given one).
 */
export function routeSdkGlobalLogger(log: Log): void {
  globalLog = log;
  if (globalLoggerRouted) return;
  globalLoggerRouted = true;
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- routing it is the point
  const root = sdkGlobalLogger as unknown as {
    methodFactory: (method: string, level: unknown, name: unknown) => (...msg: unknown[]) => void;
    rebuild(): void;
  };
  root.methodFactory = (method, _level, name) => {
    const ns = typeof name === "string" && name !== "matrix" ? name : undefined;
    return (...msg: unknown[]) => {
      const sdk = sdkLogger(globalLog, ns);
      if (method === "error") sdk.error(...msg);
      else if (method === "warn") sdk.warn(...msg);
      else if (method === "info") sdk.info(...msg);
      else sdk.debug(...msg); // trace, debug and loglevel's log (an alias of debug)
    };
  };
  root.rebuild();
}

/** Creates a client with Rust crypto initialised (the sync loop is not started yet). */
export async function createMatrixClient(o: MatrixClientOptions): Promise<MatrixClient> {
  for (const [k, v] of Object.entries({
    baseUrl: o.baseUrl,
    userId: o.userId,
    deviceId: o.deviceId,
    accessToken: o.accessToken,
  })) {
    if (v.length === 0) throw new PasserelleError("CONFIG_INVALID", `matrix client: ${k} is empty`);
  }
  if (!/^@[^:]+:.+$/.test(o.userId))
    throw new PasserelleError("CONFIG_INVALID", "matrix client: userId must look like @user:server");
  const sdkLog = (o.log ?? silentLog).child({ module: "matrix-sdk" });
  routeSdkGlobalLogger(o.log ? sdkLog : globalLog);
  const client = createClient({
    baseUrl: o.baseUrl,
    userId: o.userId,
    deviceId: o.deviceId,
    accessToken: o.accessToken,
    logger: sdkLogger(sdkLog),
    ...(o.concurrentSends === true ? { scheduler: sendAtOnce() } : {}),
    ...(o.cryptoCallbacks ? { cryptoCallbacks: o.cryptoCallbacks } : {}),
  });
  const store = o.cryptoStore ?? { kind: "memory" };
  if (store.kind === "memory") {
    await client.initRustCrypto({ useIndexedDB: false });
  } else {
    // Node has no IndexedDB: fake-indexeddb provides the globals (import for its side effect).
    const auto = "fake-indexeddb/auto"; // untyped side-effect module
    await import(auto);
    if (store.storageKey.length !== 32)
      throw new PasserelleError("CONFIG_INVALID", "matrix client: storageKey must be 32 bytes");
    await client.initRustCrypto({
      useIndexedDB: true,
      cryptoDatabasePrefix: store.prefix,
      storageKey: store.storageKey,
    });
  }
  return client;
}

/** Starts the sync loop and resolves once the first sync is processed (`PREPARED`). */
export async function startSyncing(client: MatrixClient, timeoutMs = 30_000): Promise<void> {
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      client.off(ClientEvent.Sync, onSync);
      reject(new PasserelleError("IO_ERROR", `matrix: first sync not done within ${timeoutMs} ms`));
    }, timeoutMs);
    const onSync = (state: SyncState): void => {
      if (state === SyncState.Prepared || state === SyncState.Syncing) {
        clearTimeout(timer);
        client.off(ClientEvent.Sync, onSync);
        resolve();
      } else if (state === SyncState.Error) {
        clearTimeout(timer);
        client.off(ClientEvent.Sync, onSync);
        reject(new PasserelleError("IO_ERROR", "matrix: sync failed"));
      }
    };
    client.on(ClientEvent.Sync, onSync);
  });
  await client.startClient({ initialSyncLimit: 20, lazyLoadMembers: false });
  await ready;
}
