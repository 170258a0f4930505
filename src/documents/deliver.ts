/**
 * A document's transfer through the outbox (kind `document`, form `document@1`): the caption's
 * data (title, patient, establishment, dates, the hospital's message), the signed PDF from the
 * {@link DocumentPdf} seam, its routing rows and, for a new version, the transfer it replaces.
 *
 * Evidence asked by the hospital (CI-SIS metadata OBX) maps onto what Matrix can prove:
 * - `ACK_RECEPTION` (accusé de réception) → `reception`: the hub's delivery evidence, i.e. the
 *   recipient's device received the encrypted event (transfer state `delivered`);
 * - `ACK_LECTURE_MSS` (accusé de lecture MSSanté) → `reading`: the recipient's read receipt
 *   (`m.read`, state `read`), and an encrypted `!ack` acknowledgement proves it further.
 * Both are stored on the transfer (`evidence_asked`) so that the channel can answer the hospital.
 */
import type { Knex } from "knex";
import type { PatientRef } from "../audit/index.ts";
import { auditEvent } from "../audit/index.ts";
import type { CdaReading } from "../cda/read/index.ts";
import type { StoredRecipient } from "../transfers/index.ts";
import { storeSignedTransfer } from "../transfers/index.ts";
import type { TransferContext } from "../transfers/index.ts";
import type { DocumentPdf, SignedPdf } from "./pdf.ts";
import type { IncomingDocument, RoutedRecipient } from "./types.ts";

export const DOCUMENT_FORM = "document@1";
export const DOCUMENT_KIND = "document";

/** The evidence asked for (see the module comment). */
export function evidenceAsked(incoming: IncomingDocument): string[] {
  return [
    ...(incoming.flags.ackReception ? ["reception"] : []),
    ...(incoming.flags.ackReading ? ["reading"] : []),
  ];
}

const day = (v: string | undefined): string | undefined => (v === undefined ? undefined : v.slice(0, 10));

/** The JSON payload of a document's transfer: what its caption is built from. */
export function documentData(
  incoming: IncomingDocument,
  reading: CdaReading | undefined,
  replacesSheetId?: string,
): Record<string, unknown> {
  const p = reading?.patient;
  const e = reading?.encounter;
  const establishment = reading?.custodian?.name ?? e?.facility?.name;
  const evidence = evidenceAsked(incoming);
  return {
    document: {
      title: incoming.title ?? reading?.title,
      typeCode: incoming.typeCode,
      ...(reading?.effectiveTime === undefined ? {} : { effectiveTime: reading.effectiveTime }),
      ...(incoming.cancellation === true ? { cancellation: true } : {}),
      ...(incoming.flags.bodyForProfessionals === undefined
        ? {}
        : { message: incoming.flags.bodyForProfessionals }),
      ...(evidence.length === 0 ? {} : { evidenceAsked: evidence }),
    },
    patient: {
      lastName: p?.usedFamily ?? p?.family ?? incoming.patient.family,
      firstNames: p?.usedGiven ?? p?.given ?? incoming.patient.given,
      birthDate: p?.birthDate ?? incoming.patient.birthDate,
      sex: p?.sex ?? incoming.patient.sex,
      ins: incoming.patient.ins,
    },
    ...(establishment === undefined
      ? {}
      : { establishment: { name: establishment, ...(e?.unit === undefined ? {} : { unit: e.unit }) } }),
    ...(e === undefined ? {} : { stay: { admissionDate: day(e.start), dischargeDate: day(e.end) } }),
    ...(replacesSheetId === undefined ? {} : { replaces: replacesSheetId }),
  };
}

/** Everything to store one document transfer. */
export interface DocumentTransfer {
  readonly transferId: string;
  readonly sheetId: string;
  readonly actor: string;
  readonly incoming: IncomingDocument;
  readonly data: Record<string, unknown>;
  readonly signed: SignedPdf;
  readonly patient: PatientRef;
  readonly members: readonly StoredRecipient[];
  readonly routing: readonly RoutedRecipient[];
  readonly senderUnit: string;
  readonly contextKey: string;
  readonly documentSha256: string;
  /** The transfer of the version this one replaces. */
  readonly replaces?: string;
}

/** Stores the transfer, its routing and evidence asked, and audits each recipient's reason, within `trx`. */
export async function storeDocumentTransfer(
  trx: Knex.Transaction,
  deps: Pick<TransferContext, "clock" | "trail">,
  t: DocumentTransfer,
): Promise<void> {
  await storeSignedTransfer(trx, deps, {
    transferId: t.transferId,
    actor: t.actor,
    form: DOCUMENT_FORM,
    kind: DOCUMENT_KIND,
    data: t.data,
    signed: { sheetId: t.sheetId, pdf: t.signed.pdf, sha256: t.signed.sha256 },
    patient: t.patient,
    members: t.members,
    senderUnit: t.senderUnit,
    contextKey: t.contextKey,
    routing: t.routing,
    evidenceAsked: evidenceAsked(t.incoming),
    ...(t.replaces === undefined ? {} : { replaces: t.replaces }),
  });
  await deps.trail.appendWithin(
    trx,
    t.routing.map((r) =>
      auditEvent("document.routed", {
        actor: t.actor,
        patient: t.patient,
        documentSha256: t.documentSha256,
        transfer: t.transferId,
        member: `rpps:${r.rpps}`,
        reason: r.reason,
      }),
    ),
  );
}

export const contentBytes = (i: IncomingDocument): Uint8Array =>
  i.content.kind === "cda" ? i.content.cda : i.content.pdf;

/** The sending structure: the custodian's FINESS when the CDA names it. */
export function senderUnitOf(reading: CdaReading | undefined): string {
  const finess = reading?.custodian?.finess ?? reading?.encounter?.facility?.finess;
  return finess === undefined ? "hospital" : `finess:${finess}`;
}

/** The PDF to deliver, through the seam. */
export function signedPdf(
  pdf: DocumentPdf,
  incoming: IncomingDocument,
  reading: CdaReading | undefined,
): Promise<SignedPdf> {
  return reading === undefined
    ? pdf.seal(contentBytes(incoming))
    : pdf.renderCda(reading, contentBytes(incoming));
}
