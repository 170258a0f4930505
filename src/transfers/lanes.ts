/**
 * Scheduling helpers of the outbox worker (see `worker.ts`):
 *
 * - {@link RoomLanes}: per-room ordering. Transfers of one context (so one room, see `context.ts`)
 *   take a place in that context's lane in claim order (oldest `next_attempt_at` first); each
 *   prepares concurrently (room guard, payload, upload) but posts its events only when every
 *   earlier place has been released, so the sheets of a room appear in the order they were
 *   queued. Different rooms never wait for each other.
 * - {@link Wakeup}: a sleep that ends early when a transfer is queued (`createTransfer`'s
 *   `onQueued`) or a worker slot frees up, so a new transfer is claimed at once instead of after
 *   the polling delay.
 */

/** One place in a room's lane. */
export interface LanePlace {
  /** Resolves when every earlier place of the lane has been released (the same promise each call). */
  readonly turn: () => Promise<void>;
  /** Leaves the lane (after posting, or on failure); idempotent. */
  readonly release: () => void;
}

export class RoomLanes {
  readonly #tails = new Map<string, Promise<void>>();

  /** Takes the next place in `key`'s lane. Call in claim order; release every place taken. */
  enter(key: string): LanePlace {
    const before = this.#tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((r) => {
      release = r;
    });
    const tail = before.then(() => mine);
    this.#tails.set(key, tail);
    void tail.then(() => {
      // Forget an idle lane (nobody entered after this place).
      if (this.#tails.get(key) === tail) this.#tails.delete(key);
    });
    return { turn: () => before, release };
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
