/**
 * A CDA R2 document a hospital sent (HL7 CDA R2; ANS CI-SIS « Modèles de contenus CDA ») rendered
 * as a readable A4 PDF/A-3b and signed PAdES B-B by Passerelle (ETSI EN 319 142-1), with the
 * original CDA embedded byte for byte as an associated file (ISO 32000-2 §14.13, ISO 19005-3 §6.8,
 * /AFRelationship /Source: the pages are rendered from it). Printed: title and document type,
 * patient identity with the INS, author, legal authenticator, custodian (establishment), recipients,
 * dates and encounter, then each section's title and narrative — paragraphs, lists, tables — with
 * its sub-sections; for a non-structured N1 document with a text body, the text.
 *
 * An N1 document embedding a PDF is not rendered: that PDF is delivered sealed (`sealPdf`).
 */
import { createHash } from "node:crypto";
import PDFDocument from "pdfkit";
import type { CdaReading, CdaSection } from "../../cda/read/index.ts";
import type { Clock } from "../../core/index.ts";
import { PasserelleError } from "../../core/errors.ts";
import {
  FONTS,
  registerSheetFonts,
  COLORS,
  PAGE,
  SIZES,
  drawPageFurniture,
  collectPdf,
} from "../render/index.ts";
import { addSignaturePlaceholder, signPdf } from "../sign/index.ts";
import { EMBEDDED_CDA_NAME } from "../sheet/index.ts";
import type { Signer } from "../sign/index.ts";
import { drawBlocks, field, heading, paragraph } from "./draw.ts";
import { cdaDate, patientIdentity, patientLine, personLine } from "./header-text.ts";
import { narrativeBlocks } from "./narrative-blocks.ts";

export interface CdaPdfOptions {
  readonly clock: Clock;
  /** Shown by viewers next to the signature (the certificate stays authoritative). */
  readonly signerName?: string;
}

export interface SignedCdaPdf {
  readonly pdf: Buffer;
  /** SHA-256 (hex) of the signed PDF. */
  readonly sha256: string;
  /** SHA-256 (hex) of the embedded CDA, equal to that of the bytes received. */
  readonly cdaSha256: string;
}

/** Sub-section depth drawn at most (deeper ones are drawn at this indentation). */
const MAX_LEVEL = 4;

/** The document's kind for titles and metadata: never patient data (file metadata is not protected). */
const documentKind = (r: CdaReading): string => r.code.display ?? `Document CDA R2 (LOINC ${r.code.code})`;

function drawSection(doc: PDFKit.PDFDocument, s: CdaSection, level: number): void {
  const lvl = Math.min(level, MAX_LEVEL);
  heading(doc, s.title ?? s.code?.display ?? "Section", lvl);
  const x = doc.page.margins.left + lvl * 14;
  const blocks = s.narrative === undefined ? [] : narrativeBlocks(s.narrative);
  if (blocks.length > 0) drawBlocks(doc, blocks, x);
  else if (s.text !== "") paragraph(doc, s.text, x);
  for (const sub of s.sections) drawSection(doc, sub, level + 1);
}

function drawHeader(doc: PDFKit.PDFDocument, r: CdaReading): void {
  doc
    .font("bold")
    .fontSize(SIZES.title)
    .fillColor(COLORS.accent)
    .text(r.title ?? documentKind(r));
  doc.font("regular").fontSize(SIZES.small).fillColor(COLORS.muted);
  doc.text(`${documentKind(r)} — document CDA R2 reçu, rendu et signé par Passerelle`);
  doc.moveDown(0.4);
  heading(doc, "Patient", 0);
  for (const [label, value] of patientIdentity(r.patient)) field(doc, label, value);
  heading(doc, "Document", 0);
  field(doc, "Date du document", cdaDate(r.effectiveTime));
  field(doc, "Auteur", personLine(r.author));
  for (const other of r.authors.slice(1)) field(doc, "Co-auteur", personLine(other));
  if (r.legalAuthenticator)
    field(doc, "Responsable (authentification légale)", personLine(r.legalAuthenticator));
  const custodian = r.custodian;
  if (custodian) {
    const finess = custodian.finess === undefined ? "" : ` (FINESS ${custodian.finess})`;
    field(doc, "Établissement (conservation)", `${custodian.name ?? custodian.id ?? ""}${finess}`);
  }
  for (const rcp of r.recipients)
    field(doc, rcp.type === "TRC" ? "Copie à" : "Destinataire", personLine(rcp));
  const e = r.encounter;
  if (e) {
    const period = [cdaDate(e.start), cdaDate(e.end)].filter((d) => d !== undefined).join(" → ");
    field(doc, "Prise en charge", period);
    field(doc, "Lieu", [...new Set([e.unit, e.facility?.name].filter((v) => v !== undefined))].join(", "));
  }
  field(doc, "Identifiant du document", r.id);
  if (r.replaces !== undefined) field(doc, "Remplace le document", r.replaces);
}

