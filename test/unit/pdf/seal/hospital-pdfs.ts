/**
 * Small "hospital" PDFs written byte by byte, as other producers lay them out (ISO 32000-1 §7.5):
 * a PDF 1.4 with a classic cross-reference table, and a PDF 1.5 whose objects sit in an object
 * stream indexed by a FlateDecode cross-reference stream with the PNG Up predictor (/Predictor 12),
 * as Acrobat, Word and many hospital systems write them.
 */
import { deflateSync } from "node:zlib";

const CONTENT = "BT /F1 18 Tf 72 720 Td (Compte rendu de test) Tj ET";

/** The objects of a one-page document with a Helvetica text line, numbered 1..5. */
const BODIES: readonly string[] = [
  "<< /Type /Catalog /Pages 2 0 R >>",
  "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
  "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595.28 841.89] /Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
  `<< /Length ${String(CONTENT.length)} >>\nstream\n${CONTENT}\nendstream`,
  "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
];

/** PDF 1.4, classic xref table, `\r\n` entries, no trailing newline after %%EOF when `bare`. */
export function classicPdf14(opts: { bare?: boolean } = {}): Buffer {
  let out = "%PDF-1.4\n%\xe2\xe3\xcf\xd3\n";
  const offsets: number[] = [];
  BODIES.forEach((body, i) => {
    offsets.push(Buffer.byteLength(out, "latin1"));
    out += `${String(i + 1)} 0 obj\n${body}\nendobj\n`;
  });
  const xref = Buffer.byteLength(out, "latin1");
  out += `xref\n0 ${String(BODIES.length + 1)}\n0000000000 65535 f\r\n`;
  for (const o of offsets) out += `${String(o).padStart(10, "0")} 00000 n\r\n`;
  out += `trailer\n<< /Size ${String(BODIES.length + 1)} /Root 1 0 R /ID [<0123456789abcdef0123456789abcdef> <0123456789abcdef0123456789abcdef>] >>\nstartxref\n${String(xref)}\n%%EOF`;
  return Buffer.from(opts.bare ? out : `${out}\n`, "latin1");
}

/** PNG "Up" predictor rows (RFC 2083 §6.3), as /Predictor 12 /Columns n. */
function pngUp(rows: readonly Buffer[]): Buffer {
  const out: Buffer[] = [];
  let prev: Buffer = Buffer.alloc(rows[0]?.length ?? 0);
  for (const row of rows) {
    const line = Buffer.alloc(row.length + 1);
    line[0] = 2;
    for (let i = 0; i < row.length; i++) line[i + 1] = ((row[i] ?? 0) - (prev[i] ?? 0)) & 0xff;
    out.push(line);
    prev = row;
  }
  return Buffer.concat(out);
}

/**
 * PDF 1.5: catalog, pages, page and font in object stream 6 (the content stream stays outside, as
 * streams must), cross-reference stream 7 with /W [1 2 1], FlateDecode and /Predictor 12.
 * `extra` appends a second revision (an incremental update changing nothing but the /Info).
 */
