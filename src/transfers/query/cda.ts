/**
 * The CI-SIS CDA R2 document of a stored transfer (the service behind `GET /transfers/{id}/cda`).
 * Structured models (LDL-SES, LDL-EES, TLM-DA): the CDA embedded in the signed PDF, i.e. what the
 * signature covers (regenerated from the stored data, byte for byte the same, for sheets signed
 * before the CDA was embedded). TLM-CR (tele-expertise answer): the non-structured document built
 * around the stored signed answer PDF. Access control and the access audit entry are the caller's.
 */
import { hasCdaModel, sheetToCda } from "../../cda/index.ts";
import { PasserelleError } from "../../core/index.ts";
import type { FormRegistry } from "../../forms/index.ts";
import { validateSheet } from "../../forms/index.ts";
import { EMBEDDED_CDA_NAME, embedsCda, extractEmbeddedFiles } from "../../pdf/index.ts";
import type { Queryable } from "../../storage/index.ts";
import { TransferRepository } from "../record/index.ts";

export interface TransferCda {
  readonly xml: Buffer;
  readonly sheetId: string;
  readonly pdfSha256: string;
  readonly patientRef: string;
}

const notFound = (message: string, rule: string): PasserelleError =>
  new PasserelleError("NOT_FOUND", message, {
    issues: [
      {
        path: "id",
        rule,
        message:
          rule === "noCdaModel"
            ? { en: "this sheet kind has no CDA document", fr: "ce type de fiche n'a pas de document CDA" }
            : { en: "no such transfer", fr: "transfert introuvable" },
      },
    ],
  });

/** @throws PasserelleError `NOT_FOUND` when there is no such transfer or its kind has no CI-SIS model. */
export async function transferCda(
  q: Queryable,
  forms: FormRegistry,
  transferId: string,
): Promise<TransferCda> {
  const stored = await new TransferRepository(q).withPayload(transferId);
  if (stored === undefined) throw notFound("transfer not found", "notFound");
  const { transfer, ...payload } = stored;
  const sheet = validateSheet({ form: transfer.form, data: payload.data }, forms);
  if (!hasCdaModel(sheet.form.id)) throw notFound("sheet kind without a CI-SIS content model", "noCdaModel");
  const embedded = embedsCda(sheet.form.id)
    ? extractEmbeddedFiles(payload.pdf).find((f) => f.name === EMBEDDED_CDA_NAME)?.content
    : undefined;
  const xml =
    embedded ??
    Buffer.from(
      sheetToCda(sheet, {
        sheetId: transfer.sheetId,
        ...(embedsCda(sheet.form.id) ? {} : { pdf: payload.pdf }),
      }).xml,
      "utf8",
    );
  return { xml, sheetId: transfer.sheetId, pdfSha256: transfer.pdfSha256, patientRef: transfer.patientRef };
}
