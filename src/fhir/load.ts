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
  const stored = await new TransferRepository(q).withPayload(transferId);
  if (stored === undefined) throw new PasserelleError("NOT_FOUND", "transfer not found");
  const { transfer, pdf, data } = stored;
  const audit = await entriesOfTransfer(q, transferId);
  return transferBundle({
    transfer,
    form: forms.resolve(transfer.form),
    data: data as SheetData,
    pdf,
    audit,
  });
}
