import type { FieldIssue } from "../core/index.ts";
import type { RawConfig } from "./config.ts";

export const issue = (path: string, rule: string, en: string, fr: string): FieldIssue => ({
  path,
  rule,
  message: { en, fr },
});

/** A trimmed value, or undefined when absent or blank. */
export const value = (v: string | undefined): string | undefined => {
  const t = v?.trim();
  return t === undefined || t === "" ? undefined : t;
};

/** An integer setting: at most `digits` decimal digits, within `min`–`max`, `fallback` when unset. */
export interface IntegerSetting {
  readonly fallback: number;
  readonly min: number;
  readonly max: number;
  readonly digits: number;
  /** The issue's rule and messages when the value is not such an integer. */
  readonly rule: string;
  readonly en: string;
  readonly fr: string;
}

/** The integer at `key` (see {@link IntegerSetting}); a bad one adds an issue and gives the fallback. */
export function integerSetting(env: RawConfig, key: string, s: IntegerSetting, issues: FieldIssue[]): number {
  const v = value(env[key]);
  if (v === undefined) return s.fallback;
  const n = new RegExp(`^\\d{1,${String(s.digits)}}$`).test(v) ? Number(v) : NaN;
  if (!(n >= s.min && n <= s.max)) {
    issues.push(issue(key, s.rule, s.en, s.fr));
    return s.fallback;
  }
  return n;
}