export function xrefStreamPdf15(opts: { update?: boolean } = {}): Buffer {
  const inStream = [1, 2, 3, 5];
  let header = "";
  let objects = "";
  for (const n of inStream) {
    header += `${String(n)} ${String(objects.length)} `;
    objects += `${BODIES[n - 1] ?? ""}\n`;
  }
  const objstmData = deflateSync(Buffer.from(header + objects, "latin1"));
  let out = Buffer.from("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", "latin1");
  const parts: Buffer[] = [out];
  const at = (): number => parts.reduce((a, b) => a + b.length, 0);
  const o4 = at();
  parts.push(Buffer.from(`4 0 obj\n${BODIES[3] ?? ""}\nendobj\n`, "latin1"));
  const o6 = at();
  parts.push(
    Buffer.from(
      `6 0 obj\n<< /Type /ObjStm /N ${String(inStream.length)} /First ${String(header.length)} /Filter /FlateDecode /Length ${String(objstmData.length)} >>\nstream\n`,
      "latin1",
    ),
    objstmData,
    Buffer.from("\nendstream\nendobj\n", "latin1"),
  );
  const o7 = at();
  const row = (type: number, f2: number, f3: number): Buffer => Buffer.from([type, f2 >> 8, f2 & 0xff, f3]);
  const rows = [
    row(0, 0, 255),
    row(2, 6, 0),
    row(2, 6, 1),
    row(2, 6, 2),
    row(1, o4, 0),
    row(2, 6, 3),
    row(1, o6, 0),
    row(1, o7, 0),
  ];
  const xrefData = deflateSync(pngUp(rows));
  parts.push(
    Buffer.from(
      `7 0 obj\n<< /Type /XRef /Size 8 /W [1 2 1] /Root 1 0 R /Filter /FlateDecode /DecodeParms << /Columns 4 /Predictor 12 >> /Length ${String(xrefData.length)} >>\nstream\n`,
      "latin1",
    ),
    xrefData,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${String(o7)}\n%%EOF\n`, "latin1"),
  );
  out = Buffer.concat(parts);
  if (!opts.update) return out;
  // A second revision: object 8 (/Info) and xref stream 9, uncompressed, /Prev to the first.
  const o8 = out.length;
  const info = Buffer.from("8 0 obj\n<< /Producer (Logiciel hospitalier de test) >>\nendobj\n", "latin1");
  const o9 = o8 + info.length;
  const data = Buffer.concat([row(1, o8, 0), row(1, o9, 0)]);
  const xref2 = Buffer.concat([
    Buffer.from(
      `9 0 obj\n<< /Type /XRef /Size 10 /Index [8 2] /W [1 2 1] /Root 1 0 R /Info 8 0 R /Prev ${String(o7)} /Length ${String(data.length)} >>\nstream\n`,
      "latin1",
    ),
    data,
    Buffer.from(`\nendstream\nendobj\nstartxref\n${String(o9)}\n%%EOF\n`, "latin1"),
  ]);
  return Buffer.concat([out, info, xref2]);
}

/**
 * A hybrid-reference file (ISO 32000-1 §7.5.8.4), as Word writes for readers of PDF 1.4: the
 * classic table lists the objects outside object streams (in subsections that skip the others); its trailer's
 * /XRefStm points to a cross-reference stream that gives the compressed ones (catalog, pages, page
 * and font in object stream 6).
 */
export function hybridPdf(): Buffer {
  const inStream = [1, 2, 3, 5];
  let header = "";
  let objects = "";
  for (const n of inStream) {
    header += `${String(n)} ${String(objects.length)} `;
    objects += `${BODIES[n - 1] ?? ""}\n`;
  }
  const objstm = Buffer.from(header + objects, "latin1");
  const parts: Buffer[] = [Buffer.from("%PDF-1.5\n%\xe2\xe3\xcf\xd3\n", "latin1")];
  const at = (): number => parts.reduce((a, b) => a + b.length, 0);
  const o4 = at();
  parts.push(Buffer.from(`4 0 obj\n${BODIES[3] ?? ""}\nendobj\n`, "latin1"));
  const o6 = at();
  parts.push(
    Buffer.from(
      `6 0 obj\n<< /Type /ObjStm /N ${String(inStream.length)} /First ${String(header.length)} /Length ${String(objstm.length)} >>\nstream\n`,
      "latin1",
    ),
    objstm,
    Buffer.from("\nendstream\nendobj\n", "latin1"),
  );
  const o7 = at();
  const row = (type: number, f2: number, f3: number): Buffer => Buffer.from([type, f2 >> 8, f2 & 0xff, f3]);
  const data = Buffer.concat([row(2, 6, 0), row(2, 6, 1), row(2, 6, 2), row(2, 6, 3)]);
  parts.push(
    Buffer.from(
      `7 0 obj\n<< /Type /XRef /Size 8 /Index [1 3 5 1] /W [1 2 1] /Length ${String(data.length)} >>\nstream\n`,
      "latin1",
    ),
    data,
    Buffer.from("\nendstream\nendobj\n", "latin1"),
  );
  const xref = at();
  const entry = (offset: number, gen: number, type: "n" | "f"): string =>
    `${String(offset).padStart(10, "0")} ${String(gen).padStart(5, "0")} ${type}\r\n`;
  const table =
    "xref\n0 1\n" +
    entry(0, 65535, "f") +
    "4 1\n" +
    entry(o4, 0, "n") +
    "6 2\n" +
    entry(o6, 0, "n") +
    entry(o7, 0, "n") +
    `trailer\n<< /Size 8 /Root 1 0 R /XRefStm ${String(o7)} >>\nstartxref\n${String(xref)}\n%%EOF\n`;
  parts.push(Buffer.from(table, "latin1"));
  return Buffer.concat(parts);
}
