import type { FieldIssue } from "../core/index.ts";

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
