/**
 * What every page of a rendered PDF carries, once the page count is known: a header band (issuer,
 * document kind, patient identity — one line each, cut with an ellipsis) and a footer (what the
 * document is, "page N / M"). Shared by the liaison sheets and the rendered CDA documents.
 */
import { COLORS, PAGE, SIZES } from "./layout.ts";

export interface PageFurniture {
  readonly issuer: string;
  readonly title: string;
  readonly patient: string;
  /** The footer's left part (e.g. `Passerelle · discharge@1 · réf. … · document signé électroniquement`). */
  readonly footer: string;
}

/** Draws the header band and the footer on every buffered page of `doc`. */
export function drawPageFurniture(doc: PDFKit.PDFDocument, f: PageFurniture): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const { width, height } = doc.page;
    const left = PAGE.margins.left;
    const inner = width - PAGE.margins.left - PAGE.margins.right;
    const saved = doc.page.margins;
    doc.page.margins = { top: 0, bottom: 0, left: saved.left, right: saved.right };

    doc.rect(left, PAGE.headerTop, inner, 52).fill(COLORS.band);
    const line = (text: string, y: number): void => {
      doc.text(text, left + 8, PAGE.headerTop + y, { width: inner - 16, height: 11, ellipsis: true });
    };
    doc.font("bold").fontSize(9.5).fillColor(COLORS.text);
    line(f.issuer, 6);
    doc.font("bold").fontSize(8.5).fillColor(COLORS.accent);
    line(f.title, 21);
    doc.font("regular").fontSize(8.5).fillColor(COLORS.text);
    line(`Patient : ${f.patient}`, 36);

    const fy = height - PAGE.footerFromBottom;
    doc
      .moveTo(left, fy - 6)
      .lineTo(left + inner, fy - 6)
      .lineWidth(0.5)
      .stroke(COLORS.rule);
    doc.font("regular").fontSize(SIZES.small).fillColor(COLORS.muted);
    doc.text(f.footer, left, fy, { width: inner * 0.8, lineBreak: false });
    doc.text(`page ${String(i - range.start + 1)} / ${String(range.count)}`, left + inner * 0.8, fy, {
      width: inner * 0.2,
      align: "right",
      lineBreak: false,
    });
    doc.page.margins = saved;
  }
  doc.switchToPage(range.start + range.count - 1);
}
