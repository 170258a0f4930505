/**
 * sealPdf: Passerelle's PAdES B-B signature on a PDF it did not produce, as an incremental update
 * (ISO 32000-1 §7.5.6): the original is a byte prefix, an earlier signature stays valid, the new
 * cross-reference section is of the original's kind, unreadable or encrypted input is refused.
 */
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PasserelleError } from "../../../../src/core/errors.ts";
import { addSealPlaceholder, sealPdf } from "../../../../src/pdf/seal/index.ts";
import { signPdf } from "../../../../src/pdf/sign/sign.ts";
import { P12Signer } from "../../../../src/pdf/sign/signer.ts";
import { verifyPdf, verifyPdfSignatures } from "../../../../src/pdf/verify/verify.ts";
import { makePki, PASSPHRASE, renderSample, VERIFY_CLOCK, type TestPki } from "../sign-fixtures.ts";
import { classicPdf14, hybridPdf, xrefStreamPdf15 } from "./hospital-pdfs.ts";

const SEAL = {
  signingTime: new Date("2025-03-10T15:00:00Z"),
  reason: "Réception par Passerelle",
  name: "Passerelle",
};

let passerelle: TestPki;
let hospital: TestPki;
let signer: P12Signer;
let hospitalSigner: P12Signer;
beforeAll(async () => {
  passerelle = await makePki({ organisation: "CPTS Passerelle" });
  hospital = await makePki({ organisation: "CH Hôpital émetteur" });
  signer = await P12Signer.fromFile(passerelle.signerP12Path, PASSPHRASE);
  hospitalSigner = await P12Signer.fromFile(hospital.signerP12Path, PASSPHRASE);
});
afterAll(async () => {
  await passerelle.cleanup();
  await hospital.cleanup();
});

const verifyAll = (pdf: Uint8Array) =>
  verifyPdfSignatures(pdf, { trustedCas: [passerelle.caPem, hospital.caPem], clock: VERIFY_CLOCK });

/** The bytes the seal appended to `original`. */
const update = (sealed: Buffer, original: Buffer): string =>
  sealed.subarray(original.length).toString("latin1");

async function expectSealed(original: Buffer): Promise<Buffer> {
  const sealed = await sealPdf(original, signer, SEAL);
  expect(sealed.subarray(0, original.length).equals(original)).toBe(true);
  const report = await verifyPdf(sealed, { trustedCas: [passerelle.caPem], clock: VERIFY_CLOCK });
  expect(report.issues).toEqual([]);
  expect(report.valid).toBe(true);
  expect(report.byteRangeCoversWholeFile).toBe(true);
  expect(report.subFilter).toBe("ETSI.CAdES.detached");
  expect(report.signer?.organisation).toBe("CPTS Passerelle");
  expect(report.reason).toBe("Réception par Passerelle");
  return sealed;
}

