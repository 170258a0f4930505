/**
 * Reading, replaying and snapshotting the IndexedDB journal of ./idb-journal.ts, through the
 * standard IndexedDB API (so indexes are rebuilt by fake-indexeddb itself), plus the pid lock.
 */
import { existsSync, readFileSync, writeFileSync, rmSync } from "node:fs";
import { deserialize } from "node:v8";
import { crc32 } from "node:zlib";
import { PasserelleError } from "../core/errors.ts";
import { idb, KeyRange, type Db, type Req, type Tx } from "./idb-types.ts";

export type KeyOrRange =
  { key: unknown } | { range: { lower: unknown; upper: unknown; lowerOpen: boolean; upperOpen: boolean } };
export type Op =
  | { t: "put"; store: string; key: unknown; value: unknown }
  | { t: "delete"; store: string; key: KeyOrRange }
  | { t: "clear"; store: string };
export interface StoreSchema {
  name: string;
  keyPath: unknown;
  autoIncrement: boolean;
  indexes: { name: string; keyPath: unknown; multiEntry: boolean; unique: boolean }[];
}
export interface DbSnapshot {
  name: string;
  version: number;
  schema: StoreSchema[];
  records: { store: string; key: unknown; value: unknown }[];
}
export type Entry =
  | { t: "tx"; db: string; version?: number; schema?: StoreSchema[]; ops: Op[] }
  | { t: "dropdb"; db: string }
  | { t: "snapshot"; dbs: DbSnapshot[] };

/** Entries up to the first torn or corrupt one (a crash mid-append leaves at most one). */
export function readEntries(file: string): Entry[] {
  if (!existsSync(file)) return [];
  const buf = readFileSync(file);
  const out: Entry[] = [];
  let at = 0;
  while (at + 8 <= buf.length) {
    const len = buf.readUInt32LE(at);
    const sum = buf.readUInt32LE(at + 4);
    if (at + 8 + len > buf.length) break;
    const payload = buf.subarray(at + 8, at + 8 + len);
    if (crc32(payload) !== sum) break;
    out.push(deserialize(payload) as Entry);
    at += 8 + len;
  }
  return out;
}

const req = <T>(r: Req<T>): Promise<T> =>
  new Promise((resolve, reject) => {
    r.onsuccess = () => {
      resolve(r.result);
    };
    r.onerror = () => {
      reject(r.error ?? new Error("IndexedDB request failed"));
    };
  });

const done = (tx: Tx): Promise<void> =>
  new Promise((resolve, reject) => {
    tx.oncomplete = () => {
      resolve();
    };
    tx.onabort = () => {
      reject(tx.error ?? new Error("IndexedDB transaction aborted"));
    };
  });

function reconcile(db: Db, tx: Tx, schema: StoreSchema[]): void {
  const wanted = new Set(schema.map((s) => s.name));
  for (const n of [...db.objectStoreNames]) if (!wanted.has(n)) db.deleteObjectStore(n);
  for (const s of schema) {
    const store = db.objectStoreNames.contains(s.name)
      ? tx.objectStore(s.name)
      : db.createObjectStore(s.name, {
          keyPath: s.keyPath,
          autoIncrement: s.autoIncrement,
        });
    const idx = new Set(s.indexes.map((i) => i.name));
    for (const n of [...store.indexNames]) if (!idx.has(n)) store.deleteIndex(n);
    for (const i of s.indexes) {
      if (!store.indexNames.contains(i.name)) {
        store.createIndex(i.name, i.keyPath, {
          unique: i.unique,
          multiEntry: i.multiEntry,
        });
      }
    }
  }
}

function apply(tx: Tx, db: Db, ops: readonly Op[]): void {
  for (const op of ops) {
    if (!db.objectStoreNames.contains(op.store)) continue;
    const store = tx.objectStore(op.store);
    if (op.t === "put") {
      if (store.keyPath === null) store.put(op.value, op.key);
      else store.put(op.value);
    } else if (op.t === "delete") {
      const k = op.key;
      store.delete(
        "range" in k
          ? KeyRange.bound(k.range.lower, k.range.upper, k.range.lowerOpen, k.range.upperOpen)
          : k.key,
      );
    } else {
      store.clear();
    }
  }
}

/** Opens `name`, upgrading to `version` with `upgrade` when given. */
async function open(name: string, version?: number, upgrade?: (db: Db, tx: Tx) => void): Promise<Db> {
  const r = version === undefined ? idb.open(name) : idb.open(name, version);
  r.onupgradeneeded = () => {
    if (upgrade && r.transaction) upgrade(r.result, r.transaction);
  };
  return req(r);
}

/** Replays entries in order into the global (fake) IndexedDB. */
export async function replay(entries: readonly Entry[]): Promise<void> {
  for (const e of entries) {
    if (e.t === "dropdb") {
      await req(idb.deleteDatabase(e.db));
    } else if (e.t === "snapshot") {
      for (const d of e.dbs) {
        const db = await open(d.name, d.version, (db2, tx) => {
          reconcile(db2, tx, d.schema);
        });
        if (d.records.length > 0) {
          const tx = db.transaction([...db.objectStoreNames], "readwrite");
          apply(
            tx,
            db,
            d.records.map((r) => ({ t: "put", ...r })),
          );
          await done(tx);
        }
        db.close();
      }
    } else if (e.schema !== undefined && e.version !== undefined) {
      const schema = e.schema;
      const db = await open(e.db, e.version, (db2, tx) => {
        reconcile(db2, tx, schema);
        apply(tx, db2, e.ops);
      });
      db.close();
    } else {
      const db = await open(e.db);
      const stores = [...new Set(e.ops.map((o) => o.store))].filter((s) => db.objectStoreNames.contains(s));
      if (stores.length > 0) {
        const tx = db.transaction(stores, "readwrite");
        apply(tx, db, e.ops);
        await done(tx);
      }
      db.close();
    }
  }
}

/** The whole global IndexedDB as one entry. */
export async function snapshotEntry(): Promise<Entry> {
  const dbs: DbSnapshot[] = [];
  for (const info of await idb.databases()) {
    if (info.name === undefined) continue;
    const db = await open(info.name);
    const names = [...db.objectStoreNames];
    const snap: DbSnapshot = { name: info.name, version: db.version, schema: [], records: [] };
    if (names.length > 0) {
      const tx = db.transaction(names, "readonly");
      for (const n of names) {
        const s = tx.objectStore(n);
        snap.schema.push({
          name: n,
          keyPath: s.keyPath,
          autoIncrement: s.autoIncrement,
          indexes: [...s.indexNames].map((i) => {
            const x = s.index(i);
            return { name: i, keyPath: x.keyPath, multiEntry: x.multiEntry, unique: x.unique };
          }),
        });
        const [keys, values] = await Promise.all([
          req<unknown[]>(s.getAllKeys()),
          req<unknown[]>(s.getAll()),
        ]);
        keys.forEach((key, i) => snap.records.push({ store: n, key, value: values[i] }));
      }
    }
    db.close();
    dbs.push(snap);
  }
  return { t: "snapshot", dbs };
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Takes `file` as a pid lock (a stale lock from a dead process is taken over); returns the release. */
export function acquireLock(file: string): () => void {
  if (existsSync(file)) {
    const pid = Number(readFileSync(file, "utf8").trim());
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw new PasserelleError("CONFLICT", `crypto store is in use by process ${pid}`);
    }
  }
  writeFileSync(file, String(process.pid), { flush: true });
  return () => {
    rmSync(file, { force: true });
  };
}
