/**
 * CSV import of a practice's circle links: one row per (patient, professional), header
 * `ins;rpps;since;consent` (`;` or `,`; `since` and `consent` optional). Each row goes through
 * {@link CircleService.join} (so each link is audited), rejected rows are reported by line and
 * field — never with their values, since the file holds INS numbers.
 */
import { parse } from "csv-parse/sync";
import { isPasserelleError } from "../core/index.ts";
import type { CircleService } from "./service.ts";
import type { CircleConsent } from "./types.ts";

export interface CircleImportReport {
  readonly added: number;
  readonly unchanged: number;
  readonly rejected: readonly { readonly line: number; readonly field: string; readonly rule: string }[];
}

const COLUMNS = ["ins", "rpps", "since", "consent"] as const;

/** Imports `text`; rows are independent (a bad row does not stop the others). */
export async function importCircleCsv(
  service: CircleService,
  text: string,
  actor: string,
): Promise<CircleImportReport> {
  const firstLine = text.split(/\r?\n/, 1)[0] ?? "";
  const delimiter = firstLine.includes(";") ? ";" : ",";
  const rows = parse<Record<string, string | undefined>>(text.replace(/^\uFEFF/, ""), {
    delimiter,
    columns: (header: string[]) => header.map((h) => h.trim().toLowerCase()),
    skip_empty_lines: true,
    trim: true,
    relax_column_count: true,
  });
  let added = 0;
  let unchanged = 0;
  const rejected: { line: number; field: string; rule: string }[] = [];
  for (const [i, row] of rows.entries()) {
    const line = i + 2;
    const unknown = Object.keys(row).find((k) => !(COLUMNS as readonly string[]).includes(k));
    if (unknown !== undefined) {
      rejected.push({ line, field: "header", rule: "unknownColumn" });
      continue;
    }
    const ins = row.ins ?? "";
    const rpps = row.rpps ?? "";
    try {
      const r = await service.join(
        {
          ins,
          rpps,
          source: "csv",
          ...(row.since ? { since: row.since } : {}),
          ...(row.consent ? { consent: row.consent as CircleConsent } : {}),
        },
        actor,
      );
      if (r.created) added++;
      else unchanged++;
    } catch (e) {
      if (!isPasserelleError(e)) throw e;
      const issue = e.issues[0];
      rejected.push({ line, field: issue?.path ?? "row", rule: issue?.rule ?? e.code.toLowerCase() });
    }
  }
  return { added, unchanged, rejected };
}
