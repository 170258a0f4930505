/**
 * Durable IndexedDB for Node: fake-indexeddb (in memory) plus a write-ahead journal of our own,
 * so that the hub's Rust crypto store (device keys, olm and megolm sessions) survives restarts and
 * kill -9. Route 2 of shared/reference/matrix-crypto-store.md.
 *
 * - Every committed readwrite/versionchange transaction is appended as one checksummed entry
 *   (length, CRC-32, v8-serialised ops) and fdatasync'd *before* its `complete` event is
 *   dispatched, i.e. before the SDK goes on. Aborted transactions leave no entry.
 * - At start the journal is replayed through the IndexedDB API; a torn tail (crash mid-write) is
 *   cut off; then the whole store is compacted into one snapshot entry (tmp file, fsync, rename).
 * - A lock file holding the pid keeps a second live process off the same journal.
 * - Write or fsync failure is fail-stop (`onFatal`, default: exit 70): going on would let the
 *   device use keys that a restart would forget.
 *
 * Depends on fake-indexeddb internals (`FDBTransaction#dispatchEvent`, `_rollbackLog`, raw object
 * stores' `storeRecord`/`deleteRecord`/`clear`): the version is pinned by the lock file and
 * checked by the restart tests. Only one journal per process.
 */
import { closeSync, fdatasyncSync, fsyncSync, openSync, renameSync, writeFileSync, writeSync } from "node:fs";
import path from "node:path";
import { serialize } from "node:v8";
import { crc32 } from "node:zlib";
import { PasserelleError } from "../core/errors.ts";
import { FactoryProto, idb, TransactionProto, type Db } from "./idb-types.ts";
import {
  acquireLock,
  readEntries,
  replay,
  snapshotEntry,
  type Entry,
  type KeyOrRange,
  type Op,
  type StoreSchema,
} from "./idb-journal-replay.ts";

interface RawStore {
  name: string;
  keyPath: unknown;
  autoIncrement: boolean;
  rawDatabase: RawDb;
  rawIndexes: Map<string, { name: string; keyPath: unknown; multiEntry: boolean; unique: boolean }>;
  storeRecord: (
    this: RawStore,
    rec: { key: unknown; value: unknown },
    noOverwrite: boolean,
    log?: unknown[],
  ) => unknown;
  deleteRecord: (this: RawStore, key: unknown, log?: unknown[]) => unknown;
  clear: (this: RawStore, log?: unknown[]) => unknown;
}
interface RawDb {
  name: string;
  version: number;
  rawObjectStores: Map<string, RawStore>;
}
interface FakeTx {
  mode: string;
  error: unknown;
  _rollbackLog: unknown[];
  db: { _rawDatabase: RawDb };
}

export interface JournalHandle {
  readonly file: string;
  /** Entries replayed at open (before compaction). */
  readonly replayed: number;
  /** Stops journaling and releases the lock (tests; a service just exits). */
  close(): void;
}

let active: JournalHandle | undefined;

/**
 * Installs fake-indexeddb's globals, replays `dir/crypto-store.journal` into them, compacts it,
 * and journals every later write. Call before `initRustCrypto({ useIndexedDB: true, … })`.
 */
