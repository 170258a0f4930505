/**
 * Collects a bundle's entries: each resource gets a stable `urn:uuid` fullUrl derived from the
 * transfer and a local key, so a practitioner named twice (author and recipient) is one entry and
 * the same transfer always exports the same references.
 */
import { nameUuid, urnUuid } from "./systems.ts";
import type { BundleEntry, Reference, Resource } from "./types.ts";

export class EntryCollector {
  readonly #seed: string;
  readonly #entries = new Map<string, BundleEntry>();

  constructor(seed: string) {
    this.#seed = seed;
  }

  /** The fullUrl a key gets (whether or not the entry exists yet). */
  urlOf(key: string): string {
    return urnUuid(nameUuid("passerelle-fhir", this.#seed, key));
  }

  /** Adds the resource under `key` unless one is there already; returns a reference to it. */
  add<T extends Resource>(key: string, make: () => T, display?: string): Reference<T> {
    const fullUrl = this.urlOf(key);
    if (!this.#entries.has(key)) this.#entries.set(key, { fullUrl, resource: make() });
    return display === undefined ? { reference: fullUrl } : { reference: fullUrl, display };
  }

  has(key: string): boolean {
    return this.#entries.has(key);
  }

  refOf<T extends Resource>(key: string): Reference<T> | undefined {
    return this.#entries.has(key) ? { reference: this.urlOf(key) } : undefined;
  }

  /** Entries in insertion order, `first` keys first (a document's Composition). */
  entries(first: readonly string[] = []): BundleEntry[] {
    const head = first.flatMap((k) => {
      const e = this.#entries.get(k);
      return e === undefined ? [] : [e];
    });
    return [...head, ...[...this.#entries].filter(([k]) => !first.includes(k)).map(([, e]) => e)];
  }
}
