/**
 * matrix-js-sdk client construction for Passerelle: Rust crypto (matrix-sdk-crypto-wasm), a quiet
 * logger, and a start that resolves after the first sync. The only place besides the transport
 * that touches the SDK; domain code uses {@link SheetTransport} from `./index.ts`.
 */
import {
  ClientEvent,
  createClient,
  SyncState,
  type ICreateClientOpts,
  type MatrixClient,
} from "matrix-js-sdk";
import { logger as sdkGlobalLogger, type Logger } from "matrix-js-sdk/lib/logger.js";
import { PasserelleError } from "../core/errors.ts";

/** Where SDK warnings and errors go (debug and info are dropped: the SDK and Rust side are chatty). */
export type MatrixLogSink = (level: "warn" | "error", message: string) => void;

/** A `Logger` (matrix-js-sdk) that drops trace/debug/info and forwards warn/error to `sink`. */
export function quietLogger(sink: MatrixLogSink = () => undefined, prefix = "matrix"): Logger {
  const text = (msg: unknown[]): string =>
    `${prefix}: ${msg.map((m) => (m instanceof Error ? m.message : String(m))).join(" ")}`;
  const noop = (): void => undefined;
  return {
    trace: noop,
    debug: noop,
    info: noop,
    warn: (...msg: unknown[]) => {
      sink("warn", text(msg));
    },
    error: (...msg: unknown[]) => {
      sink("error", text(msg));
    },
    getChild: (ns: string) => quietLogger(sink, `${prefix}.${ns}`),
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
  readonly log?: MatrixLogSink;
  /** E.g. `getSecretStorageKey`, for the hub's secret storage (see cross-signing.ts). */
  readonly cryptoCallbacks?: ICreateClientOpts["cryptoCallbacks"];
}

let globalSink: MatrixLogSink = () => undefined;
let globalLoggerQuiet = false;

/**
 * Some SDK modules (MatrixRTC, …) log through the module-level loglevel logger and its children,
 * which copy the parent's `methodFactory` when created: replace it once, so that trace, debug, info
 * and log are dropped and warn/error go to the most recently configured sink.
 */
function quietGlobalLogger(): void {
  if (globalLoggerQuiet) return;
  globalLoggerQuiet = true;
  // eslint-disable-next-line @typescript-eslint/no-deprecated -- quieting it is the point
  const root = sdkGlobalLogger as unknown as {
    methodFactory: (method: string) => (...msg: unknown[]) => void;
    rebuild(): void;
  };
  const sink = quietLogger((level, message) => {
    globalSink(level, message);
  });
  root.methodFactory = (method) => (method === "warn" || method === "error" ? sink[method] : () => undefined);
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
  if (o.log) globalSink = o.log;
  quietGlobalLogger();
  const client = createClient({
    baseUrl: o.baseUrl,
    userId: o.userId,
    deviceId: o.deviceId,
    accessToken: o.accessToken,
    logger: quietLogger(o.log),
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
