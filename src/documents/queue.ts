/**
 * The coordinators' queue « à orienter »: documents nobody could be found for wait there (never
 * dropped). {@link listToRoute} lists them, oldest first; {@link assignDocument} — a coordinator's
 * choice of recipients — creates the transfer (routing source `coordinator`) and the document
 * leaves the queue; {@link escalateToRoute} reminds the coordinators of documents still waiting
 * after the escalation delay of an unacknowledged sheet (24 h for a discharge letter, LOINC
 * 11490-0; 72 h otherwise), then again after each further delay, audited `document.escalated`.
 */
import { createHash, randomUUID } from "node:crypto";
import type { PatientRef } from "../audit/index.ts";
import { auditEvent } from "../audit/index.ts";
import { readCda } from "../cda/read/index.ts";
import type { PasserelleError } from "../core/index.ts";
import { fieldError } from "../core/index.ts";
import { memberAuditId } from "../directory/index.ts";
import { inTransaction } from "../storage/index.ts";
import type { StoredRecipient } from "../transfers/index.ts";
import { contextKey, reachableMember } from "../transfers/index.ts";
import { documentData, senderUnitOf, signedPdf, storeDocumentTransfer } from "./deliver.ts";
import type { DocumentDeps } from "./service.ts";
import { DOCUMENT_COLUMNS, type DocumentRow, documentReceived } from "./store.ts";
import type { IncomingDocument, IncomingPatient, ReceivedDocument, RoutedRecipient } from "./types.ts";

/** One document waiting « à orienter ». */
export interface ToRouteItem {
  readonly documentId: string;
  readonly receivedAt: string;
  readonly typeCode: string;
  readonly title?: string;
  /** Identity as the hospital sent it (coordinators need it to orient the document). */
  readonly patient: Omit<IncomingPatient, "insOid">;
  readonly visitNumber?: string;
  readonly escalations: number;
}

/** The queue, oldest first. */
export async function listToRoute(deps: Pick<DocumentDeps, "db">, limit = 100): Promise<ToRouteItem[]> {
  const rows = await deps.db
    .knex("documents")
    .where({ state: "to_route" })
    .orderBy("received_at")
    .limit(limit)
    .select<DocumentRow[]>([...DOCUMENT_COLUMNS]);
  return rows.map((r) => {
    const i = JSON.parse(r.incoming_json) as IncomingDocument;
    return {
      documentId: r.document_id,
      receivedAt: r.received_at,
      typeCode: r.type_code,
      ...(i.title === undefined ? {} : { title: i.title }),
      patient: {
        ins: i.patient.ins,
        ...(i.patient.family === undefined ? {} : { family: i.patient.family }),
        ...(i.patient.given === undefined ? {} : { given: i.patient.given }),
        ...(i.patient.birthDate === undefined ? {} : { birthDate: i.patient.birthDate }),
      },
      ...(r.visit_number === null ? {} : { visitNumber: r.visit_number }),
      escalations: r.escalations,
    };
  });
}

const fail = (
  code: "NOT_FOUND" | "CONFLICT" | "VALIDATION_FAILED" | "FORBIDDEN",
  path: string,
  rule: string,
  en: string,
  fr: string,
) => fieldError(code, `${path}: ${en}`, path, rule, { en, fr });

const notToRoute = (): PasserelleError =>
  fail(
    "CONFLICT",
    "documentId",
    "document.not_to_route",
    "the document is not waiting to be routed",
    "le document n’est pas à orienter",
  );

/**
 * A coordinator sends a waiting document to `rpps` (each known, active, reachable — else refused
 * naming `to[i]`, nothing sent). `actor` is the coordinator (`rpps:…`, `cli:…`, a Matrix id).
 */