function drawBody(doc: PDFKit.PDFDocument, r: CdaReading): void {
  if (r.body.kind === "structured") {
    for (const s of r.body.sections) drawSection(doc, s, 0);
    return;
  }
  heading(doc, "Contenu du document", 0);
  paragraph(doc, r.body.embedded.bytes.toString("utf8"), doc.page.margins.left);
}

/** Header band and footer on every page, once the page count is known. */
function pageFurniture(doc: PDFKit.PDFDocument, r: CdaReading): void {
  drawPageFurniture(doc, {
    issuer: r.custodian?.name ?? r.author.structure?.name ?? "",
    title: r.title ?? documentKind(r),
    patient: patientLine(r.patient),
    footer: "Passerelle · document CDA R2 joint (original) · document signé électroniquement",
  });
}

/** Renders the unsigned PDF (placeholder included); `sign` fills it. */
function render(r: CdaReading, cda: Buffer, opts: CdaPdfOptions): Promise<Buffer> {
  const now = opts.clock.now();
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: PAGE.margins,
    bufferPages: true,
    font: FONTS.regular as unknown as string,
    pdfVersion: "1.7",
    subset: "PDF/A-3b",
    lang: r.language ?? "fr-FR",
    displayTitle: true,
    info: {
      Title: documentKind(r),
      Subject: `CDA R2 ${r.code.code}`,
      Creator: "Passerelle",
      Producer: "Passerelle (pdfkit)",
      CreationDate: now,
      ModDate: now,
    },
  });
  const done = collectPdf(doc);
  registerSheetFonts(doc);
  drawHeader(doc, r);
  drawBody(doc, r);
  pageFurniture(doc, r);
  const attachment = {
    name: EMBEDDED_CDA_NAME,
    type: "text/xml",
    description: "Document CDA R2 original, tel que reçu / the CDA R2 document as received",
    creationDate: now,
    modifiedDate: now,
    relationship: "Source",
  } as PDFKit.Mixins.PDFAttachmentOptions;
  doc.file(cda, attachment);
  addSignaturePlaceholder(doc, {
    signingTime: now,
    reason: `${documentKind(r)} — rendu du document CDA reçu`,
    ...(opts.signerName === undefined ? {} : { name: opts.signerName }),
  });
  doc.end();
  return done;
}

/**
 * Renders the CDA document `reading` (read by `readCda` from `cdaBytes`) and signs it. The CDA is
 * embedded unchanged. UNSUPPORTED_MEDIA_TYPE for an N1 document whose body is not text.
 */
export async function renderCdaPdf(
  reading: CdaReading,
  cdaBytes: Uint8Array,
  signer: Signer,
  opts: CdaPdfOptions,
): Promise<SignedCdaPdf> {
  if (reading.body.kind === "nonXML" && !reading.body.embedded.mediaType.startsWith("text/plain")) {
    throw new PasserelleError(
      "UNSUPPORTED_MEDIA_TYPE",
      "the CDA's non-structured body is not plain text: its embedded document is delivered as is (a PDF sealed), not rendered",
    );
  }
  const cda = Buffer.from(cdaBytes);
  const pdf = await signPdf(await render(reading, cda, opts), signer);
  return {
    pdf,
    sha256: createHash("sha256").update(pdf).digest("hex"),
    cdaSha256: createHash("sha256").update(cda).digest("hex"),
  };
}
