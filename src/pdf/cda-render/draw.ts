/**
 * Drawing helpers of the CDA rendering: labelled lines, section headings and the narrative blocks
 * (paragraphs, lists with their markers, tables with a shaded header row) on a pdfkit page, in the
 * sheets' palette and sizes (layout.ts).
 */
import { COLORS, SIZES, drawTable, sectionBar } from "../render/index.ts";
import type { NarrativeBlock } from "./narrative-blocks.ts";

type Doc = PDFKit.PDFDocument;
const INDENT = 14;

export function keepSpace(doc: Doc, needed: number): void {
  if (doc.y + needed > doc.page.maxY()) doc.addPage();
}

const widthFrom = (doc: Doc, x: number): number => doc.page.width - doc.page.margins.right - x;

/** `Label : value` on one flowing line (nothing when the value is empty). */
export function field(doc: Doc, label: string, value: string | undefined, x = doc.page.margins.left): void {
  if (value === undefined || value.trim() === "") return;
  keepSpace(doc, 14);
  doc.font("bold").fontSize(SIZES.label).fillColor(COLORS.label);
  doc.text(`${label} : `, x, doc.y, { continued: true, width: widthFrom(doc, x) });
  doc.font("regular").fontSize(SIZES.body).fillColor(COLORS.text).text(value);
}

/** A heading with the accent bar; `level` 0 for a section, more for sub-sections. */
export function heading(doc: Doc, title: string, level: number): void {
  keepSpace(doc, 50);
  doc.moveDown(level === 0 ? 0.6 : 0.35);
  const x = doc.page.margins.left + level * INDENT;
  const y = doc.y;
  if (level === 0) {
    sectionBar(doc, x, title);
    doc.moveDown(0.4);
  } else {
    doc.font("bold").fontSize(SIZES.group).fillColor(COLORS.accent);
    doc.text(title, x, y, { width: widthFrom(doc, x) });
    doc.moveDown(0.2);
  }
}

/** Body text at `x`, paragraph by paragraph. */
export function paragraph(doc: Doc, text: string, x: number, opts: { italic?: boolean } = {}): void {
  keepSpace(doc, 14);
  doc
    .font(opts.italic ? "italic" : "regular")
    .fontSize(SIZES.body)
    .fillColor(COLORS.text);
  doc.text(text, x, doc.y, { width: widthFrom(doc, x), lineGap: 1, paragraphGap: 3 });
}

function table(doc: Doc, block: Extract<NarrativeBlock, { kind: "table" }>, x: number): void {
  if (block.caption !== undefined) paragraph(doc, block.caption, x, { italic: true });
  if (block.header.length + block.body.length === 0) return;
  keepSpace(doc, 40);
  drawTable(doc, x, block.header, block.body);
}

/** Draws narrative blocks at `x` (lists indent their items under a `•` or `n.` marker). */
export function drawBlocks(doc: Doc, blocks: readonly NarrativeBlock[], x: number): void {
  for (const b of blocks) {
    if (b.kind === "paragraph") paragraph(doc, b.text, x, { italic: b.caption === true });
    else if (b.kind === "table") table(doc, b, x);
    else {
      b.items.forEach((item, i) => {
        keepSpace(doc, 14);
        const marker = b.ordered ? `${String(i + 1)}.` : "•";
        const y = doc.y;
        doc.font("regular").fontSize(SIZES.body).fillColor(COLORS.text);
        doc.text(marker, x, y, { width: INDENT, lineBreak: false });
        doc.y = y;
        drawBlocks(doc, item.length > 0 ? item : [{ kind: "paragraph", text: "" }], x + INDENT);
      });
      doc.x = x;
    }
  }
}