describe("sealPdf", () => {
  it("seals an unsigned pdfkit PDF (classic xref table) with a table-based update", async () => {
    const original = await renderSample({ placeholder: false, pages: 2 });
    const sealed = await expectSealed(original);
    const tail = update(sealed, original);
    expect(tail).toMatch(/\nxref\n/);
    expect(tail).toMatch(/trailer\n<<\/Size \d+ \/Root \d+ 0 R .*\/Prev \d+>>/);
    expect(tail).toContain("/SigFlags 3");
    expect(tail).toMatch(/\/FT \/Sig \/T \(Passerelle\)/);
    expect(tail.endsWith("%%EOF\n")).toBe(true);
  });

  it("keeps the hospital's own signature valid (two signers, two revisions)", async () => {
    const original = await signPdf(await renderSample(), hospitalSigner);
    const sealed = await expectSealed(original);
    const [theirs, ours, ...more] = await verifyAll(sealed);
    expect(more).toEqual([]);
    expect(theirs?.signer?.organisation).toBe("CH Hôpital émetteur");
    expect(theirs?.valid).toBe(true);
    expect(theirs?.coversWholeRevision).toBe(true);
    expect(theirs?.byteRangeCoversWholeFile).toBe(false);
    expect(ours?.signer?.organisation).toBe("CPTS Passerelle");
    expect(ours?.valid).toBe(true);
    expect(ours?.signatureCount).toBe(2);
    // pdfkit wrote Signature1: ours is another field of the same AcroForm.
    expect(update(sealed, original)).toMatch(/\/Fields \[\d+ 0 R \d+ 0 R\]/);
  });

  it("a flipped byte of the original invalidates both signatures", async () => {
    const original = await signPdf(await renderSample(), hospitalSigner);
    const sealed = await sealPdf(original, signer, SEAL);
    const tampered = Buffer.from(sealed);
    const pos = 200; // inside the page content, before both /Contents
    tampered[pos] = (tampered[pos] ?? 0) ^ 0x01;
    const reports = await verifyAll(tampered);
    expect(reports.map((r) => r.valid)).toEqual([false, false]);
    for (const r of reports) expect(r.issues.map((i) => i.code)).toContain("digest-mismatch");
  });

  it("seals a hand-written PDF 1.4 with a classic table (with and without a newline after %%EOF)", async () => {
    for (const original of [classicPdf14(), classicPdf14({ bare: true })]) {
      const sealed = await expectSealed(original);
      expect(update(sealed, original)).toMatch(/^\n?\d+ 0 obj/);
      expect(update(sealed, original)).toMatch(/\nxref\n[\s\S]*\/ID \[<0123456789abcdef/);
    }
  });

  it("seals a PDF whose objects are in an object stream, with an xref-stream update", async () => {
    for (const original of [xrefStreamPdf15(), xrefStreamPdf15({ update: true })]) {
      const sealed = await expectSealed(original);
      const tail = update(sealed, original);
      expect(tail).not.toMatch(/\nxref\n/);
      expect(tail).toMatch(/\/Type \/XRef \/Size \d+ \/W \[1 4 2\] \/Index \[[\d ]+\] \/Root 1 0 R/);
      expect(tail).toMatch(/\/Prev \d+ \/Length \d+>>\nstream\n/);
      // The page (object 3, inside the object stream) is rewritten with the widget in /Annots.
      expect(tail).toMatch(/3 0 obj\n<<\/Type \/Page .*\/Annots \[\d+ 0 R\]>>/);
    }
  });

  it("seals a hybrid-reference file (classic table with /XRefStm) with a table-based update", async () => {
    const original = hybridPdf();
    const sealed = await expectSealed(original);
    const tail = update(sealed, original);
    expect(tail).toMatch(/\nxref\n/);
    // The catalog (object 1, found only through /XRefStm) is rewritten with the new /AcroForm.
    expect(tail).toMatch(/1 0 obj\n<<\/Type \/Catalog \/Pages 2 0 R \/AcroForm \d+ 0 R>>/);
  });

  it("appends to an indirect /Annots array and an indirect /Fields array in place", async () => {
    const pdf = classicPdf14()
      .toString("latin1")
      .replace("<< /Type /Catalog /Pages 2 0 R >>", "<< /Type /Catalog /Pages 2 0 R /AcroForm 7 0 R >>")
      .replace("/Contents 4 0 R >>", "/Contents 4 0 R /Annots 6 0 R >>")
      .replace(
        "xref\n",
        "6 0 obj\n[]\nendobj\n7 0 obj\n<< /Fields 8 0 R /DA (/Helv 0 Tf 0 g) >>\nendobj\n8 0 obj\n[]\nendobj\nxref\n",
      )
      .replace("/Size 6", "/Size 9");
    const original = reindexed(pdf);
    const sealed = await expectSealed(original);
    const tail = update(sealed, original);
    // /Size was 9: the signature is object 9, its widget 10.
    expect(tail).toMatch(/(^|\n)6 0 obj\n\[10 0 R\]\nendobj/);
    expect(tail).toMatch(/\n8 0 obj\n\[10 0 R\]\nendobj/);
    expect(tail).toMatch(/\n7 0 obj\n<<\/Fields 8 0 R \/DA <[0-9a-f]+> \/SigFlags 3>>/);
    // Neither the page nor the catalog needed rewriting.
    expect(tail).not.toMatch(/(^|\n)[13] 0 obj/);
  });

  it("seals a sealed PDF again: both Passerelle signatures valid, distinct field names", async () => {
    const once = await sealPdf(await renderSample({ placeholder: false }), signer, SEAL);
    const twice = await sealPdf(once, signer, SEAL);
    expect(twice.subarray(0, once.length).equals(once)).toBe(true);
    expect((await verifyAll(twice)).map((r) => r.valid)).toEqual([true, true]);
    expect(update(twice, once)).toMatch(/\/T \(Passerelle2\)/);
  });

  it("refuses an encrypted PDF with PDF_ENCRYPTED and no content in the message", () => {
    const plain = classicPdf14().toString("latin1");
    const encrypted = Buffer.from(
      plain.replace("/Root 1 0 R", "/Root 1 0 R /Encrypt << /Filter /Standard /V 2 >>"),
      "latin1",
    );
    const error = captured(() => addSealPlaceholder(encrypted, SEAL));
    expect(error.code).toBe("PDF_ENCRYPTED");
    expect(error.message).not.toMatch(/Compte rendu|Standard/);
  });

  it("refuses a certified PDF that permits no change (DocMDP P=1)", () => {
    const pdf = classicPdf14()
      .toString("latin1")
      .replace(
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Catalog /Pages 2 0 R /Perms << /DocMDP << /Type /Sig /Reference [<< /TransformMethod /DocMDP /TransformParams << /P 1 >> >>] >> >> >>",
      );
    // The catalog grew: rebuild the offsets by rewriting through the hand-written generator's layout.
    const error = captured(() => addSealPlaceholder(reindexed(pdf), SEAL));
    expect(error.code).toBe("PDF_UNSUPPORTED");
    expect(error.message).toContain("DocMDP");
  });

  it("refuses what is not a PDF, or whose cross-reference is broken, with a typed error", () => {
    expect(captured(() => addSealPlaceholder(Buffer.from("hello"), SEAL)).code).toBe("NOT_A_PDF");
    const broken = Buffer.from(
      classicPdf14()
        .toString("latin1")
        .replace(/startxref\n\d+/, "startxref\n3"),
      "latin1",
    );
    expect(captured(() => addSealPlaceholder(broken, SEAL)).code).toBe("PDF_UNSUPPORTED");
    const noXref = Buffer.from("%PDF-1.4\n1 0 obj\n<<>>\nendobj\n%%EOF\n", "latin1");
    expect(captured(() => addSealPlaceholder(noXref, SEAL)).code).toBe("PDF_UNSUPPORTED");
  });

  it("property: damaged PDFs are sealed or refused with a PasserelleError, never a crash", () => {
    const sources = [classicPdf14(), xrefStreamPdf15({ update: true })];
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1 }),
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 8 }),
        fc.option(fc.nat(), { nil: undefined }),
        (which, flips, cut) => {
          const src = Buffer.from(sources[which] ?? Buffer.alloc(0));
          for (const [pos, byte] of flips) src[pos % src.length] = byte;
          const input = cut === undefined ? src : src.subarray(0, cut % src.length);
          try {
            const out = addSealPlaceholder(input, SEAL);
            expect(out.subarray(0, input.length).equals(input)).toBe(true);
          } catch (e) {
            expect(e).toBeInstanceOf(PasserelleError);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});

function captured(fn: () => unknown): PasserelleError {
  try {
    fn();
  } catch (e) {
    if (e instanceof PasserelleError) return e;
    throw e;
  }
  throw new Error("expected a PasserelleError");
}

/** Rewrites the xref offsets of a classic single-section PDF after its objects were edited. */
function reindexed(pdf: string): Buffer {
  const offsets: number[] = [];
  const re = /(\d+) 0 obj/g;
  for (let m = re.exec(pdf); m; m = re.exec(pdf)) offsets[Number(m[1])] = m.index;
  const xref = pdf.indexOf("xref\n");
  const entries = offsets
    .slice(1)
    .map((o) => `${String(o).padStart(10, "0")} 00000 n\r\n`)
    .join("");
  const head = pdf.slice(0, xref);
  const trailer = pdf.slice(pdf.indexOf("trailer"));
  return Buffer.from(
    `${head}xref\n0 ${String(offsets.length)}\n0000000000 65535 f\r\n${entries}${trailer.replace(/startxref\n\d+/, `startxref\n${String(xref)}`)}`,
    "latin1",
  );
}
