/** A transfer's status for `transfer status` and the API: the transfer, its recipients and history. */
import { PasserelleError } from "../core/index.ts";
import type { Queryable } from "../storage/index.ts";
import { TransferRepository } from "./repository.ts";
import type { Transfer, TransferEvent, TransferRecipient } from "./types.ts";

export interface TransferStatus {
  readonly transfer: Transfer;
  readonly recipients: readonly TransferRecipient[];
  readonly events: readonly TransferEvent[];
}

/** @throws PasserelleError `NOT_FOUND` when there is no such transfer. */
export async function transferStatus(q: Queryable, transferId: string): Promise<TransferStatus> {
  const repo = new TransferRepository(q);
  const transfer = await repo.get(transferId);
  if (transfer === undefined) throw new PasserelleError("NOT_FOUND", "transfer not found");
  const [recipients, events] = await Promise.all([repo.recipients(transferId), repo.events(transferId)]);
  return { transfer, recipients, events };
}
