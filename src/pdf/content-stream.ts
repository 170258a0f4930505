/**
 * Page content streams written in one piece. pdfkit 0.20 turns every content-stream operator
 * (`BT`, `1 0 0 1 x y Tm`, `[<…>] TJ`, a colour, a rectangle…) into its own `Uint8Array`, one
 * character at a time, and copies them all together when the page ends: a tenth of what a sheet
 * allocates. Here each page keeps its operators as strings and hands them to pdfkit as a single
 * latin1 buffer just before the page is written: the same bytes (pdfkit keeps the low byte of each
 * UTF-16 code unit, as latin1 encoding does), in the same order, with the same `/Length`.
 *
 * Relies on pdfkit internals (`doc.page`, `PDFPage.write` and `PDFPage.end`, the 'pageAdded' event);
 * a page without them is left alone.
 */

interface PageInternals {
  write(chunk: unknown): unknown;
  end(): unknown;
}

const batched = new WeakSet<object>();

function batchPage(page: unknown): void {
  const p = page as Partial<PageInternals> | null;
  if (p === null || typeof p.write !== "function" || typeof p.end !== "function" || batched.has(p)) return;
  batched.add(p);
  const write = p.write.bind(p);
  const end = p.end.bind(p);
  let pending: string[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    // pdfkit writes each string chunk followed by a newline.
    write(Buffer.from(`${pending.join("\n")}\n`, "latin1"));
    pending = [];
  };
  p.write = (chunk: unknown): unknown => {
    if (chunk instanceof Uint8Array) {
      flush();
      return write(chunk);
    }
    pending.push(String(chunk));
    return undefined;
  };
  p.end = (): unknown => {
    flush();
    return end();
  };
}

/** Off: pdfkit writes each operator itself (bench/pdf-patches.ts measures the patch against that). */
export const pageContentBatching = { enabled: true };

/** Batches the content stream of every page of `doc`, the current one and those added later. */
export function batchPageContent(doc: PDFKit.PDFDocument): void {
  if (!pageContentBatching.enabled) return;
  batchPage((doc as unknown as { page?: unknown }).page);
  doc.on("pageAdded", () => {
    batchPage((doc as unknown as { page?: unknown }).page);
  });
}
