/**
 * The outbox worker: claims due transfers with a lease (see `claim.ts`), makes sure the context's
 * room exists, sends the sheet through the {@link SheetTransport} and records the outcome. Sends
 * are idempotent — the transport derives Matrix transaction ids from the transfer id — so a
 * transfer re-claimed after a crash (expired lease) is answered with the first event ids and
 * never posted twice. A room the guard refuses (FORBIDDEN: not encrypted, a stranger in it) fails
 * the transfer at once, with the rule as reason code, and nothing is sent.
 */
import { randomBytes } from "node:crypto";
import { hostname } from "node:os";
import type { SheetTransport, SentSheet } from "../matrix/index.ts";
import { claimDue, claimToken, renewLease } from "./claim.ts";
import { AttemptTimeout, isPermanent, reasonOf, recordFailure, recordSent } from "./outcome.ts";
import type { TransferRow } from "./repository.ts";
import { TransferRepository } from "./repository.ts";
import { ensureRoom } from "./rooms.ts";
import { summaryFr } from "./summary.ts";
import type { TransferContext } from "./types.ts";

export interface OutboxWorkerOptions {
  /** Worker id in lease tokens (default `<host>-<pid>-<random>`). */
  readonly owner?: string;
  /** Lease length; renewed every third of it while sending (default 30 s). */
  readonly leaseMs?: number;
  /** Transfers claimed and sent at once (default 8). */
  readonly concurrency?: number;
  /** Pause when nothing is due (default 500 ms). */
  readonly pollMs?: number;
  /** Attempts before `failed` (default 10). */
  readonly maxAttempts?: number;
  readonly backoffBaseMs?: number;
  readonly backoffMaxMs?: number;
  /** One send attempt's limit (default 120 s). */
  readonly attemptTimeoutMs?: number;
  /** After creating a room, how long to retry while the hub's client has not yet seen it (default 15 s). */
  readonly roomReadyMs?: number;
  /** Told of each failed attempt: transfer id and reason code only (for logs). */
  readonly onAttemptFailed?: (transferId: string, reason: string) => void;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export class OutboxWorker {
  readonly #ctx: TransferContext;
  readonly #transport: SheetTransport;
  readonly #o: Required<Omit<OutboxWorkerOptions, "onAttemptFailed">> &
    Pick<OutboxWorkerOptions, "onAttemptFailed">;
  #running: Promise<void> | undefined;
  #stopping = false;

  constructor(ctx: TransferContext, transport: SheetTransport, options: OutboxWorkerOptions = {}) {
    this.#ctx = ctx;
    this.#transport = transport;
    this.#o = {
      owner:
        options.owner ??
        `${hostname().replace(/[^A-Za-z0-9-]/g, "")}-${process.pid}-${randomBytes(3).toString("hex")}`,
      leaseMs: options.leaseMs ?? 30_000,
      concurrency: options.concurrency ?? 8,
      pollMs: options.pollMs ?? 500,
      maxAttempts: options.maxAttempts ?? 10,
      backoffBaseMs: options.backoffBaseMs ?? 1000,
      backoffMaxMs: options.backoffMaxMs ?? 600_000,
      attemptTimeoutMs: options.attemptTimeoutMs ?? 120_000,
      roomReadyMs: options.roomReadyMs ?? 15_000,
      onAttemptFailed: options.onAttemptFailed,
    };
  }

  /** Claims one batch of due transfers and processes it; resolves with how many were claimed. */
  async runOnce(): Promise<number> {
    const token = claimToken(this.#o.owner);
    const rows = await claimDue(
      this.#ctx.db,
      token,
      this.#ctx.clock.now(),
      this.#o.leaseMs,
      this.#o.concurrency,
    );
    if (rows.length === 0) return 0;
    const ids = rows.map((r) => r.id);
    const heartbeat = setInterval(
      () => {
        const until = new Date(this.#ctx.clock.now().getTime() + this.#o.leaseMs);
        renewLease(this.#ctx.db, token, ids, until).catch(() => undefined);
      },
      Math.max(50, Math.floor(this.#o.leaseMs / 3)),
    );
    try {
      await Promise.all(rows.map((r) => this.#process(r, token)));
    } finally {
      clearInterval(heartbeat);
    }
    return rows.length;
  }

  /** Runs until {@link stop}: batches back to back, a pause when nothing is due. */
  start(): void {
    if (this.#running !== undefined) return;
    this.#stopping = false;
    this.#running = (async () => {
      while (!this.#stopping) {
        let n = 0;
        try {
          n = await this.runOnce();
        } catch {
          // database briefly unavailable: wait and claim again
        }
        if (n === 0) await sleep(this.#o.pollMs);
      }
    })();
  }

  /** Stops after the current batch. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#running;
    this.#running = undefined;
  }

  async #process(row: TransferRow, token: string): Promise<void> {
    try {
      const { roomId, sent } = await this.#withTimeout(this.#deliver(row));
      await recordSent(this.#ctx, row, token, roomId, sent);
    } catch (e) {
      this.#o.onAttemptFailed?.(row.id, reasonOf(e));
      await recordFailure(this.#ctx, row, token, e, this.#o);
    }
  }

  async #deliver(row: TransferRow): Promise<{ roomId: string; sent: SentSheet }> {
    const repo = new TransferRepository(this.#ctx.db.knex);
    const [recipients, payload] = await Promise.all([repo.recipients(row.id), repo.payload(row.id)]);
    if (payload === undefined) throw new Error("transfer payload missing");
    const members = recipients.map((r) => r.matrixId);
    const { roomId, created } = await ensureRoom(
      this.#ctx.db,
      this.#transport,
      row.context_key,
      members,
      () => this.#ctx.clock.now(),
    );
    const sheet = {
      transferId: row.id,
      sheetId: row.sheet_id,
      kind: row.kind,
      form: row.form,
      pdf: payload.pdf,
      data: payload.data,
      summaryFr: summaryFr(row.kind, row.id),
    };
    const deadline = Date.now() + this.#o.roomReadyMs;
    for (;;) {
      try {
        return { roomId, sent: await this.#transport.sendSheet(roomId, members, sheet) };
      } catch (e) {
        // A room just made may not have reached the hub's sync yet (the transport refuses to send
        // into a room it does not know): wait for it rather than spend a backoff. A refused room
        // (not encrypted, a stranger in it) fails at once: no retry can fix it.
        if (!created || isPermanent(e) || Date.now() > deadline) throw e;
        await sleep(250);
      }
    }
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
