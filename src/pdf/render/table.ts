import { COLORS, SIZES } from "./layout.ts";

/**
 * A table drawn with pdfkit's `table()`: header rows in bold on the band colour, thin rules, rows
 * moved whole to the next page. Shared by the sheets' table fields and a CDA narrative's tables.
 */
export function drawTable(
  doc: PDFKit.PDFDocument,
  x: number,
  header: readonly (readonly string[])[],
  body: readonly (readonly string[])[],
): void {
  const headerCells = header.map((row) =>
    row.map((text) => ({ text, font: { src: "bold", size: SIZES.label }, backgroundColor: COLORS.band })),
  );
  doc
    .font("regular")
    .fontSize(SIZES.body - 0.5)
    .fillColor(COLORS.text);
  doc.table({
    position: { x, y: doc.y + 2 },
    maxWidth: doc.page.width - doc.page.margins.right - x,
    defaultStyle: { border: 0.5, borderColor: COLORS.rule, padding: 3 },
    data: [...headerCells, ...body.map((r) => [...r])],
  });
  doc.x = x;
  doc.moveDown(0.5);
}
