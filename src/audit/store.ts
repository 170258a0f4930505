import { randomBytes } from "node:crypto";
import type { Knex } from "knex";
import type { JWK } from "jose";
import type { Clock } from "../core/index.ts";
import { PasserelleError, systemClock } from "../core/index.ts";
import type { Database } from "../storage/index.ts";
import { toStorageError } from "../storage/index.ts";
import { entryHash } from "./canonical.ts";
import type { Checkpoint } from "./checkpoint.ts";
import { signCheckpoint } from "./checkpoint.ts";
import type { SigningKey } from "./keys.ts";
import { toRow } from "./rows.ts";
import { readHead, verifyStored } from "./stored.ts";
import type { VerifyReport } from "./verify.ts";
import type { AuditEntry, AuditEvent } from "./vocabulary.ts";
import { assertAuditEvent } from "./vocabulary.ts";

export interface AuditTrailOptions {
  readonly key: SigningKey;
  readonly clock?: Clock;
  /** Sign a checkpoint each time the chain crosses a multiple of N (default 1000). */
  readonly checkpointEvery?: number;
  /** Largest group commit of {@link AuditTrail.append} (default 1000). */
  readonly maxBatch?: number;
}

interface Pending {
  readonly event: AuditEvent;
  readonly resolve: (e: AuditEntry) => void;
  readonly reject: (e: unknown) => void;
}

const INSERT_CHUNK = 400; // 15 columns × 400 < sqlite's 32 766 bound parameters

/**
 * The append-only, hash-chained audit trail (ANS "Traçabilité des événements").
 *
 * **Serialisation — the chain never forks.** Every append runs in a transaction whose *first*
 * statement updates the single `audit_head` row, then reads it. On PostgreSQL that update takes
 * the row lock (a second instance blocks until commit, then re-reads the new head — READ
 * COMMITTED takes a fresh snapshot per statement); on sqlite the first write takes the database
 * RESERVED lock, exactly like `BEGIN IMMEDIATE`, waiting up to `busy_timeout`. One code path,
 * one writer at a time, across processes and hosts. Within a process, {@link append} queues
 * events and commits them in groups (one transaction, one fsync per group): concurrent callers
 * share the cost, each promise resolving only once its entry is committed ("acknowledged").
 */
export class AuditTrail {
  readonly #db: Database;
  readonly #key: SigningKey;
  readonly #clock: Clock;
  readonly #every: number;
  readonly #maxBatch: number;
  readonly #writer = `w-${process.pid}-${randomBytes(4).toString("hex")}`;
  #queue: Pending[] = [];
  #flushing: Promise<void> | undefined;
  #closed = false;

  private constructor(db: Database, o: AuditTrailOptions) {
    this.#db = db;
    this.#key = o.key;
    this.#clock = o.clock ?? systemClock;
    this.#every = o.checkpointEvery ?? 1000;
    this.#maxBatch = o.maxBatch ?? 1000;
  }

  /** Opens the trail and registers this hub's public key in `audit_keys`. */
  static async open(db: Database, options: AuditTrailOptions): Promise<AuditTrail> {
    const trail = new AuditTrail(db, options);
    try {
      await db
        .knex("audit_keys")
        .insert({
          kid: options.key.kid,
          public_jwk: JSON.stringify(options.key.publicJwk),
          created_at: trail.#clock.now().toISOString(),
        })
        .onConflict("kid")
        .ignore();
    } catch (e) {
      throw toStorageError(e, "registering the audit key");
    }
    return trail;
  }

  /** This hub's public key (publish it; pin it when verifying exports). */
  get publicJwk(): JWK {
    return this.#key.publicJwk;
  }

