import { COLORS, SIZES } from "./layout.ts";

type Doc = PDFKit.PDFDocument;

/** Inner margin of a cell and width of its rules (points). */
const PADDING = 3;
const RULE = 0.5;

interface Row {
  readonly cells: readonly string[];
  readonly header: boolean;
}

/**
 * A table: equal columns over the width left of `x`, header rows in bold on the band colour, thin
 * rules, a row that does not fit moved whole to the next page. Shared by the sheets' table fields
 * and a CDA narrative's tables; rows may be ragged (a missing cell is drawn empty).
 *
 * Drawn with pdfkit's text primitives rather than its `table()`: that lays every cell's text out
 * five times (it measures each cell twice, each time with two `boundsOfString`, then draws it),
 * where this lays it out twice (its height, then the text). With `table()`, tables took a quarter
 * of a sheet's rendering time (CPU profile of the example discharge letter).
 */
export function drawTable(
  doc: Doc,
  x: number,
  header: readonly (readonly string[])[],
  body: readonly (readonly string[])[],
): void {
  const rows: Row[] = [
    ...header.map((cells) => ({ cells, header: true })),
    ...body.map((cells) => ({ cells, header: false })),
  ];
  const columns = Math.max(1, ...rows.map((r) => r.cells.length));
  const columnWidth = (doc.page.width - doc.page.margins.right - x) / columns;
  const textWidth = columnWidth - 2 * PADDING;
  const top = doc.page.margins.top;
  let y = doc.y + 2;
  for (const row of rows) {
    useRowFont(doc, row);
    const textHeight = Math.max(
      0,
      ...row.cells.map((text) => (text === "" ? 0 : doc.heightOfString(text, { width: textWidth }))),
    );
    let height = textHeight + 2 * PADDING;
    if (y + height > doc.page.maxY() && y > top) {
      doc.addPage();
      y = top;
    }
    // A row taller than a page is cut at the page's foot (its text ends with an ellipsis).
    height = Math.min(height, doc.page.maxY() - y);
    drawRow(doc, row, { x, y, columns, columnWidth, height });
    y += height;
  }
  doc.font("regular").fontSize(SIZES.body - 0.5);
  doc.x = x;
  doc.y = y;
  doc.moveDown(0.5);
}

function useRowFont(doc: Doc, row: Row): void {
  if (row.header) doc.font("bold").fontSize(SIZES.label);
  else doc.font("regular").fontSize(SIZES.body - 0.5);
}

function drawRow(
  doc: Doc,
  row: Row,
  box: { x: number; y: number; columns: number; columnWidth: number; height: number },
): void {
  const { x, y, columns, columnWidth, height } = box;
  const width = columns * columnWidth;
  doc.save();
  if (row.header) doc.rect(x, y, width, height).fill(COLORS.band);
  doc.lineWidth(RULE).strokeColor(COLORS.rule);
  for (let c = 0; c < columns; c++) doc.rect(x + c * columnWidth, y, columnWidth, height);
  doc.stroke();
  doc.restore();
  doc.fillColor(COLORS.text);
  row.cells.forEach((text, c) => {
    if (text === "") return;
    doc.text(text, x + c * columnWidth + PADDING, y + PADDING, {
      width: columnWidth - 2 * PADDING,
      // The bottom padding as slack: a height equal to the measured one may drop the last line.
      height: height - PADDING,
      ellipsis: true,
    });
  });
}
