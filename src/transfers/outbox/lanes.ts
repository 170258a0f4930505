/**
 * Scheduling helpers of the outbox worker (see `worker.ts`):
 *
 * - {@link RoomLanes}: per-room ordering. Transfers of one context (so one room, see `context.ts`)
 *   take a place in that context's lane in claim order (oldest `next_attempt_at` first); each
 *   prepares concurrently (room guard, payload, upload) but posts its event only when every
 *   earlier place has handed its event over to the transport (encrypted, its request started; or
 *   has left the lane), so the sheets of a room are encrypted and sent in the order they were
 *   queued, the next sheet encrypted as the previous one is being sent. The hub sends them
 *   without waiting for each answer (see `concurrentSends` in src/matrix/client.ts): sheets sent
 *   within the same few milliseconds may be stored by the homeserver in another order; a sheet
 *   that replies to another waits for that one's event id. Different rooms never wait for each other.
 * - {@link Wakeup}: a sleep that ends early when a transfer is queued (`createTransfer`'s
 *   `onQueued`) or a worker slot frees up, so a new transfer is claimed at once instead of after
 *   the polling delay.
 */

/** One place in a room's lane. */
export interface LanePlace {
  /**
   * Resolves when every earlier place of the lane has handed over or been released: this place
   * may post now (the same promise each call).
   */
  readonly turn: () => Promise<void>;
  /** Resolves when every earlier place has been released (their posts ended): for a sheet that names an earlier one's event. */
  readonly settled: () => Promise<void>;
  /** This place's post is handed over (encrypted, being sent): the next place's turn may come; idempotent. */
  readonly handOver: () => void;
  /** Leaves the lane (after posting, or on failure), handing over too; idempotent. */
  readonly release: () => void;
}

/** Two chains per lane: places handed over, and places released. */
interface Tails {
  readonly handedOver: Promise<void>;
  readonly released: Promise<void>;
}

export class RoomLanes {
  readonly #tails = new Map<string, Tails>();

  /** Takes the next place in `key`'s lane. Call in claim order; release every place taken. */
  enter(key: string): LanePlace {
    const before = this.#tails.get(key) ?? { handedOver: Promise.resolve(), released: Promise.resolve() };
    let handOver!: () => void;
    let release!: () => void;
    const handed = new Promise<void>((r) => {
      handOver = r;
    });
    const left = new Promise<void>((r) => {
      release = r;
    });
    const tails: Tails = {
      handedOver: before.handedOver.then(() => Promise.race([handed, left])),
      released: before.released.then(() => left),
    };
    this.#tails.set(key, tails);
    void tails.released.then(() => {
      // Forget an idle lane (nobody entered after this place).
      if (this.#tails.get(key) === tails) this.#tails.delete(key);
    });
    return {
      turn: () => before.handedOver,
      settled: () => before.released,
      handOver,
      release: () => {
        handOver();
        release();
      },
    };
  }

  /** Lanes with a place taken (for tests). */
  get size(): number {
    return this.#tails.size;
  }
}

export class Wakeup {
  #pending = false;
  #wake: (() => void) | undefined;

  /** Ends the current {@link sleep} now, or the next one if none is running. */
  wake(): void {
    this.#pending = true;
    this.#wake?.();
  }

  /** Waits `ms`, or less if {@link wake} is called (also if it was called since the last sleep). */
  sleep(ms: number): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return Promise.resolve();
    }
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        this.#wake = undefined;
        this.#pending = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      this.#wake = done;
    });
  }
}
