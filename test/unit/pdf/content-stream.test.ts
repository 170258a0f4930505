import PDFDocument from "pdfkit";
import { describe, expect, it } from "vitest";
import { batchPageContent } from "../../../src/pdf/content-stream.ts";
import { registerSheetFonts } from "../../../src/pdf/fonts.ts";
import { collectPdf } from "../../helpers/pdfkit.ts";

const AT = new Date("2026-01-16T09:30:00Z");

/** A small multi-page document exercising text, colours, paths, raw writes and page switching. */
async function build(batched: boolean, compress = true): Promise<Buffer> {
  const doc = new PDFDocument({ bufferPages: true, compress, info: { CreationDate: AT, ModDate: AT } });
  registerSheetFonts(doc);
  if (batched) batchPageContent(doc);
  const done = collectPdf(doc);
  doc.font("bold").fontSize(14).fillColor("#1f4e79").text("Compte rendu — « sortie » œdème ≥ 38 °C");
  doc.font("regular").fontSize(9.5).fillColor("#111111");
  doc.text("Évolution favorable. ".repeat(400), { width: 400, lineGap: 1 });
  doc.rect(50, 50, 100, 20).fill("#eef3f8");
  (doc as unknown as { addContent(data: string): void }).addContent("% a raw operator");
  (doc as unknown as { page: { write(chunk: Uint8Array): void } }).page.write(
    Buffer.from("% raw bytes", "latin1"),
  );
  doc.moveTo(50, 80).lineTo(300, 80).lineWidth(0.5).stroke("#c9d3de");
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    doc
      .font("italic")
      .fontSize(7.5)
      .text(`page ${String(i + 1)} / ${String(range.count)}`, 50, 20, { lineBreak: false });
  }
  doc.end();
  return done;
}

describe("batchPageContent", () => {
  it("writes the same bytes as pdfkit, on every page, compressed or not", async () => {
    for (const compress of [true, false]) {
      const plain = await build(false, compress);
      const batched = await build(true, compress);
      expect(plain.toString("latin1").match(/\/Type \/Page\b/g)?.length).toBeGreaterThanOrEqual(2);
      expect(batched.equals(plain), `compress: ${String(compress)}`).toBe(true);
    }
  });
});
