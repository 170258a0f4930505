/**
 * A small human-readable rendering of pino's JSON lines for a terminal (`serve` on a TTY):
 * `12:04:05.120 WARN  [adt] adt frame refused reason=MSH.missing`. The fields shown are the ones
 * pino has already redacted; nothing is added.
 */

const LEVELS: Readonly<Record<string, string>> = {
  trace: "TRACE",
  debug: "DEBUG",
  info: "INFO ",
  warn: "WARN ",
  error: "ERROR",
  fatal: "FATAL",
};

const show = (v: unknown): string => {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return /[\s"=]/.test(s) ? JSON.stringify(s) : s;
};

/** One JSON line (pino's output with ISO `time` and label `level`) as one text line. */
export function prettyLine(json: string): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(json) as Record<string, unknown>;
  } catch {
    return json.trimEnd();
  }
  const { time, level, msg, module, ...fields } = o;
  const clock = typeof time === "string" ? time.slice(11, 23) : "";
  const label = typeof level === "string" ? (LEVELS[level] ?? level) : show(level);
  const where = typeof module === "string" ? `[${module}] ` : "";
  const rest = Object.entries(fields).map(([k, v]) => `${k}=${show(v)}`);
  return [clock, label, `${where}${typeof msg === "string" ? msg : ""}`, ...rest]
    .filter((p) => p !== "")
    .join(" ");
}

/** A pino destination that writes {@link prettyLine} lines to `out`. */
export function prettyStream(out: { write(s: string): unknown }): { write(line: string): void } {
  return {
    write(line) {
      out.write(`${prettyLine(line)}\n`);
    },
  };
}
