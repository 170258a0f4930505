/**
 * The operational log as domain code sees it: a structured logger (fields, then a constant
 * message) with child loggers per module. The service passes in a pino logger (src/log), whose
 * shape this is a narrow subset of; domain code stays free of the logging library.
 *
 * Fields hold codes, ids, reasons and route templates, never patient data, secrets, tokens or
 * message bodies (src/log also redacts the known patient field paths, as a second line).
 */
/** The levels, lowest first; `silent` writes nothing (`PASSERELLE_LOG_LEVEL`, src/config). */
export const LOG_LEVELS = ["trace", "debug", "info", "warn", "error", "silent"] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export type LogFields = Readonly<Record<string, unknown>>;

/** One level: `log.warn({ code }, "room command failed")` or `log.info("passerelle started")`. */
export interface LogFn {
  (fields: LogFields, message: string): void;
  (message: string): void;
}

export interface Log {
  readonly trace: LogFn;
  readonly debug: LogFn;
  readonly info: LogFn;
  readonly warn: LogFn;
  readonly error: LogFn;
  /** A logger whose lines carry `bindings` as well (e.g. `{ module: "adt" }`). */
  child(bindings: LogFields): Log;
}

const noop = (): void => undefined;

/** A log that writes nothing (the default where no log is given, e.g. in library-style use). */
export const silentLog: Log = {
  trace: noop,
  debug: noop,
  info: noop,
  warn: noop,
  error: noop,
  child: () => silentLog,
};
