/**
 * The bytes of a pdfkit document, resolved when it ends. Call it right after creating the document
 * (pdfkit streams objects as they are written), then draw and call `doc.end()`.
 */
export function collectPdf(doc: PDFKit.PDFDocument): Promise<Buffer> {
  const chunks: Buffer[] = [];
  doc.on("data", (c: Buffer) => chunks.push(c));
  return new Promise<Buffer>((resolve, reject) => {
    doc.on("end", () => {
      resolve(Buffer.concat(chunks));
    });
    doc.on("error", reject);
  });
}
