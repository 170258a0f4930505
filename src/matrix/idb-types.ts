/**
 * The few IndexedDB shapes the journal uses, typed locally: the project compiles without the DOM
 * lib, and fake-indexeddb's own typings refer to the DOM's. Values come from fake-indexeddb.
 */
import * as fake from "fake-indexeddb";

export interface Req<T> {
  readonly result: T;
  readonly error: Error | null;
  onsuccess: (() => void) | null;
  onerror: (() => void) | null;
}
export interface OpenReq extends Req<Db> {
  readonly transaction: Tx | null;
  onupgradeneeded: (() => void) | null;
}
export interface StrList extends Iterable<string> {
  contains(s: string): boolean;
}
export interface Db {
  readonly version: number;
  readonly objectStoreNames: StrList;
  createObjectStore(name: string, o: { keyPath: unknown; autoIncrement: boolean }): Store;
  deleteObjectStore(name: string): void;
  transaction(names: string | string[], mode: "readonly" | "readwrite"): Tx;
  close(): void;
}
export interface Tx {
  objectStore(name: string): Store;
  oncomplete: (() => void) | null;
  onabort: (() => void) | null;
  readonly error: Error | null;
}
export interface Store {
  readonly keyPath: unknown;
  readonly autoIncrement: boolean;
  readonly indexNames: StrList;
  index(name: string): { readonly keyPath: unknown; readonly multiEntry: boolean; readonly unique: boolean };
  createIndex(name: string, keyPath: unknown, o: { unique: boolean; multiEntry: boolean }): unknown;
  deleteIndex(name: string): void;
  put(value: unknown, key?: unknown): unknown;
  delete(key: unknown): unknown;
  clear(): unknown;
  getAll(): Req<unknown[]>;
  getAllKeys(): Req<unknown[]>;
}
export interface Factory {
  open(name: string, version?: number): OpenReq;
  deleteDatabase(name: string): Req<unknown>;
  databases(): Promise<{ name?: string; version?: number }[]>;
}

export const idb = fake.indexedDB as unknown as Factory;
export const KeyRange = fake.IDBKeyRange as unknown as {
  bound(lower: unknown, upper: unknown, lowerOpen: boolean, upperOpen: boolean): unknown;
};
/** Prototypes patched by the journal. */
export const TransactionProto = (fake.IDBTransaction as unknown as { prototype: object }).prototype;
export const FactoryProto = (fake.IDBFactory as unknown as { prototype: object }).prototype;
