/**
 * The outbox worker: claims due transfers with a lease (see `claim.ts`), makes sure the context's
 * room exists, sends the sheet through the {@link SheetTransport} and records the outcome. Sends
 * are idempotent — the transport derives Matrix transaction ids from the transfer id — so a
 * transfer re-claimed after a crash (expired lease) is answered with the first event ids and
 * never posted twice. A room the guard refuses (FORBIDDEN: not encrypted, a stranger in it) fails
 * the transfer at once, with the rule as reason code, and nothing is sent; so does a recipient
 * outside the trust policy (`trust.server_not_allowed`: the policy changed after queueing), before
 * any room is made or anyone invited.
 *
 * Up to `concurrency` transfers are in flight at once; a freed slot is refilled at once, and
 * {@link OutboxWorker.wake} (wired to `createTransfer`'s `onQueued`) ends the idle pause. Each send
 * is prepared (room checks, upload: `SheetTransport.prepareSheet`) concurrently, then posted; within
 * a room the posts start in claim order (see `lanes.ts`), each as soon as the previous one is
 * encrypted and being sent; rooms proceed independently.
 * Re-sends asked for in a room (`!renvoyer`, see `resend.ts`) share the slots, claimed after the
 * transfers due (`resend-outbox.ts`).
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { SheetTransport, SentSheet } from "../../matrix/index.ts";
import type { TrustPolicy } from "../../trust/index.ts";
import { trustError } from "../../trust/index.ts";
import { claimDue, claimToken, renewLease } from "./claim.ts";
import { AttemptTimeout, reasonOf, recordFailure, recordSent } from "./outcome.ts";
import type { TransferRow, TransferContext } from "../record/index.ts";
import { TransferRepository } from "../record/index.ts";
import type { LanePlace } from "./lanes.ts";
import { RoomLanes, Wakeup } from "./lanes.ts";
import { claimDueResends, processResend, renewResendLease } from "./resend-outbox.ts";
import { ensureRoom } from "../rooms/index.ts";
import { outgoingSheet } from "./outgoing.ts";

export interface OutboxWorkerOptions {
  /** Worker id in lease tokens (default `<host>-<pid>-<random>`). */
  readonly owner?: string;
  /** Lease length; renewed every third of it while sending (default 30 s). */
  readonly leaseMs?: number;
  /** Transfers in flight at once: prepared and sent concurrently, in claim order within a room (default 16). */
  readonly concurrency?: number;
  /**
   * Post the sheets of one room in claim order (default true). Off, the sheets of a room are
   * posted concurrently (faster for bursts into one room; their order in the room is then not kept).
   */
  readonly roomOrder?: boolean;
  /** Longest pause when nothing is due; {@link OutboxWorker.wake} ends it early (default 500 ms). */
  readonly pollMs?: number;
  /** Attempts before `failed` (default 10). */
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** One send attempt's limit (default 120 s). */
  readonly attemptTimeoutMs?: number;
  /** How long a send waits for the hub's view of the room to catch up, e.g. a room just made (default 15 s). */
  readonly roomReadyMs?: number;
  /** Told of each failed attempt: transfer id and reason code only (for logs). */
  readonly onAttemptFailed?: (transferId: string, reason: string) => void;
  /** The homeservers recipients may be on, checked again before each send; every server when absent. */
  readonly trust?: TrustPolicy;
}

/** The place of a transfer when rooms are not ordered: its turn is now. */
const UNORDERED: LanePlace = {
  turn: () => Promise.resolve(),
  settled: () => Promise.resolve(),
  handOver: () => undefined,
  release: () => undefined,
};

/** In-flight key prefix of a re-send (transfers are keyed by their id). */
const RESEND = "resend:";

/** A transfer being processed: its claim token (for lease renewal) and its completion. */
interface InFlight {
  readonly token: string;
  readonly done: Promise<void>;
}

