import { createHash, randomUUID } from "node:crypto";
import type { Clock } from "../core/index.ts";
import type { ValidatedSheet } from "../forms/index.ts";
import { addSignaturePlaceholder } from "./placeholder.ts";
import { renderSheet } from "./render.ts";
import { signPdf } from "./sign.ts";
import type { Signer } from "./signer.ts";

export interface SignedSheet {
  readonly sheetId: string;
  readonly pdf: Buffer;
  /** SHA-256 (hex) of the signed PDF: what the audit trail and the Matrix event carry. */
  readonly sha256: string;
}

export interface ProduceOptions {
  readonly signer: Signer;
  readonly clock: Clock;
  /** Defaults to a random UUID. */
  readonly sheetId?: string;
  /** Shown by viewers next to the signature (the certificate stays authoritative). */
  readonly signerName?: string;
}

/**
 * Renders a validated sheet and signs it PAdES B-B (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached):
 * the one pipeline behind `sheet sign`, the transfers workflow and the benchmarks.
 */
export async function produceSignedSheet(sheet: ValidatedSheet, opts: ProduceOptions): Promise<SignedSheet> {
  const sheetId = opts.sheetId ?? randomUUID();
  const unsigned = await renderSheet(sheet.form, sheet.data, {
    clock: opts.clock,
    sheetId,
    beforeEnd: (doc) => {
      addSignaturePlaceholder(doc, {
        signingTime: opts.clock.now(),
        reason: `${sheet.form.title.fr} — signature de l’établissement émetteur`,
        ...(opts.signerName === undefined ? {} : { name: opts.signerName }),
      });
    },
  });
  const pdf = await signPdf(unsigned, opts.signer);
  return { sheetId, pdf, sha256: createHash("sha256").update(pdf).digest("hex") };
}
