/**
 * produceSignedSheet embeds the sheet's CI-SIS CDA R2 document as a second PDF/A-3 associated file
 * (ISO 19005-3 §6.8) for the structured models, before signing: the signature covers it.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sheetToCda } from "../../../../src/cda/index.ts";
import { fixedClock } from "../../../../src/core/index.ts";
import {
  EMBEDDED_CDA_NAME,
  EMBEDDED_DATA_NAME,
  embedsCda,
  extractEmbeddedFiles,
  produceSignedSheet,
  verifyPdf,
} from "../../../../src/pdf/index.ts";
import { P12Signer } from "../../../../src/pdf/sign/signer.ts";
import { EXAMPLE_KINDS, validatedExample } from "../../../helpers/sheets.ts";
import { makePki, PASSPHRASE, VERIFY_CLOCK, type TestPki } from "../sign-fixtures.ts";

let pki: TestPki;
let signer: P12Signer;
beforeAll(async () => {
  pki = await makePki();
  signer = await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE);
});
afterAll(async () => pki.cleanup());

const clock = fixedClock("2025-03-10T14:30:00Z");

describe("produceSignedSheet and the CDA", () => {
  it("embeds the CDA for LDL-SES, LDL-EES and TLM-DA only", () => {
    expect(EXAMPLE_KINDS.filter(embedsCda)).toEqual(["admission", "discharge", "teleexpertise-request"]);
  });

  it.each(EXAMPLE_KINDS)("%s: associated files, /AF and the signature", async (kind) => {
    const sheet = await validatedExample(kind);
    const signed = await produceSignedSheet(sheet, { signer, clock, sheetId: `sheet-${kind}` });
    const files = extractEmbeddedFiles(signed.pdf);
    const raw = signed.pdf.toString("latin1");
    const af =
      /\/AF \[([^\]]*)\]/
        .exec(raw)?.[1]
        ?.trim()
        .split(/\s+R\s*/)
        .filter(Boolean) ?? [];
    expect(raw).toContain("pdfaid:part>3");
    if (embedsCda(kind)) {
      expect(files.map((f) => [f.name, f.mimeType])).toEqual([
        [EMBEDDED_DATA_NAME, "application/json"],
        [EMBEDDED_CDA_NAME, "text/xml"],
      ]);
      const expected = sheetToCda(sheet, { sheetId: `sheet-${kind}` });
      expect(files[1]?.content.toString("utf8")).toBe(expected.xml);
      expect(signed.cda).toEqual({ xml: expected.xml, id: expected.id, volet: expected.volet });
      expect(af).toHaveLength(2);
      expect(raw).toMatch(/\/AFRelationship \/Alternative/);
    } else {
      expect(files.map((f) => f.name)).toEqual([EMBEDDED_DATA_NAME]);
      expect(signed.cda).toBeUndefined();
      expect(af).toHaveLength(1);
    }
    expect(raw).toMatch(/\/AFRelationship \/Data/);
    const report = await verifyPdf(signed.pdf, { trustedCas: [pki.caPem], clock: VERIFY_CLOCK });
    expect(report.valid).toBe(true);
    expect(report.byteRangeCoversWholeFile).toBe(true);
  });

  it("writes the test-INS OID in the embedded CDA when asked", async () => {
    const sheet = await validatedExample("discharge");
    const signed = await produceSignedSheet(sheet, { signer, clock, testIns: true });
    expect(signed.cda?.xml).toContain('root="1.2.250.1.213.1.4.10"');
  });
});
