import PDFDocument from "pdfkit";
import type { Clock } from "../../core/index.ts";
import type { FormDefinition } from "../../forms/definition.ts";
import { formRef } from "../../forms/definition.ts";
import { FONTS, FONT_FILES, registerFontFiles, registerSheetFonts } from "./fonts.ts";
import { formatInstantDate, patientLine, valueAt } from "./format.ts";
import { collectPdf } from "./collect.ts";
import { drawPageFurniture } from "./furniture.ts";
import { COLORS, PAGE, SIZES } from "./layout.ts";
import { renderSection } from "./render-fields.ts";

/** Name of the embedded structured-data file (never a patient name: file names are metadata). */
export const EMBEDDED_DATA_NAME = "passerelle-sheet.json";

export interface RenderOptions {
  readonly clock: Clock;
  /** Passerelle's id for the sheet, printed in the footer and embedded with the data. */
  readonly sheetId: string;
  /** Last hook before the document is closed (the signature placeholder goes in here). */
  readonly beforeEnd?: (doc: PDFKit.PDFDocument) => void;
  /**
   * `shared` (default): fonts parsed once per process with a shared layout cache (see fonts.ts).
   * `per-document`: what plain pdfkit does — read and parse the font files for each document; kept
   * as the benchmark's stock baseline.
   */
  readonly fonts?: "shared" | "per-document";
  /** Further associated files, embedded after the JSON (e.g. the sheet's CDA R2 document). */
  readonly associatedFiles?: readonly AssociatedFile[];
}

/** An associated file (ISO 32000-2 §14.13; PDF/A-3, ISO 19005-3 §6.8 and Annex E). */
export interface AssociatedFile {
  /** File name (/F, /UF): never a patient name, file names are metadata. */
  readonly name: string;
  /** MIME type, written as the embedded file stream's /Subtype. */
  readonly mimeType: string;
  readonly description: string;
  readonly relationship: AttachmentOptions["relationship"];
  readonly content: Buffer;
}

/** The structured payload embedded in every sheet (PDF/A-3 associated file, AFRelationship Data). */
export interface EmbeddedSheetData {
  readonly form: string;
  readonly sheetId: string;
  readonly issuedAt: string;
  readonly data: Readonly<Record<string, unknown>>;
}

interface AttachmentOptions extends PDFKit.Mixins.PDFAttachmentOptions {
  /** ISO 32000-2 §14.13 / PDF/A-3: relationship of the associated file to the document. */
  relationship: "Data" | "Source" | "Alternative" | "Supplement" | "Unspecified";
}

/**
 * Renders a validated sheet as a printable A4 PDF/A-3b: header with establishment, document kind and
 * patient identity on every page, sections in form order, "page N / M" footers, the validated JSON
 * embedded as an associated file. Same input and same clock → same bytes.
 */
export async function renderSheet(
  form: FormDefinition,
  data: Readonly<Record<string, unknown>>,
  opts: RenderOptions,
): Promise<Buffer> {
  const now = opts.clock.now();
  const ref = formRef(form);
  const doc = new PDFDocument({
    size: PAGE.size,
    margins: PAGE.margins,
    bufferPages: true,
    autoFirstPage: true,
    // pdfkit takes a parsed fontkit font here too (its typing says string).
    font: opts.fonts === "per-document" ? FONT_FILES.regular : (FONTS.regular as unknown as string),
    pdfVersion: "1.7",
    subset: "PDF/A-3b",
    lang: "fr-FR",
    displayTitle: true,
    info: {
      Title: form.title.fr,
      Subject: ref,
      Creator: "Passerelle",
      Producer: "Passerelle (pdfkit)",
      CreationDate: now,
      ModDate: now,
    },
  });
  const done = collectPdf(doc);

  if (opts.fonts === "per-document") registerFontFiles(doc);
  else registerSheetFonts(doc);
  drawAndEnd(doc, form, data, opts, now);
  return done;
}

/** Draws the sheet, embeds its data, runs `beforeEnd` and ends the document (all synchronous). */
function drawAndEnd(
  doc: PDFKit.PDFDocument,
  form: FormDefinition,
  data: Readonly<Record<string, unknown>>,
  opts: RenderOptions,
  now: Date,
): void {
  const ref = formRef(form);
  titleBlock(doc, form, now);
  for (const section of form.sections) renderSection(doc, section, data[section.id]);
  pageFurniture(doc, form, data, opts.sheetId);

  const payload: EmbeddedSheetData = { form: ref, sheetId: opts.sheetId, issuedAt: now.toISOString(), data };
  const attachment: AttachmentOptions = {
    name: EMBEDDED_DATA_NAME,
    type: "application/json",
    description: "Données structurées de la fiche / structured sheet data",
    creationDate: now,
    modifiedDate: now,
    relationship: "Data",
  };
  doc.file(Buffer.from(JSON.stringify(payload), "utf8"), attachment);
  for (const f of opts.associatedFiles ?? []) {
    const options: AttachmentOptions = {
      name: f.name,
      type: f.mimeType,
      description: f.description,
      creationDate: now,
      modifiedDate: now,
      relationship: f.relationship,
    };
    doc.file(f.content, options);
  }

  opts.beforeEnd?.(doc);
  doc.end();
}

function titleBlock(doc: PDFKit.PDFDocument, form: FormDefinition, now: Date): void {
  doc.font("bold").fontSize(SIZES.title).fillColor(COLORS.accent).text(form.title.fr);
  doc.font("regular").fontSize(SIZES.small).fillColor(COLORS.muted);
  doc.text(`${form.legalBasis} — établi le ${formatInstantDate(now)}`);
  doc.moveDown(0.4);
}

/** Header band and footer on every buffered page (drawn last, when the page count is known). */
function pageFurniture(
  doc: PDFKit.PDFDocument,
  form: FormDefinition,
  data: Readonly<Record<string, unknown>>,
  sheetId: string,
): void {
  const issuer = valueAt(data, form.header.issuer);
  drawPageFurniture(doc, {
    issuer: typeof issuer === "string" ? issuer : "",
    title: form.title.fr,
    patient: patientLine(form, data),
    footer: `Passerelle · ${formRef(form)} · réf. ${sheetId} · document signé électroniquement`,
  });
}
