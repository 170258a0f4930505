import type { FieldIssue, LogLevel } from "../core/index.ts";
import { LOG_LEVELS } from "../core/index.ts";
import type { RawConfig } from "./config.ts";
import { issue, value } from "./issues.ts";

/** The operational log: `PASSERELLE_LOG_LEVEL` (trace, debug, info, warn, error or silent; default info). */
export interface LogConfig {
  readonly level: LogLevel;
}

export function parseLog(env: RawConfig, issues: FieldIssue[]): LogConfig {
  const raw = value(env.PASSERELLE_LOG_LEVEL)?.toLowerCase() ?? "info";
  const level = LOG_LEVELS.find((l) => l === raw);
  if (level === undefined) {
    issues.push(
      issue(
        "PASSERELLE_LOG_LEVEL",
        "enum",
        `must be one of ${LOG_LEVELS.join(", ")}`,
        `doit être l’un de ${LOG_LEVELS.join(", ")}`,
      ),
    );
  }
  return { level: level ?? "info" };
}
