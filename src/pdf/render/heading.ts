import { COLORS, SIZES } from "./layout.ts";

/** A section heading at `x`, `doc.y`: an accent bar, the title in bold, a thin rule under it. */
export function sectionBar(doc: PDFKit.PDFDocument, x: number, title: string): void {
  const y = doc.y;
  doc.rect(x, y, 3, 14).fill(COLORS.accent);
  doc.font("bold").fontSize(SIZES.section).fillColor(COLORS.accent);
  doc.text(title, x + 8, y + 1, { width: doc.page.width - doc.page.margins.right - x - 8 });
  doc
    .moveTo(x, doc.y + 2)
    .lineTo(doc.page.width - doc.page.margins.right, doc.y + 2)
    .lineWidth(0.5)
    .stroke(COLORS.rule);
}