export async function assignDocument(
  deps: DocumentDeps,
  documentId: string,
  rpps: readonly string[],
  actor: string,
): Promise<ReceivedDocument> {
  const row = await documentReceived(deps.db.knex, documentId);
  if (row === undefined)
    throw fail("NOT_FOUND", "documentId", "document.unknown", "no such document", "document inconnu");
  if (row.state !== "to_route") throw notToRoute();
  if (rpps.length === 0)
    throw fail("VALIDATION_FAILED", "to", "required", "at least one recipient", "au moins un destinataire");
  const routing: RoutedRecipient[] = [];
  const members: StoredRecipient[] = [];
  for (const [i, r] of rpps.entries()) {
    const m = await reachableMember(deps, r);
    if (!("member" in m))
      throw fail(
        m.reason === "recipient.unknown" ? "NOT_FOUND" : "FORBIDDEN",
        `to[${i}]`,
        m.reason,
        "recipient cannot receive documents",
        "destinataire refusé (annuaire)",
      );
    if (members.some((x) => x.id === m.member.id)) continue;
    members.push({ id: m.member.id, ref: memberAuditId(m.member), matrixId: m.member.matrixId });
    routing.push({ rpps: r, source: "coordinator", reason: "coordinator.assigned" });
  }
  const content = await deps.db.knex("documents").where({ id: row.id }).first<{
    content: Buffer;
  }>("content");
  const stored = JSON.parse(row.incoming_json) as IncomingDocument;
  const bytes = new Uint8Array(content.content);
  const incoming: IncomingDocument = {
    ...stored,
    content: row.content_kind === "cda" ? { kind: "cda", cda: bytes } : { kind: "pdf", pdf: bytes },
  };
  const reading = row.content_kind === "cda" ? readCda(bytes) : undefined;
  const signed = await signedPdf(deps.pdf, incoming, reading);
  const transferId = (deps.newId ?? randomUUID)();
  const patient = row.patient_ref as PatientRef;
  const senderUnit = senderUnitOf(reading);
  const now = deps.clock.now().toISOString();
  await inTransaction(deps.db.knex, async (trx) => {
    const taken = await trx("documents")
      .where({ id: row.id, state: "to_route" })
      .update({ state: "queued", transfer_id: transferId, routed_at: now, routed_by: actor });
    if (taken !== 1) throw notToRoute();
    await deps.trail.appendWithin(
      trx,
      members.map((m) =>
        auditEvent("document.assigned", {
          actor,
          patient,
          documentSha256: row.sha256,
          transfer: transferId,
          member: m.ref,
        }),
      ),
    );
    await storeDocumentTransfer(trx, deps, {
      transferId,
      sheetId: (deps.newId ?? randomUUID)(),
      actor,
      incoming,
      data: documentData(incoming, reading),
      signed,
      patient,
      members,
      routing,
      senderUnit,
      contextKey: contextKey(
        patient,
        senderUnit,
        members.map((m) => m.id),
      ),
      documentSha256: row.sha256,
    });
  });
  deps.onQueued?.(transferId);
  return { documentId, duplicate: false, transferId, outcome: "queued", routing };
}

const HOUR = 3_600_000;

/** A reminder about a document waiting « à orienter ». */
export interface ToRouteReminder {
  readonly documentId: string;
  readonly hours: number;
  /** 1 for the first reminder, then 2, … */
  readonly escalation: number;
  /** A stable Matrix transaction id stem for this reminder (the same reminder never posts twice). */
  readonly key: string;
  /** The coordinators' notice: no patient data. */
  readonly bodyFr: string;
}

/** The coordinators' notice (the document type and the delay only, never patient data). */
export function toRouteNoticeFr(typeCode: string, hours: number): string {
  return `Relance Passerelle : un document de l’établissement (LOINC ${typeCode}) attend d’être orienté depuis ${String(hours)} h — personne n’a pu être trouvé pour le recevoir. Voir la file « à orienter » (passerelle document queue).`;
}

/** Hours a document may wait « à orienter » before the coordinators are reminded. */
export const toRouteDelayHours = (typeCode: string): number => (typeCode === "11490-0" ? 24 : 72);

/**
 * Documents waiting past their delay (since reception, or since their last reminder), audited
 * `document.escalated` and counted; `notify` tells the coordinators (the escalation scheduler's
 * transport) before each is marked, so a failed notice is retried at the next look.
 */
export async function escalateToRoute(
  deps: Pick<DocumentDeps, "db" | "trail" | "clock">,
  notify: (item: ToRouteReminder) => Promise<void>,
): Promise<number> {
  const now = deps.clock.now();
  const rows = await deps.db
    .knex("documents")
    .where({ state: "to_route" })
    .orderBy("received_at")
    .select<DocumentRow[]>([...DOCUMENT_COLUMNS]);
  let escalated = 0;
  for (const r of rows) {
    const since = Date.parse(r.escalated_at ?? r.received_at);
    if (since + toRouteDelayHours(r.type_code) * HOUR > now.getTime()) continue;
    const hours = Math.round((now.getTime() - Date.parse(r.received_at)) / HOUR);
    const n = r.escalations + 1;
    await notify({
      documentId: r.document_id,
      hours,
      escalation: n,
      key: `passerelle.document.${createHash("sha256").update(r.document_id).digest("hex").slice(0, 16)}.escalation.${String(n)}`,
      bodyFr: toRouteNoticeFr(r.type_code, hours),
    });
    await inTransaction(deps.db.knex, async (trx) => {
      await trx("documents").where({ id: r.id }).update({ escalated_at: now.toISOString(), escalations: n });
      await deps.trail.appendWithin(trx, [
        auditEvent("document.escalated", {
          actor: "system:documents",
          patient: r.patient_ref as PatientRef,
          documentSha256: r.sha256,
          reason: "routing.overdue",
        }),
      ]);
    });
    escalated++;
  }
  return escalated;
}
