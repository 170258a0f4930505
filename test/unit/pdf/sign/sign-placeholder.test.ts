import PDFDocument from "pdfkit";
import { describe, expect, it } from "vitest";
import { addSignaturePlaceholder, DEFAULT_SIGNATURE_LENGTH } from "../../../../src/pdf/sign/placeholder.ts";
import {
  dictGet,
  indirectObjects,
  isName,
  isRef,
  type IndirectObject,
  type PdfValue,
} from "../../../../src/pdf/verify/pdf-objects.ts";
import { collectPdf } from "../../../../src/pdf/render/index.ts";
import { renderSample } from "../sign-fixtures.ts";

function objects(pdf: Buffer): Map<number, IndirectObject> {
  return new Map([...indirectObjects(pdf)].map((o) => [o.num, o]));
}
const find = (all: Map<number, IndirectObject>, pred: (v: PdfValue) => boolean): IndirectObject | undefined =>
  [...all.values()].find((o) => pred(o.value));

describe("addSignaturePlaceholder", () => {
  it("writes a PAdES signature dictionary, an invisible widget and /SigFlags 3", async () => {
    const pdf = await renderSample();
    const text = pdf.toString("latin1");
    expect(text).toContain(
      "/Filter /Adobe.PPKLite\n/SubFilter /ETSI.CAdES.detached\n/ByteRange [0 9999999999",
    );
    expect(text).toContain("/M (D:20250310143000Z)");
    const all = objects(pdf);
    const form = find(all, (v) => dictGet(v, "SigFlags") !== undefined);
    expect(dictGet(form?.value, "SigFlags")).toBe(3);
    expect(dictGet(form?.value, "NeedAppearances")).toBeUndefined();
    const widget = find(all, (v) => isName(dictGet(v, "FT"), "Sig"));
    expect(dictGet(widget?.value, "Rect")).toEqual([0, 0, 0, 0]);
    expect(dictGet(widget?.value, "F")).toBe(132);
  });

  it("reserves /Contents as the zero hex string pdfkit writes for zeroed bytes, of the requested length", async () => {
    const reserved = (pdf: Buffer): string | undefined =>
      /\/Contents (<[0-9a-f]*>)/.exec(pdf.toString("latin1"))?.[1];
    expect(reserved(await renderSample())).toBe(`<${"00".repeat(DEFAULT_SIGNATURE_LENGTH)}>`);
    expect(reserved(await renderSample({ placeholder: { signatureLength: 2048 } }))).toBe(
      `<${"00".repeat(2048)}>`,
    );
    // pdfkit's own writing of a Uint8Array, for comparison.
    const doc = new PDFDocument({ compress: false });
    const bytes = collectPdf(doc);
    // pdfkit's typings declare end(chunk); PDFReference.end() takes none.
    (doc.ref({ Contents: new Uint8Array(2048) }) as unknown as { end(): void }).end();
    doc.end();
    expect(reserved(await bytes)).toBe(`<${"00".repeat(2048)}>`);
  });

  it("puts the widget on page 1 of a buffered multi-page document", async () => {
    const all = objects(await renderSample({ pages: 3, bufferPages: true }));
    const pages = find(all, (v) => isName(dictGet(v, "Type"), "Pages"));
    const kids = dictGet(pages?.value, "Kids") as PdfValue[];
    const widget = find(all, (v) => isName(dictGet(v, "FT"), "Sig"));
    const p = dictGet(widget?.value, "P");
    expect(isRef(p) && isRef(kids[0]) && p.num === kids[0].num).toBe(true);
    const firstPage = all.get(isRef(kids[0]) ? kids[0].num : -1);
    expect(dictGet(firstPage?.value, "Annots")).toEqual([{ kind: "ref", num: widget?.num, gen: 0 }]);
  });

  it("accepts only one placeholder and validates its options", () => {
    const doc = new PDFDocument();
    addSignaturePlaceholder(doc, { signingTime: new Date(0) });
    expect(() => {
      addSignaturePlaceholder(doc, { signingTime: new Date(0) });
    }).toThrow(expect.objectContaining({ code: "PDF_UNSUPPORTED" }));
    const other = new PDFDocument();
    expect(() => {
      addSignaturePlaceholder(other, { signingTime: new Date(0), signatureLength: 10 });
    }).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    expect(() => {
      addSignaturePlaceholder(other, { signingTime: new Date("nope") });
    }).toThrow(expect.objectContaining({ code: "CONFIG_INVALID" }));
    const encrypted = new PDFDocument({ userPassword: "secret" });
    expect(() => {
      addSignaturePlaceholder(encrypted, { signingTime: new Date(0) });
    }).toThrow(expect.objectContaining({ code: "PDF_UNSUPPORTED" }));
    for (const d of [doc, other, encrypted]) d.end();
  });
});
