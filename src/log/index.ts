/**
 * The service's logger: pino (JSON lines, ISO time, level labels), one root per process with a
 * child per module (`log.child({ module: "adt" })`), patient field paths, bodies and secrets
 * redacted (./redact.ts). Domain code receives it as the narrow `Log` of src/core.
 */
import { pino, stdTimeFunctions, type Logger } from "pino";
import type { LogLevel } from "../core/index.ts";
import { CENSOR, REDACTED_PATHS } from "./redact.ts";
import { prettyStream } from "./pretty.ts";

export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  readonly level?: LogLevel;
  /** `json` (one object a line) or `pretty` (./pretty.ts, for a terminal). Default `json`. */
  readonly format?: "json" | "pretty";
  /** Where lines go (default: stderr). Each write is one complete line. */
  readonly destination?: { write(s: string): unknown };
}

/** A root logger; take `child({ module })` loggers from it. */
export function createLogger(options: LoggerOptions = {}): Logger {
  const out = options.destination ?? process.stderr;
  return pino(
    {
      level: options.level ?? "info",
      base: null,
      timestamp: stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: [...REDACTED_PATHS], censor: CENSOR },
    },
    options.format === "pretty" ? prettyStream(out) : { write: (s: string) => void out.write(s) },
  );
}

export { REDACTED_KEYS, CENSOR } from "./redact.ts";
export { prettyLine } from "./pretty.ts";
