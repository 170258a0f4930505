/**
 * The loop behind the notices: claims `pending` ADT messages in arrival order and processes each
 * (see `processor.ts`), then marks it `processed` (or `failed` with a reason code after
 * {@link AdtProcessorOptions.maxAttempts}). {@link AdtProcessor.poke} wakes it at once when the
 * listener stores a message. One processor per deployment (messages of a patient stay in order).
 */
import { isPasserelleError } from "../core/index.ts";
import type { AdtProcessorDeps } from "./processor.ts";
import { processAdtMessage } from "./processor.ts";
import { checkSameDayLetters } from "./sameday.ts";

export interface AdtProcessorOptions {
  /** Pause when nothing is pending (default 1 s). */
  readonly pollMs?: number;
  /** How often the same-day letter check runs (default 60 s). */
  readonly letterCheckMs?: number;
  /** Attempts before a message is `failed` (default 5). */
  readonly maxAttempts?: number;
  readonly onFailed?: (messageId: number, reason: string) => void;
}

export class AdtProcessor {
  readonly #deps: AdtProcessorDeps;
  readonly #o: Required<Omit<AdtProcessorOptions, "onFailed">> & Pick<AdtProcessorOptions, "onFailed">;
  readonly #attempts = new Map<number, number>();
  #running: Promise<void> | undefined;
  #stopping = false;
  #wake: (() => void) | undefined;
  #lastCheck = 0;

  constructor(deps: AdtProcessorDeps, options: AdtProcessorOptions = {}) {
    this.#deps = deps;
    this.#o = {
      pollMs: options.pollMs ?? 1000,
      letterCheckMs: options.letterCheckMs ?? 60_000,
      maxAttempts: options.maxAttempts ?? 5,
      onFailed: options.onFailed,
    };
  }

  /** Processes pending messages (up to `limit`, oldest first); resolves with how many were handled. */
  async runOnce(limit = 50): Promise<number> {
    const rows = await this.#deps.db
      .knex<{ id: number; state: string; patient_ref: string; event_json: string }>("adt_messages")
      .where({ state: "pending" })
      .orderBy("id")
      .limit(limit)
      .select("id", "patient_ref", "event_json");
    for (const row of rows) {
      const done = { state: "processed", processed_at: this.#deps.clock.now().toISOString() };
      try {
        await processAdtMessage(this.#deps, row);
        await this.#deps.db.knex("adt_messages").where({ id: row.id }).update(done);
        this.#attempts.delete(row.id);
      } catch (e) {
        const n = (this.#attempts.get(row.id) ?? 0) + 1;
        this.#attempts.set(row.id, n);
        const reason = isPasserelleError(e) ? e.code.toLowerCase() : "internal";
        if (n < this.#o.maxAttempts) return rows.indexOf(row); // keep order: retry this one first
        await this.#deps.db
          .knex("adt_messages")
          .where({ id: row.id })
          .update({ ...done, state: "failed", last_reason: reason });
        this.#o.onFailed?.(row.id, reason);
      }
    }
    return rows.length;
  }

  /** Runs until {@link stop}. */
  start(): void {
    if (this.#running !== undefined) return;
    this.#stopping = false;
    this.#running = (async () => {
      while (!this.#stopping) {
        let n = 0;
        try {
          n = await this.runOnce();
          if (Date.now() - this.#lastCheck >= this.#o.letterCheckMs) {
            this.#lastCheck = Date.now();
            await checkSameDayLetters(this.#deps);
          }
        } catch {
          // database briefly unavailable: try again after the pause
        }
        if (n === 0) {
          await new Promise<void>((r) => {
            const t = setTimeout(r, this.#o.pollMs);
            this.#wake = () => {
              clearTimeout(t);
              r();
            };
          });
          this.#wake = undefined;
        }
      }
    })();
  }

  /** Wakes the loop (a message was just stored). */
  poke(): void {
    this.#wake?.();
  }

  async stop(): Promise<void> {
    this.#stopping = true;
    this.poke();
    await this.#running;
    this.#running = undefined;
  }
}