export async function openJournaledIndexedDB(
  dir: string,
  onFatal: (e: unknown) => never = (e) => {
    process.stderr.write(`passerelle: crypto store journal write failed, stopping: ${String(e)}\n`);
    process.exit(70);
  },
): Promise<JournalHandle> {
  if (active) throw new PasserelleError("CONFLICT", "a crypto store journal is already open in this process");
  const auto = "fake-indexeddb/auto"; // untyped side-effect module: sets the globals the SDK uses
  await import(auto);
  const releaseLock = acquireLock(path.join(dir, "crypto-store.lock"));
  const file = path.join(dir, "crypto-store.journal");

  const entries = readEntries(file);
  await replay(entries);
  // Compact: one snapshot entry replaces the history (atomic rename, then directory fsync).
  const snap = frame(await snapshotEntry());
  writeFileSync(`${file}.tmp`, snap, { flush: true });
  renameSync(`${file}.tmp`, file);
  const dirFd = openSync(dir, "r");
  fsyncSync(dirFd);
  closeSync(dirFd);

  const fd = openSync(file, "a");
  const pending = new WeakMap<unknown[], Op[]>();
  const record = (log: unknown[] | undefined, op: Op): void => {
    if (!log) return;
    let ops = pending.get(log);
    if (!ops) pending.set(log, (ops = []));
    ops.push(op);
  };

  // The raw ObjectStore class is internal: reach its prototype through a throw-away database.
  const rawProto = await rawObjectStorePrototype();
  const orig = { store: rawProto.storeRecord, del: rawProto.deleteRecord, clear: rawProto.clear };
  let enabled = true;
  rawProto.storeRecord = function (this: RawStore, rec, noOverwrite, log) {
    const r = orig.store.call(this, rec, noOverwrite, log);
    if (enabled) record(log, { t: "put", store: this.name, key: rec.key, value: rec.value });
    return r;
  };
  rawProto.deleteRecord = function (this: RawStore, key, log) {
    const r = orig.del.call(this, key, log);
    if (enabled) record(log, { t: "delete", store: this.name, key: rangeOrKey(key) });
    return r;
  };
  rawProto.clear = function (this: RawStore, log) {
    const r = orig.clear.call(this, log);
    if (enabled) record(log, { t: "clear", store: this.name });
    return r;
  };

  const txProto = TransactionProto as unknown as {
    dispatchEvent: (this: FakeTx, ev: Event) => boolean;
  };
  const origDispatch = txProto.dispatchEvent;
  txProto.dispatchEvent = function (this: FakeTx, ev: Event) {
    if (enabled && ev.type === "complete" && this.mode !== "readonly") {
      const ops = pending.get(this._rollbackLog) ?? [];
      const db = this.db._rawDatabase;
      const entry: Entry =
        this.mode === "versionchange"
          ? { t: "tx", db: db.name, version: db.version, schema: schemaOf(db), ops }
          : { t: "tx", db: db.name, ops };
      if (ops.length > 0 || this.mode === "versionchange") {
        try {
          writeSync(fd, frame(entry));
          fdatasyncSync(fd);
        } catch (e) {
          onFatal(e);
        }
      }
    }
    return origDispatch.call(this, ev);
  };
  const factoryProto = FactoryProto as unknown as {
    deleteDatabase: (this: unknown, name: string) => unknown;
  };
  const origDelete = factoryProto.deleteDatabase;
  factoryProto.deleteDatabase = function (this: unknown, name: string) {
    if (enabled) {
      try {
        writeSync(fd, frame({ t: "dropdb", db: name }));
        fdatasyncSync(fd);
      } catch (e) {
        onFatal(e);
      }
    }
    return origDelete.call(this, name);
  };

  active = {
    file,
    replayed: entries.length,
    close() {
      enabled = false;
      Object.assign(rawProto, { storeRecord: orig.store, deleteRecord: orig.del, clear: orig.clear });
      txProto.dispatchEvent = origDispatch;
      factoryProto.deleteDatabase = origDelete;
      closeSync(fd);
      releaseLock();
      active = undefined;
    },
  };
  return active;
}

/** `[u32 length][u32 crc32][payload]`, little-endian. */
function frame(entry: Entry): Buffer {
  const payload = serialize(entry);
  const head = Buffer.alloc(8);
  head.writeUInt32LE(payload.length, 0);
  head.writeUInt32LE(crc32(payload), 4);
  return Buffer.concat([head, payload]);
}

function rangeOrKey(key: unknown): KeyOrRange {
  if (key !== null && typeof key === "object" && "lowerOpen" in key && "upperOpen" in key) {
    const r = key as { lower: unknown; upper: unknown; lowerOpen: boolean; upperOpen: boolean };
    return { range: { lower: r.lower, upper: r.upper, lowerOpen: r.lowerOpen, upperOpen: r.upperOpen } };
  }
  return { key };
}

function schemaOf(db: RawDb): StoreSchema[] {
  return [...db.rawObjectStores.values()].map((s) => ({
    name: s.name,
    keyPath: s.keyPath,
    autoIncrement: s.autoIncrement,
    indexes: [...s.rawIndexes.values()].map((i) => ({
      name: i.name,
      keyPath: i.keyPath,
      multiEntry: i.multiEntry,
      unique: i.unique,
    })),
  }));
}

async function rawObjectStorePrototype(): Promise<RawStore> {
  const name = `passerelle-probe-${process.pid}`;
  const db = await new Promise<Db>((resolve, reject) => {
    const req = idb.open(name, 1);
    req.onupgradeneeded = () => {
      req.result.createObjectStore("probe", { keyPath: null, autoIncrement: false });
    };
    req.onsuccess = () => {
      resolve(req.result);
    };
    req.onerror = () => {
      reject(req.error ?? new Error("probe open failed"));
    };
  });
  const store = db.transaction("probe", "readonly").objectStore("probe") as unknown as {
    _rawObjectStore: RawStore;
  };
  const proto = Object.getPrototypeOf(store._rawObjectStore) as RawStore;
  db.close();
  await new Promise<void>((resolve) => {
    idb.deleteDatabase(name).onsuccess = () => {
      resolve();
    };
  });
  return proto;
}
