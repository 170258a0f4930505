/**
 * The one intake of hospital documents, behind every channel (HL7 MDM/ORU, HTTP, CLI):
 * {@link receiveDocument} stores the document byte for byte with its SHA-256 and its audit entry,
 * and, in the SAME transaction, the transfer routing decided (or its place in the coordinators'
 * queue « à orienter ») — so once the caller acknowledges, nothing is lost. The document's own id
 * is the idempotency key: received again, it is audited `document.duplicate`, nothing is sent,
 * and the answer names the transfer made the first time.
 *
 * - `MASQUE_PS` (masked to professionals): stored and audited `document.masked`, sent to nobody.
 * - A new version (CDA relatedDocument RPLC / TXA-13 / MDM^T10 in `replaces`, or the same `setId`
 *   with a higher `versionNumber`) goes to the recipients of the version it replaces, hence the
 *   same room (same context key); its caption names the earlier transfer's reference; the earlier
 *   transfer shows `replacedBy`. A cancellation goes the same way with its own title; the
 *   cancellation of a version never sent (waiting « à orienter », masked) is sent to nobody
 *   (outcome `masked`) and takes the earlier version out of the queue.
 * - The patient the channel names and the CDA's `recordTarget` must be the same INS, else the
 *   document is refused (`VALIDATION_FAILED` naming `patient.ins`), before anything is stored.
 */
import { createHash, randomUUID } from "node:crypto";
import type { PatientRef } from "../audit/index.ts";
import { noteDischargeLetter } from "../adt/index.ts";
import { auditEvent, patientPseudonym } from "../audit/index.ts";
import { readCda } from "../cda/read/index.ts";
import { fieldError, PasserelleError } from "../core/index.ts";
import { memberAuditId } from "../directory/index.ts";
import { inTransaction } from "../storage/index.ts";
import type { StoredRecipient } from "../transfers/index.ts";
import { contextKey, TransferRepository } from "../transfers/index.ts";
import { contentBytes, documentData, senderUnitOf, signedPdf, storeDocumentTransfer } from "./deliver.ts";
import type { DocumentPdf } from "./pdf.ts";
import type { RoutingDeps } from "./routing.ts";
import { routeDocument } from "./routing.ts";
import { type DocumentRow, documentReceived, earlierVersion, routingOf } from "./store.ts";
import type { IncomingDocument, ReceivedDocument, RoutedRecipient } from "./types.ts";

export interface DocumentDeps extends RoutingDeps {
  /** The HMAC key of patient pseudonyms (`loadPseudonymKey`). */
  readonly pseudonymKey: Uint8Array;
  readonly pdf: DocumentPdf;
  /** Id generator (tests); random UUIDs by default. */
  readonly newId?: () => string;
  /** Told after a transfer is committed as queued (wire it to `OutboxWorker.wake`). */
  readonly onQueued?: (transferId: string) => void;
}

/** LOINC 11490-0 « lettre de liaison à la sortie » (art. R1112-1-2 CSP). */
const DISCHARGE_LETTER_LOINC = "11490-0";

const ACTORS = { mllp: "system:mllp", http: "api:documents", cli: "cli:document" } as const;

const bad = (path: string, en: string, fr: string): PasserelleError =>
  new PasserelleError("VALIDATION_FAILED", `${path}: ${en}`, {
    issues: [{ path, rule: "required", message: { en, fr } }],
  });

/** The recipients of an earlier transfer, to reach them again in the same room. */
async function recipientsOf(deps: DocumentDeps, transferId: string): Promise<StoredRecipient[]> {
  const rows = await new TransferRepository(deps.db.knex).recipients(transferId);
  return rows.map((r) => ({ id: r.memberId, ref: r.memberRef, matrixId: r.matrixId }));
}

