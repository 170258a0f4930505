/** Reading the `documents` table: a document by its own id, the version it replaces, a transfer's routing. */
import type { Knex } from "knex";
import { TransferRepository } from "../transfers/index.ts";
import type { CdaReading } from "../cda/read/index.ts";
import type { IncomingDocument, RoutedRecipient, RoutingSource } from "./types.ts";

/** A stored document, without its bytes. */
export interface DocumentRow {
  id: string;
  document_id: string;
  set_id: string | null;
  version_number: number | null;
  type_code: string;
  patient_ref: string;
  visit_number: string | null;
  content_kind: "cda" | "pdf";
  sha256: string;
  incoming_json: string;
  state: "queued" | "to_route" | "masked" | "replaced";
  transfer_id: string | null;
  received_at: string;
  escalated_at: string | null;
  escalations: number;
}

export const DOCUMENT_COLUMNS = [
  "id",
  "document_id",
  "set_id",
  "version_number",
  "type_code",
  "patient_ref",
  "visit_number",
  "content_kind",
  "sha256",
  "incoming_json",
  "state",
  "transfer_id",
  "received_at",
  "escalated_at",
  "escalations",
] as const;

/** The document received under this id, if any. */
export async function documentReceived(q: Knex, documentId: string): Promise<DocumentRow | undefined> {
  return await q("documents")
    .where({ document_id: documentId })
    .first<DocumentRow | undefined>([...DOCUMENT_COLUMNS]);
}

/**
 * The version a new document replaces: the one it names (`replaces`: CDA relatedDocument RPLC,
 * TXA-13, MDM^T10), else the latest of the same `setId` with a lower `versionNumber`.
 */
export async function earlierVersion(
  q: Knex,
  incoming: IncomingDocument,
  reading: CdaReading | undefined,
): Promise<DocumentRow | undefined> {
  const named = incoming.replaces ?? reading?.replaces;
  if (named !== undefined) {
    const row = await documentReceived(q, named);
    if (row !== undefined) return row;
  }
  const setId = incoming.setId ?? reading?.setId;
  const version = incoming.versionNumber ?? reading?.versionNumber;
  if (setId === undefined || version === undefined) return undefined;
  return await q("documents")
    .where({ set_id: setId })
    .where("version_number", "<", version)
    .orderBy("version_number", "desc")
    .first<DocumentRow | undefined>([...DOCUMENT_COLUMNS]);
}

/** Who a transfer was routed to and why, in order (the transfers module keeps it). */
export async function routingOf(q: Knex, transferId: string): Promise<RoutedRecipient[]> {
  return (await new TransferRepository(q).routing(transferId)).map((r) => ({
    rpps: r.rpps,
    source: r.source as RoutingSource,
    reason: r.reason,
  }));
}
