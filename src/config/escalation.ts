import type { FieldIssue } from "../core/index.ts";
import type { RawConfig } from "./config.ts";
import { integerSetting, issue, value } from "./issues.ts";

/**
 * Escalation: a sheet not acknowledged within its delay is re-notified and the CPTS
 * coordinator told. Delays in hours by sheet kind (discharge: décret 2016-995 expects the letter on
 * the day of discharge, hence 24 h; others 72 h), and how often the scheduler looks.
 */
export interface EscalationConfig {
  readonly delays: { readonly byKind: Readonly<Record<string, number>>; readonly defaultHours: number };
  /** `PASSERELLE_ESCALATION_INTERVAL_SECONDS` (default 300), in milliseconds. */
  readonly intervalMs: number;
}

const MAX_HOURS = 24 * 365;

function hours(env: RawConfig, key: string, fallback: number, issues: FieldIssue[]): number {
  const raw = value(env[key]);
  if (raw === undefined) return fallback;
  const n = /^\d{1,5}(\.\d{1,4})?$/.test(raw) ? Number(raw) : NaN;
  if (!(n > 0 && n <= MAX_HOURS)) {
    issues.push(
      issue(
        key,
        "positiveHours",
        `must be a number of hours, above 0 and at most ${MAX_HOURS}`,
        `doit être un nombre d’heures, supérieur à 0 et au plus ${MAX_HOURS}`,
      ),
    );
    return fallback;
  }
  return n;
}

/** Reads `PASSERELLE_ESCALATION_DISCHARGE_HOURS`, `…_DEFAULT_HOURS` and `…_INTERVAL_SECONDS`. */
export function parseEscalation(env: RawConfig, issues: FieldIssue[]): EscalationConfig {
  const discharge = hours(env, "PASSERELLE_ESCALATION_DISCHARGE_HOURS", 24, issues);
  const defaultHours = hours(env, "PASSERELLE_ESCALATION_DEFAULT_HOURS", 72, issues);
  const intervalSeconds = integerSetting(
    env,
    "PASSERELLE_ESCALATION_INTERVAL_SECONDS",
    {
      fallback: 300,
      min: 1,
      max: 86_400,
      digits: 6,
      rule: "positiveInteger",
      en: "must be a whole number of seconds from 1 to 86400",
      fr: "doit être un nombre entier de secondes entre 1 et 86400",
    },
    issues,
  );
  return { delays: { byKind: { discharge }, defaultHours }, intervalMs: intervalSeconds * 1000 };
}