export class OutboxWorker {
  readonly #ctx: TransferContext;
  readonly #transport: SheetTransport;
  readonly #o: Required<Omit<OutboxWorkerOptions, "onAttemptFailed" | "trust">> &
    Pick<OutboxWorkerOptions, "onAttemptFailed" | "trust">;
  #running: Promise<void> | undefined;
  #stopping = false;
  readonly #lanes = new RoomLanes();
  /** Transfer id → sheet event id of the sheets this worker posted lately (replies may name them before they are recorded). */
  readonly #posted = new Map<string, string>();
  readonly #wakeup = new Wakeup();

  constructor(ctx: TransferContext, transport: SheetTransport, options: OutboxWorkerOptions = {}) {
    this.#ctx = ctx;
    this.#transport = transport;
    this.#o = {
      owner:
        options.owner ??
        `${hostname().replace(/[^A-Za-z0-9-]/g, "")}-${process.pid}-${randomBytes(3).toString("hex")}`,
      leaseMs: options.leaseMs ?? 30_000,
      concurrency: Math.max(1, Math.floor(options.concurrency ?? 16)),
      roomOrder: options.roomOrder ?? true,
      pollMs: options.pollMs ?? 500,
      maxAttempts: options.maxAttempts ?? 10,
      backoffBaseMs: options.backoffBaseMs ?? 1000,
      backoffMaxMs: options.backoffMaxMs ?? 600_000,
      attemptTimeoutMs: options.attemptTimeoutMs ?? 120_000,
      roomReadyMs: options.roomReadyMs ?? 15_000,
      onAttemptFailed: options.onAttemptFailed,
      trust: options.trust,
    };
  }

  /** Claims one batch of due transfers and processes it; resolves with how many were claimed. */
  async runOnce(): Promise<number> {
    const inFlight = new Map<string, InFlight>();
    const heartbeat = this.#heartbeat(inFlight);
    try {
      const n = await this.#claimAndLaunch(this.#o.concurrency, inFlight);
      await Promise.all([...inFlight.values()].map((f) => f.done));
      return n;
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Runs until {@link stop}: keeps up to `concurrency` transfers in flight, claiming as slots free
   * up; when nothing is due it sleeps until {@link wake} (a transfer queued, a slot freed) or `pollMs`.
   */
  start(): void {
    if (this.#running !== undefined) return;
    this.#stopping = false;
    const inFlight = new Map<string, InFlight>();
    const heartbeat = this.#heartbeat(inFlight);
    this.#running = (async () => {
      try {
        while (!this.#stopping) {
          const free = this.#o.concurrency - inFlight.size;
          let claimed = 0;
          if (free > 0) {
            try {
              claimed = await this.#claimAndLaunch(free, inFlight);
            } catch {
              // database briefly unavailable: wait and claim again
            }
          }
          // A full claim may leave more due: claim again as soon as a slot is free.
          if (claimed > 0 && claimed === free && inFlight.size < this.#o.concurrency) continue;
          await this.#wakeup.sleep(this.#o.pollMs);
        }
        await Promise.all([...inFlight.values()].map((f) => f.done));
      } finally {
        clearInterval(heartbeat);
      }
    })();
  }

  /** Claims at once instead of after the polling delay (call when a transfer was queued). */
  wake(): void {
    this.#wakeup.wake();
  }

  /** Stops claiming and resolves once the transfers in flight are done. */
  async stop(): Promise<void> {
    this.#stopping = true;
    this.#wakeup.wake();
    await this.#running;
    this.#running = undefined;
  }

  /** Claims up to `limit` due transfers and starts them (in claim order, one lane place each). */
  async #claimAndLaunch(limit: number, inFlight: Map<string, InFlight>): Promise<number> {
    const token = claimToken(this.#o.owner);
    const rows = await claimDue(this.#ctx.db, token, this.#ctx.clock.now(), this.#o.leaseMs, limit);
    for (const row of rows) {
      const place = this.#o.roomOrder ? this.#lanes.enter(row.context_key) : UNORDERED;
      const done = this.#process(row, token, place)
        // Recording the outcome failed (database unavailable): the lease expires and the transfer
        // is claimed again; the send is idempotent.
        .catch(() => undefined)
        .finally(() => {
          place.release();
          inFlight.delete(row.id);
          this.#wakeup.wake();
        });
      inFlight.set(row.id, { token, done });
    }
    const resends = await claimDueResends(
      this.#ctx.db,
      token,
      this.#ctx.clock.now(),
      this.#o.leaseMs,
      limit - rows.length,
    );
    for (const r of resends) {
      const key = `${RESEND}${r.id}`;
      const done = this.#withTimeout(processResend(this.#ctx, this.#transport, r, token, this.#o))
        .then(() => undefined)
        // Timed out or recording failed: the lease expires and the re-send is claimed again.
        .catch(() => undefined)
        .finally(() => {
          inFlight.delete(key);
          this.#wakeup.wake();
        });
      inFlight.set(key, { token, done });
    }
    return rows.length + resends.length;
  }

  /** Renews the leases of the transfers in flight every third of the lease. */
  #heartbeat(inFlight: ReadonlyMap<string, InFlight>): NodeJS.Timeout {
    return setInterval(
      () => {
        const until = new Date(this.#ctx.clock.now().getTime() + this.#o.leaseMs);
        const byToken = new Map<string, string[]>();
        for (const [id, f] of inFlight) byToken.set(f.token, [...(byToken.get(f.token) ?? []), id]);
        for (const [token, ids] of byToken) {
          const resends = ids.filter((id) => id.startsWith(RESEND)).map((id) => id.slice(RESEND.length));
          const transfers = ids.filter((id) => !id.startsWith(RESEND));
          renewLease(this.#ctx.db, token, transfers, until).catch(() => undefined);
          renewResendLease(this.#ctx.db, token, resends, until).catch(() => undefined);
        }
      },
      Math.max(50, Math.floor(this.#o.leaseMs / 3)),
    );
  }

  async #process(row: TransferRow, token: string, place: LanePlace): Promise<void> {
    try {
      const { roomId, sent } = await this.#withTimeout(this.#deliver(row, place));
      await recordSent(this.#ctx, row, token, roomId, sent);
    } catch (e) {
      this.#o.onAttemptFailed?.(row.id, reasonOf(e));
      await recordFailure(this.#ctx, row, token, e, this.#o);
    }
  }

  async #deliver(row: TransferRow, place: LanePlace): Promise<{ roomId: string; sent: SentSheet }> {
    const repo = new TransferRepository(this.#ctx.db.knex);
    const [recipients, payload] = await Promise.all([repo.recipients(row.id), repo.payload(row.id)]);
    if (payload === undefined) throw new Error("transfer payload missing");
    const members = recipients.map((r) => r.matrixId);
    for (const [i, m] of members.entries()) {
      const untrusted = this.#o.trust?.refusal(m);
      if (untrusted !== undefined)
        throw trustError(`recipients[${i}]`, untrusted, "the transfer is not sent");
    }
    const { roomId } = await ensureRoom(this.#ctx.db, this.#transport, row.context_key, members, () =>
      this.#ctx.clock.now(),
    );
    const sheet = await outgoingSheet(this.#ctx.db.knex, row, payload, this.#posted);
    try {
      // A room just made may not have reached the hub's sync yet: the transport waits for it.
      const prepared = await this.#transport.prepareSheet(roomId, members, sheet, this.#o.roomReadyMs);
      // A sheet naming an earlier one (a reply) waits for the earlier posts' event ids.
      await (sheet.replyTo === undefined ? place.turn() : place.settled());
      const posting = this.#transport.postSheet(prepared);
      void posting.queued.then(place.handOver);
      const sent = await posting.sent;
      this.#remember(row.id, sent.eventId);
      return { roomId, sent };
    } finally {
      // The room's next sheet may post now; recording the outcome does not hold the lane.
      place.release();
    }
  }

  #remember(transferId: string, eventId: string): void {
    if (this.#posted.size >= 1000) this.#posted.delete(this.#posted.keys().next().value as string);
    this.#posted.set(transferId, eventId);
  }

  #withTimeout<T>(p: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        reject(new AttemptTimeout());
      }, this.#o.attemptTimeoutMs);
    });
    return Promise.race([p, timeout]).finally(() => {
      clearTimeout(timer);
    });
  }
}
