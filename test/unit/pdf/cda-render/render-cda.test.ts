/**
 * renderCdaPdf: a hospital's CDA R2 document as a signed PDF/A-3b, the original CDA embedded byte
 * for byte as an associated file (/AFRelationship /Source), nothing of the patient in the file's
 * metadata, an N1 document embedding a PDF refused (it is sealed, not rendered).
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readCda } from "../../../../src/cda/read/index.ts";
import { fixedClock } from "../../../../src/core/index.ts";
import { renderCdaPdf } from "../../../../src/pdf/cda-render/index.ts";
import { EMBEDDED_CDA_NAME, extractEmbeddedFiles, verifyPdf } from "../../../../src/pdf/index.ts";
import { P12Signer } from "../../../../src/pdf/sign/signer.ts";
import { encode, n1Document, PATIENT } from "../../../helpers/cda-hospital.ts";
import { makePki, PASSPHRASE, VERIFY_CLOCK, type TestPki } from "../sign-fixtures.ts";
import { cdaDocuments } from "./documents.ts";

const clock = fixedClock("2025-03-10T14:30:00Z");
const sha256 = (b: Uint8Array): string => createHash("sha256").update(b).digest("hex");

let pki: TestPki;
let signer: P12Signer;
let docs: Awaited<ReturnType<typeof cdaDocuments>>;
beforeAll(async () => {
  pki = await makePki();
  signer = await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE);
  docs = await cdaDocuments();
});
afterAll(async () => pki.cleanup());

describe("renderCdaPdf", () => {
  it("renders, embeds unchanged and signs every document", async () => {
    expect(docs.length).toBeGreaterThanOrEqual(5);
    for (const { name, bytes } of docs) {
      const out = await renderCdaPdf(readCda(bytes), bytes, signer, { clock });
      const report = await verifyPdf(out.pdf, { trustedCas: [pki.caPem], clock: VERIFY_CLOCK });
      expect(report.valid, name).toBe(true);
      expect(report.byteRangeCoversWholeFile).toBe(true);
      const files = extractEmbeddedFiles(out.pdf);
      expect(
        files.map((f) => [f.name, f.mimeType]),
        name,
      ).toEqual([[EMBEDDED_CDA_NAME, "text/xml"]]);
      expect(sha256(files[0]?.content ?? Buffer.alloc(0)), name).toBe(sha256(bytes));
      expect(out.cdaSha256).toBe(sha256(bytes));
      expect(out.sha256).toBe(sha256(out.pdf));
      const raw = out.pdf.toString("latin1");
      expect(raw).toContain("pdfaid:part>3");
      expect(raw).toContain("pdfaid:conformance>B");
      expect(raw).toMatch(/\/AFRelationship \/Source/);
      expect(raw).toMatch(/\/AF \[\d+ 0 R\]/);
      expect(raw).toMatch(/\/OutputIntents/);
    }
  });

  it("keeps the patient out of the file's metadata and the attachment's name", async () => {
    const bytes = encode(n1Document({ text: "Texte du compte rendu." }));
    const out = await renderCdaPdf(readCda(bytes), bytes, signer, { clock });
    const raw = out.pdf.toString("latin1");
    for (const s of [PATIENT.ins, "DUPR", "Dupr", "LÉA", "Léa"]) expect(raw).not.toContain(s);
    // The title is the document type (LOINC display name), in the XMP metadata PDF/A requires.
    expect(Buffer.from(raw, "latin1").toString("utf8")).toContain(
      '<rdf:li xml:lang="x-default">Lettre de liaison à la sortie',
    );
  });

  it("is deterministic for a given clock and signer", async () => {
    const { bytes } = docs[0] ?? { bytes: Buffer.alloc(0) };
    const a = await renderCdaPdf(readCda(bytes), bytes, signer, { clock });
    const b = await renderCdaPdf(readCda(bytes), bytes, signer, { clock });
    expect(a.sha256).toBe(b.sha256);
  });

  it("refuses an N1 document embedding a PDF: UNSUPPORTED_MEDIA_TYPE, no content in the message", async () => {
    const bytes = encode(n1Document());
    const error = await renderCdaPdf(readCda(bytes), bytes, signer, { clock }).catch((e: unknown) => e);
    expect(error).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE" });
    expect((error as Error).message).not.toMatch(/Dupr|Fictiville/i);
  });
});
