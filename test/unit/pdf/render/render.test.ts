import { describe, expect, it } from "vitest";
import { fixedClock } from "../../../../src/core/index.ts";
import { EMBEDDED_DATA_NAME, extractEmbeddedFiles, renderSheet } from "../../../../src/pdf/index.ts";
import { EXAMPLE_KINDS, validatedExample } from "../../../helpers/sheets.ts";

const AT = "2026-01-16T09:30:00Z";
const pageCount = (pdf: Buffer): number => pdf.toString("latin1").match(/\/Type \/Page\b/g)?.length ?? 0;

describe("renderSheet", () => {
  it.each(EXAMPLE_KINDS)(
    "renders the %s example as a PDF/A-3 document with its data embedded",
    async (kind) => {
      const sheet = await validatedExample(kind);
      const pdf = await renderSheet(sheet.form, sheet.data, { clock: fixedClock(AT), sheetId: "sheet-1" });
      expect(pdf.subarray(0, 8).toString("latin1")).toBe("%PDF-1.7");
      expect(pdf.toString("latin1")).toContain("pdfaid:part>3");
      const files = extractEmbeddedFiles(pdf);
      const data = files.find((f) => f.name === EMBEDDED_DATA_NAME);
      expect(data?.mimeType).toBe("application/json");
      const payload = JSON.parse(data!.content.toString("utf8"));
      expect(payload).toEqual({
        form: sheet.ref,
        sheetId: "sheet-1",
        issuedAt: new Date(AT).toISOString(),
        data: sheet.data,
      });
      expect(pdf.toString("latin1")).toMatch(/\/AFRelationship \/Data/);
    },
  );

  it("flows a long discharge letter over several pages", async () => {
    const sheet = await validatedExample("discharge");
    const pdf = await renderSheet(sheet.form, sheet.data, { clock: fixedClock(AT), sheetId: "s" });
    expect(pageCount(pdf)).toBeGreaterThanOrEqual(2);
  });

  it("is deterministic: same input and clock give the same bytes", async () => {
    const sheet = await validatedExample("discharge");
    const opts = { clock: fixedClock(AT), sheetId: "same" };
    const a = await renderSheet(sheet.form, sheet.data, opts);
    const b = await renderSheet(sheet.form, sheet.data, opts);
    expect(b.equals(a)).toBe(true);
    const later = await renderSheet(sheet.form, sheet.data, {
      clock: fixedClock("2026-01-16T09:31:00Z"),
      sheetId: "same",
    });
    expect(later.equals(a)).toBe(false);
  });

  it("keeps patient data out of the document metadata and the attachment name", async () => {
    const sheet = await validatedExample("discharge");
    const pdf = await renderSheet(sheet.form, sheet.data, { clock: fixedClock(AT), sheetId: "s" });
    const info = /\/Title \(([^)]*)\)/.exec(pdf.toString("latin1"))?.[1] ?? "";
    const patient = sheet.data.patient as Record<string, string>;
    expect(info).not.toContain(patient.lastName);
    expect(extractEmbeddedFiles(pdf).map((f) => f.name)).toEqual([EMBEDDED_DATA_NAME]);
  });
});
