import type { Queryable } from "../storage/index.ts";
import { toStorageError } from "../storage/index.ts";
import type { AuditRow } from "./rows.ts";
import { ENTRY_COLUMNS, fromRow } from "./rows.ts";
import type { AuditEntry } from "./vocabulary.ts";

/** Every audit entry naming a transfer, in chain order (for the transfer's FHIR `AuditEvent`s). */
export async function entriesOfTransfer(q: Queryable, transferId: string): Promise<AuditEntry[]> {
  try {
    const rows = await q("audit_entries")
      .select<AuditRow[]>([...ENTRY_COLUMNS])
      .where("transfer_id", transferId)
      .orderBy("seq");
    return rows.map(fromRow);
  } catch (e) {
    throw toStorageError(e, "reading a transfer's audit entries");
  }
}
