/** JSON views of domain records for the API: ids, states and professional data, never sheet content. */
import type { Member, Structure } from "../directory/index.ts";
import type { VerificationReport } from "../pdf/index.ts";
import type { PatientSummary, TransferListItem, TransferStatus } from "../transfers/index.ts";

export function memberView(m: Member): Record<string, unknown> {
  return {
    ...(m.rpps === undefined ? {} : { rpps: m.rpps }),
    ...(m.adeli === undefined ? {} : { adeli: m.adeli }),
    displayName: m.displayName,
    professionCode: m.professionCode,
    ...(m.specialityCode === undefined ? {} : { specialityCode: m.specialityCode }),
    ...(m.specialityLabel === undefined ? {} : { specialityLabel: m.specialityLabel }),
    ...(m.structureId === undefined ? {} : { structureId: m.structureId }),
    ...(m.matrixId === undefined ? {} : { matrixId: m.matrixId }),
    roles: m.roles,
  };
}

export const structureView = (s: Structure): Structure => s;

/** Why each recipient of a hospital document was chosen, and its versions (GET /transfers/{id} only). */
export type TransferDetail = Pick<TransferStatus, "routing" | "links">;

/** A transfer; `patient` only for the callers allowed to read its sheet (see `readsSheets`). */
export function transferView(
  t: TransferListItem,
  patient?: PatientSummary,
  detail?: TransferDetail,
): Record<string, unknown> {
  return {
    id: t.id,
    reference: t.reference,
    form: t.form,
    kind: t.kind,
    sheetId: t.sheetId,
    pdfSha256: t.pdfSha256,
    state: t.state,
    attempts: t.attempts,
    ...(t.lastReason === undefined ? {} : { lastReason: t.lastReason }),
    createdAt: t.createdAt,
    ...(t.sentAt === undefined ? {} : { sentAt: t.sentAt }),
    overdue: t.overdue,
    recipients: t.recipients.map((r) => ({
      memberRef: r.memberRef,
      ...(r.deliveredAt === undefined ? {} : { deliveredAt: r.deliveredAt }),
      ...(r.readAt === undefined ? {} : { readAt: r.readAt }),
      ...(r.acknowledgedAt === undefined ? {} : { acknowledgedAt: r.acknowledgedAt }),
      ...(r.acknowledgedDeviceId === undefined ? {} : { acknowledgedDeviceId: r.acknowledgedDeviceId }),
    })),
    ...(patient === undefined ? {} : { patient }),
    ...(detail === undefined
      ? {}
      : {
          routing: detail.routing.map((l) => ({ rpps: l.rpps, source: l.source, reason: l.reason })),
          ...(detail.links.replaces === undefined ? {} : { replaces: detail.links.replaces }),
          ...(detail.links.replacesReference === undefined
            ? {}
            : { replacesReference: detail.links.replacesReference }),
          ...(detail.links.replacedBy === undefined ? {} : { replacedBy: detail.links.replacedBy }),
          ...(detail.links.replacedByReference === undefined
            ? {}
            : { replacedByReference: detail.links.replacedByReference }),
        }),
  };
}

export function pdfReportView(r: VerificationReport): Record<string, unknown> {
  return {
    valid: r.valid,
    signatureValid: r.signatureValid,
    byteRangeCoversWholeFile: r.byteRangeCoversWholeFile,
    chainTrusted: r.chainTrusted,
    signer:
      r.signer === undefined
        ? null
        : {
            ...(r.signer.commonName === undefined ? {} : { commonName: r.signer.commonName }),
            ...(r.signer.organisation === undefined ? {} : { organisation: r.signer.organisation }),
            ...(r.signer.finess === undefined ? {} : { finess: r.signer.finess }),
            subject: r.signer.subject,
            issuer: r.signer.issuer,
            serialNumber: r.signer.serialNumber,
            certificateSha256: r.signer.certificateSha256,
            notBefore: r.signer.notBefore.toISOString(),
            notAfter: r.signer.notAfter.toISOString(),
          },
    signingTime: r.signingTime?.toISOString() ?? null,
    subFilter: r.subFilter ?? null,
    signatureCount: r.signatureCount,
    issues: r.issues,
  };
}
