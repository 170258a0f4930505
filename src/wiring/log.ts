/** Operational logging and orderly shutdown shared by the service's wiring (src/app.ts). */
import { isPasserelleError, type Log } from "../core/index.ts";

/** Where the service writes operational messages (src/log): codes and ids only, never patient data. */
export type AppLog = Log;

/** The error code to log for `e`: a `PasserelleError`'s stable code, else `INTERNAL` (never a message). */
export const codeOf = (e: unknown): string => (isPasserelleError(e) ? e.code : "INTERNAL");

/** Shutdown steps, run in reverse order of registration; a failing step is logged and skipped. */
export class Closers {
  readonly #steps: (() => Promise<void>)[] = [];
  readonly #log: AppLog;

  constructor(log: AppLog) {
    this.#log = log;
  }

  add(step: () => Promise<void> | void): void {
    this.#steps.push(async () => {
      await step();
    });
  }

  async closeAll(): Promise<void> {
    for (const close of this.#steps.splice(0).reverse()) {
      await close().catch((e: unknown) => {
        this.#log.error({ code: codeOf(e) }, "shutdown step failed");
      });
    }
  }
}
