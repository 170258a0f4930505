/** Reads a transfer from storage and exports it (the service behind `GET /transfers/{id}/fhir`). */
import { entriesOfTransfer } from "../audit/index.ts";
import { PasserelleError } from "../core/index.ts";
import type { FormRegistry, SheetData } from "../forms/index.ts";
import type { Queryable } from "../storage/index.ts";
import { TransferRepository } from "../transfers/index.ts";
import { transferBundle } from "./document.ts";
import type { Bundle } from "./types.ts";

/**
 * The FHIR R4 document bundle of a stored transfer. Access control and the access audit entry are
 * the caller's (the API checks the role rules first and audits the export).
 * @throws PasserelleError `NOT_FOUND` when there is no such transfer.
 */
export async function exportTransferFhir(
  q: Queryable,
  forms: FormRegistry,
  transferId: string,
): Promise<Bundle> {
  const repo = new TransferRepository(q);
  const transfer = await repo.get(transferId);
  const payload = transfer === undefined ? undefined : await repo.payload(transferId);
  if (transfer === undefined || payload === undefined)
    throw new PasserelleError("NOT_FOUND", "transfer not found");
  const audit = await entriesOfTransfer(q, transferId);
  return transferBundle({
    transfer,
    form: forms.resolve(transfer.form),
    data: payload.data as SheetData,
    pdf: payload.pdf,
    audit,
  });
}
