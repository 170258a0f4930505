/**
 * The service's real logger (src/log: pino with its redaction) writing into memory: each line is
 * kept raw and parsed into `{ level, message, fields }` (fields: everything but time, level, msg).
 */
import type { Logger } from "pino";
import type { LogLevel } from "../../src/core/index.ts";
import { createLogger } from "../../src/log/index.ts";

export interface LogEntry {
  readonly level: string;
  readonly message: string;
  readonly fields?: Record<string, unknown>;
}

export interface CapturedLog {
  readonly log: Logger;
  /** The JSON lines as written. */
  readonly raw: string[];
  readonly entries: LogEntry[];
}

export function captureLog(level: LogLevel = "trace"): CapturedLog {
  const raw: string[] = [];
  const entries: LogEntry[] = [];
  const log = createLogger({
    level,
    destination: {
      write(line: string) {
        raw.push(line);
        const { level: l, msg, time: _time, ...fields } = JSON.parse(line) as Record<string, unknown>;
        entries.push({
          level: String(l),
          message: String(msg),
          ...(Object.keys(fields).length === 0 ? {} : { fields }),
        });
      },
    },
  });
  return { log, raw, entries };
}
