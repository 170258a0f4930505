/**
 * The patient of each transfer as a follow-up list shows it to the professionals who handle the
 * sheet: family name, first name used (or the first of the first names) and birth date — read from
 * the stored sheet data, never from the audit (which holds pseudonyms only).
 */
import type { Queryable } from "../../storage/index.ts";

export interface PatientSummary {
  readonly lastName: string;
  readonly firstName?: string;
  readonly birthDate?: string;
}

const str = (v: unknown): string | undefined =>
  typeof v === "string" && v.trim() !== "" ? v.trim() : undefined;

/** Transfer id → patient summary, for the transfers of `ids` whose data name the patient. */
export async function patientSummaries(
  q: Queryable,
  ids: readonly string[],
): Promise<Map<string, PatientSummary>> {
  const out = new Map<string, PatientSummary>();
  if (ids.length === 0) return out;
  const rows = (await q("transfers")
    .select("id", "payload_json")
    .whereIn("id", [...ids])) as {
    id: string;
    payload_json: string;
  }[];
  for (const r of rows) {
    let p: Record<string, unknown>;
    try {
      const data = JSON.parse(r.payload_json) as { patient?: Record<string, unknown> };
      p = data.patient ?? {};
    } catch {
      continue;
    }
    const lastName = str(p.lastName);
    if (lastName === undefined) continue;
    const firstName = str(p.usedFirstName) ?? str(p.firstNames)?.split(/\s+/)[0];
    const birthDate = str(p.birthDate);
    out.set(r.id, {
      lastName,
      ...(firstName === undefined ? {} : { firstName }),
      ...(birthDate === undefined ? {} : { birthDate }),
    });
  }
  return out;
}