  /** Appends one event; resolves once committed. Concurrent calls are group-committed. */
  append(event: AuditEvent): Promise<AuditEntry> {
    if (this.#closed) return Promise.reject(closedError());
    try {
      assertAuditEvent(event);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return new Promise((resolve, reject) => {
      this.#queue.push({ event, resolve, reject });
      this.#flushing ??= this.#drain();
    });
  }

  /** Appends events in order in one transaction: all or none. */
  async appendBatch(events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    if (this.#closed) throw closedError();
    try {
      return await this.#db.knex.transaction((trx) => this.appendWithin(trx, events));
    } catch (e) {
      throw toStorageError(e, "appending to the audit trail");
    }
  }

  /**
   * Appends inside the caller's transaction, so that a domain change and its audit entries commit
   * together (e.g. a directory import). Holds the head lock until that transaction ends.
   */
  async appendWithin(trx: Knex.Transaction, events: readonly AuditEvent[]): Promise<AuditEntry[]> {
    for (const e of events) assertAuditEvent(e);
    if (events.length === 0) return [];
    await trx("audit_head").where({ id: 1 }).update({ writer: this.#writer });
    const head = await readHead(trx);
    const time = this.#clock.now().toISOString();
    const entries: AuditEntry[] = [];
    let prevHash = head.hash;
    let seq = head.seq;
    for (const ev of events) {
      seq++;
      const unhashed = { ...ev, seq, time, prevHash };
      const entry: AuditEntry = { ...unhashed, hash: entryHash(unhashed) };
      entries.push(entry);
      prevHash = entry.hash;
    }
    for (let i = 0; i < entries.length; i += INSERT_CHUNK) {
      await trx("audit_entries").insert(entries.slice(i, i + INSERT_CHUNK).map(toRow));
    }
    await trx("audit_head").where({ id: 1 }).update({ seq, hash: prevHash });
    if (Math.floor(head.seq / this.#every) !== Math.floor(seq / this.#every)) {
      await this.#insertCheckpoint(trx, seq, prevHash, time);
    }
    return entries;
  }

  /** Signs the current head unless it is already covered by a checkpoint. */
  async checkpoint(): Promise<Checkpoint | undefined> {
    try {
      return await this.#db.knex.transaction(async (trx) => {
        await trx("audit_head").where({ id: 1 }).update({ writer: this.#writer });
        const head = await readHead(trx);
        const last = await trx("audit_checkpoints").max({ seq: "seq" }).first();
        if (head.seq === 0 || Number(last?.seq ?? 0) >= head.seq) return undefined;
        return this.#insertCheckpoint(trx, head.seq, head.hash, this.#clock.now().toISOString());
      });
    } catch (e) {
      throw toStorageError(e, "signing an audit checkpoint");
    }
  }

  async #insertCheckpoint(trx: Knex.Transaction, seq: number, headHash: string, time: string) {
    const cp = await signCheckpoint(this.#key, { seq, headHash, time });
    await trx("audit_checkpoints").insert({
      seq,
      head_hash: headHash,
      time,
      kid: cp.kid,
      jws: cp.jws,
    });
    return cp;
  }

  /** Waits for queued appends. */
  async flush(): Promise<void> {
    while (this.#flushing !== undefined) await this.#flushing;
  }

  /** Shutdown: flushes, signs a final checkpoint, refuses further appends. Leaves the database open. */
  async close(): Promise<void> {
    await this.flush();
    this.#closed = true;
    await this.checkpoint();
  }

  /** The head (last seq and hash). */
  async head(): Promise<{ seq: number; hash: string }> {
    return readHead(this.#db.knex);
  }

  /**
   * Verifies the whole stored chain and its checkpoints. Trusted keys: this hub's key and those
   * registered in `audit_keys` — or only `pinned` ones when given (an attacker who can write the
   * database could register a key of their own; pin the published key for an independent check).
   */
  async verify(options: { pinned?: readonly JWK[] } = {}): Promise<VerifyReport> {
    return verifyStored(this.#db.knex, options.pinned ?? [this.#key.publicJwk], options.pinned === undefined);
  }

  async #drain(): Promise<void> {
    await Promise.resolve(); // let synchronous callers enqueue first
    try {
      while (this.#queue.length > 0) {
        const batch = this.#queue.splice(0, this.#maxBatch);
        try {
          const entries = await this.#db.knex.transaction((trx) =>
            this.appendWithin(
              trx,
              batch.map((b) => b.event),
            ),
          );
          batch.forEach((b, i) => {
            const entry = entries[i];
            if (entry === undefined) b.reject(new PasserelleError("INTERNAL", "audit batch size mismatch"));
            else b.resolve(entry);
          });
        } catch (e) {
          const err = toStorageError(e, "appending to the audit trail");
          for (const b of batch) b.reject(err);
        }
      }
    } finally {
      this.#flushing = undefined;
    }
  }
}

const closedError = () => new PasserelleError("CONFLICT", "the audit trail is closed");
