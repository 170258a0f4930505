/** Operational logging and orderly shutdown shared by the service's wiring (src/app.ts). */
import { isPasserelleError } from "../core/index.ts";

/** Where the service writes operational messages: codes and ids only, never patient data. */
export type AppLog = (
  level: "info" | "warn" | "error",
  message: string,
  fields?: Record<string, string>,
) => void;

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
        this.#log("error", "shutdown step failed", { code: codeOf(e) });
      });
    }
  }
}