/** Receives one document (see the module comment). */
export async function receiveDocument(
  deps: DocumentDeps,
  incoming: IncomingDocument,
): Promise<ReceivedDocument> {
  if (incoming.documentId.trim() === "" || incoming.documentId.length > 255)
    throw bad("documentId", "required, at most 255 characters", "obligatoire, 255 caractères au plus");
  const bytes = contentBytes(incoming);
  if (bytes.length === 0) throw bad("content", "empty document", "document vide");
  const actor = ACTORS[incoming.channel];
  const patient = patientPseudonym(incoming.patient.ins, deps.pseudonymKey);
  const sha256 = createHash("sha256").update(bytes).digest("hex");
  const seen = await documentReceived(deps.db.knex, incoming.documentId);
  if (seen !== undefined) return duplicate(deps, seen, actor, patient, sha256);
  const reading = incoming.content.kind === "cda" ? readCda(bytes) : undefined;
  const cdaIns = reading?.patient.ins;
  if (cdaIns !== undefined && patientPseudonym(cdaIns, deps.pseudonymKey) !== patient)
    throw fieldError(
      "VALIDATION_FAILED",
      "patient.ins: not the INS of the document's recordTarget",
      "patient.ins",
      "ins.mismatch",
      {
        en: "differs from the INS of the CDA's recordTarget",
        fr: "différent de l’INS du recordTarget du CDA",
      },
    );
  // the stay: PV1-19 from the channel, else the CDA's encompassingEncounter/id
  const visit = incoming.visitNumber ?? reading?.encounter?.visit;
  const earlier = await earlierVersion(deps.db.knex, incoming, reading);
  const earlierTransfer =
    earlier?.transfer_id == null
      ? undefined
      : await new TransferRepository(deps.db.knex).get(earlier.transfer_id);

  let outcome: ReceivedDocument["outcome"];
  let routing: readonly RoutedRecipient[] = [];
  let members: StoredRecipient[] = [];
  if (incoming.flags.maskedToProfessionals) outcome = "masked";
  else if (incoming.cancellation === true && earlier !== undefined && earlierTransfer === undefined)
    outcome = "masked"; // nothing was sent: nobody to tell
  else if (earlierTransfer !== undefined) {
    routing = await routingOf(deps.db.knex, earlierTransfer.id);
    members = await recipientsOf(deps, earlierTransfer.id);
    outcome = members.length === 0 ? "to_route" : "queued";
  } else {
    const routed = await routeDocument(
      deps,
      { ...incoming, ...(visit === undefined ? {} : { visitNumber: visit }) },
      reading,
      patient,
    );
    routing = routed.routing;
    members = routed.members.map((m) => ({ id: m.id, ref: memberAuditId(m), matrixId: m.matrixId }));
    outcome = members.length === 0 ? "to_route" : "queued";
  }
  const id = (deps.newId ?? randomUUID)();
  const transferId = outcome === "queued" ? (deps.newId ?? randomUUID)() : undefined;
  const signed = transferId === undefined ? undefined : await signedPdf(deps.pdf, incoming, reading);
  const senderUnit = earlierTransfer?.senderUnit ?? senderUnitOf(reading);
  const now = deps.clock.now().toISOString();
  const common = { actor, patient, documentSha256: sha256 };
  try {
    await inTransaction(deps.db.knex, async (trx) => {
      await trx("documents").insert({
        id,
        document_id: incoming.documentId,
        set_id: incoming.setId ?? reading?.setId ?? null,
        version_number: incoming.versionNumber ?? reading?.versionNumber ?? null,
        replaces: incoming.replaces ?? reading?.replaces ?? null,
        cancellation: incoming.cancellation === true ? "yes" : null,
        type_code: incoming.typeCode.slice(0, 20),
        channel: incoming.channel,
        patient_ref: patient,
        visit_number: visit?.slice(0, 64) ?? null,
        content_kind: incoming.content.kind,
        content: Buffer.from(bytes),
        sha256,
        incoming_json: JSON.stringify({ ...incoming, content: { kind: incoming.content.kind } }),
        state: outcome,
        transfer_id: transferId ?? null,
        received_at: now,
        routed_at: transferId === undefined ? null : now,
      });
      await deps.trail.appendWithin(trx, [
        auditEvent("document.received", { ...common, reason: `channel.${incoming.channel}` }),
      ]);
      // the HAS same-day indicator counts the hospital's discharge letter for its stay (by visit)
      if (incoming.typeCode === DISCHARGE_LETTER_LOINC && visit !== undefined)
        await noteDischargeLetter(trx, {
          patientRef: patient,
          visit: visit.slice(0, 64),
          receivedAt: now,
          ...(transferId === undefined ? {} : { transferId }),
        });
      if (earlier !== undefined) {
        // the earlier version leaves the queue « à orienter » if it was waiting there
        if (earlier.state === "to_route")
          await trx("documents").where({ id: earlier.id, state: "to_route" }).update({ state: "replaced" });
        await deps.trail.appendWithin(trx, [
          auditEvent("document.replaced", {
            ...common,
            ...(earlier.transfer_id == null ? {} : { transfer: earlier.transfer_id }),
            reason: incoming.cancellation === true ? "version.cancelled" : "version.replaced",
          }),
        ]);
      }
      if (outcome === "masked") {
        await deps.trail.appendWithin(trx, [
          auditEvent("document.masked", {
            ...common,
            reason: incoming.flags.maskedToProfessionals ? "masque_ps" : "cancels_unsent_version",
          }),
        ]);
        return;
      }
      if (transferId === undefined || signed === undefined) {
        await deps.trail.appendWithin(trx, [
          auditEvent("document.queued_for_routing", { ...common, reason: "routing.nobody_reachable" }),
        ]);
        return;
      }
      await storeDocumentTransfer(trx, deps, {
        transferId,
        sheetId: (deps.newId ?? randomUUID)(),
        actor,
        incoming,
        data: documentData(incoming, reading, earlierTransfer?.sheetId),
        signed,
        patient,
        members,
        routing,
        senderUnit,
        contextKey:
          earlierTransfer?.contextKey ??
          contextKey(
            patient,
            senderUnit,
            members.map((m) => m.id),
          ),
        documentSha256: sha256,
        ...(earlierTransfer === undefined ? {} : { replaces: earlierTransfer.id }),
      });
    });
  } catch (e) {
    // the same document delivered twice at once: the loser answers as a duplicate
    const winner = await documentReceived(deps.db.knex, incoming.documentId);
    if (winner === undefined) throw e;
    return duplicate(deps, winner, actor, patient, sha256);
  }
  if (transferId !== undefined) deps.onQueued?.(transferId);
  return {
    documentId: incoming.documentId,
    duplicate: false,
    ...(transferId === undefined ? {} : { transferId }),
    outcome,
    routing,
  };
}

async function duplicate(
  deps: DocumentDeps,
  row: DocumentRow,
  actor: string,
  patient: PatientRef,
  sha256: string,
): Promise<ReceivedDocument> {
  await deps.trail.append(
    auditEvent("document.duplicate", {
      actor,
      patient,
      documentSha256: sha256,
      ...(row.transfer_id == null ? {} : { transfer: row.transfer_id }),
      // the same id with other bytes: kept as first received, flagged for review
      ...(row.sha256 === sha256 ? {} : { outcome: "failure" as const, reason: "document.content_differs" }),
    }),
  );
  return {
    documentId: row.document_id,
    duplicate: true,
    ...(row.transfer_id == null ? {} : { transferId: row.transfer_id }),
    outcome: row.state === "masked" ? "masked" : row.transfer_id == null ? "to_route" : "queued",
    routing: row.transfer_id == null ? [] : await routingOf(deps.db.knex, row.transfer_id),
  };
}
