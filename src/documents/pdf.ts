/**
 * The seam between the documents service and the PDF it delivers ({@link DocumentPdf}), and its
 * implementation on Passerelle's signer ({@link documentPdf}):
 * - a hospital's PDF is sealed with Passerelle's PAdES B-B signature (ETSI EN 319 142-1) as an
 *   incremental update (ISO 32000-1 §7.5.6): the hospital's bytes stay a prefix of the delivered
 *   file and any signature the hospital put on it stays valid (`sealPdf`);
 * - a CDA R2 document with a structured body, or a CI-SIS « CDA R2 niveau 1 » body in plain text, is
 *   rendered as a readable signed PDF/A-3b with the CDA embedded unchanged as an associated file
 *   (ISO 19005-3 Annex E; `renderCdaPdf`);
 * - a CDA R2 niveau 1 whose `nonXMLBody` is a PDF (IHE XDS-SD) is delivered as that PDF, sealed the
 *   same way as a PDF received directly. The CDA itself is not lost: the documents service keeps
 *   it byte for byte in the `documents` table (with its SHA-256), whatever is delivered.
 * Any other embedded media type is refused (`UNSUPPORTED_MEDIA_TYPE`) before anything is stored.
 */
import { createHash } from "node:crypto";
import type { CdaReading } from "../cda/read/index.ts";
import type { Clock } from "../core/index.ts";
import type { Signer } from "../pdf/index.ts";
import { renderCdaPdf, sealPdf } from "../pdf/index.ts";

/** A signed PDF ready to deliver. */
export interface SignedPdf {
  readonly pdf: Buffer;
  /** SHA-256 (hex) of `pdf`. */
  readonly sha256: string;
}

/** What the documents service needs to turn a received document into the PDF it delivers. */
export interface DocumentPdf {
  /** Seals a hospital's PDF (PAdES incremental update). */
  seal(pdf: Uint8Array): Promise<SignedPdf>;
  /** A CDA R2 document as the PDF to deliver (see the module comment). */
  renderCda(reading: CdaReading, bytes: Uint8Array): Promise<SignedPdf>;
}

const SEAL_REASON = "Transmission Passerelle — scellement du document de l’établissement";

/** The PDF seam on Passerelle's signer, signing at the clock's time (see the module comment). */
export function documentPdf(signer: Signer, clock: Clock): DocumentPdf {
  const seal = async (pdf: Uint8Array): Promise<SignedPdf> => {
    const sealed = await sealPdf(pdf, signer, { signingTime: clock.now(), reason: SEAL_REASON });
    return { pdf: sealed, sha256: createHash("sha256").update(sealed).digest("hex") };
  };
  return {
    seal,
    renderCda: async (reading, bytes) => {
      const body = reading.body;
      if (body.kind === "nonXML" && body.embedded.mediaType.toLowerCase().startsWith("application/pdf"))
        return seal(body.embedded.bytes);
      const r = await renderCdaPdf(reading, bytes, signer, { clock });
      return { pdf: r.pdf, sha256: r.sha256 };
    },
  };
}
