/**
 * The seam between the documents service and the PDF it delivers: a hospital's PDF is sealed
 * (PAdES, ETSI EN 319 142-1, as an incremental update of the hospital's own file, so its bytes
 * and any earlier signature stay intact), a CDA R2 document is rendered as a signed readable PDF
 * with the CDA embedded (PDF/A-3 associated file, ISO 19005-3 Annex E). The service only ever
 * calls {@link DocumentPdf}; the production implementations (`sealPdf`, `renderCdaPdf`) are wired
 * by the application.
 *
 * {@link interimDocumentPdf} is a real, minimal implementation on the existing signing pipeline
 * (pdfkit + `addSignaturePlaceholder` + `signPdf`): a cover page (title, patient, establishment,
 * dates, the document's SHA-256) signed PAdES B-B, with the hospital's file embedded byte for
 * byte as an associated file (relationship `Source`). It does not render a CDA's sections nor
 * preserve the hospital PDF as the signed document itself: that is what the production functions do.
 */
import { createHash } from "node:crypto";
import PDFDocument from "pdfkit";
import type { CdaReading } from "../cda/read/index.ts";
import type { Clock } from "../core/index.ts";
import type { Signer } from "../pdf/index.ts";
import { addSignaturePlaceholder, signPdf } from "../pdf/index.ts";

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
  /** Renders a CDA R2 document as a signed readable PDF with the CDA embedded. */
  renderCda(reading: CdaReading, bytes: Uint8Array): Promise<SignedPdf>;
}

interface Cover {
  readonly title: string;
  readonly lines: readonly string[];
  readonly file: { readonly name: string; readonly mimeType: string; readonly content: Buffer };
}

/** The interim implementation (see the module comment). */
export function interimDocumentPdf(signer: Signer, clock: Clock): DocumentPdf {
  return {
    seal: (pdf) =>
      coverPdf(signer, clock, {
        title: "Document de l’établissement",
        lines: ["Le document PDF de l’établissement est joint à ce fichier, tel qu’il a été reçu."],
        file: { name: "document.pdf", mimeType: "application/pdf", content: Buffer.from(pdf) },
      }),
    renderCda: (r, bytes) => {
      const p = r.patient;
      const lines = [
        `Patient : ${[p.usedFamily ?? p.family, p.usedGiven ?? p.given].filter((x) => x !== undefined).join(" ")}${p.birthDate === undefined ? "" : `, né(e) le ${p.birthDate}`}`,
        ...(r.custodian?.name === undefined ? [] : [`Établissement : ${r.custodian.name}`]),
        ...(r.author.name === undefined ? [] : [`Auteur : ${r.author.name}`]),
        ...(r.effectiveTime === undefined ? [] : [`Date : ${r.effectiveTime}`]),
        `Type : LOINC ${r.code.code}`,
        "Le document CDA R2 de l’établissement est joint à ce fichier, tel qu’il a été reçu.",
      ];
      const body =
        r.body.kind === "nonXML"
          ? []
          : r.body.sections.flatMap((s) => [s.title ?? "", s.text].filter((x) => x !== ""));
      return coverPdf(signer, clock, {
        title: r.title ?? "Document de l’établissement",
        lines: [...lines, ...body],
        file: { name: "document-cda.xml", mimeType: "text/xml", content: Buffer.from(bytes) },
      });
    },
  };
}

async function coverPdf(signer: Signer, clock: Clock, c: Cover): Promise<SignedPdf> {
  const now = clock.now();
  const doc = new PDFDocument({
    size: "A4",
    margins: { top: 56, bottom: 56, left: 56, right: 56 },
    info: { Title: c.title, Creator: "Passerelle", CreationDate: now, ModDate: now },
  });
  const chunks: Buffer[] = [];
  doc.on("data", (b: Buffer) => chunks.push(b));
  const done = new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on("error", reject);
  });
  doc.fontSize(16).text(c.title);
  doc.moveDown();
  doc.fontSize(10);
  for (const l of c.lines) doc.text(l);
  doc.moveDown();
  const sha = createHash("sha256").update(c.file.content).digest("hex");
  doc.fontSize(8).text(`SHA-256 du document reçu : ${sha}`);
  doc.file(c.file.content, {
    name: c.file.name,
    type: c.file.mimeType,
    description: "Document de l’établissement, tel que reçu / the hospital's document as received",
    creationDate: now,
    modifiedDate: now,
    relationship: "Source",
  } as PDFKit.Mixins.PDFAttachmentOptions);
  addSignaturePlaceholder(doc, { signingTime: now, reason: "Transmission Passerelle — scellement" });
  doc.end();
  const pdf = await signPdf(await done, signer);
  return { pdf, sha256: createHash("sha256").update(pdf).digest("hex") };
}
