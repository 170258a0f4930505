/**
 * Every sheet with a CI-SIS content model, as CDA, against the ANS kit exactly as the ANS checks
 * it: CDA_extended.xsd, the volet's schematron, CI-SIS_ModelesDeContenusCDA.sch and
 * CI-SIS_Modeles_ANS.sch through the ISO Schematron pipeline on Saxon-HE — 0 counted failed
 * asserts for the examples and their variants; a document without a mandatory section is reported.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkCdaFiles, findKit, type CdaCheckReport } from "../../../src/cda/check/index.ts";
import { sheetToCda } from "../../../src/cda/index.ts";
import type { FormKind } from "../../../src/forms/index.ts";
import { validateSheet } from "../../../src/forms/index.ts";
import { SHEET_VARIANTS, variantData } from "../../helpers/sheet-variants.ts";
import { exampleSheet, forms } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";

const kit = findKit();
const KINDS: readonly FormKind[] = [
  "discharge",
  "admission",
  "teleexpertise-request",
  "teleexpertise-answer",
];
const VARIANTS = SHEET_VARIANTS;
const PDF = Buffer.from("%PDF-1.7\n% a stand-in for the signed answer PDF\n%%EOF\n");

describe.skipIf("missing" in kit)(
  `CDA conformance to the ANS CI-SIS kit${"missing" in kit ? ` — SKIPPED: ${kit.missing}` : ""}`,
  () => {
    const kitDir = "dir" in kit ? kit.dir : "";
    let tmp: Awaited<ReturnType<typeof tempDir>>;
    const files: { kind: FormKind; variant: string; file: string }[] = [];
    let reports: CdaCheckReport[] = [];
    let broken: CdaCheckReport | undefined;

    beforeAll(async () => {
      tmp = await tempDir("passerelle-cda-");
      const registry = await forms();
      for (const kind of KINDS) {
        const input = exampleSheet(kind);
        const form = registry.resolve(input.form);
        for (const variant of VARIANTS) {
          const data = variantData(form, input.data, variant);
          const sheet = validateSheet({ form: input.form, data }, registry);
          const cda = sheetToCda(sheet, {
            sheetId: `${kind}-${variant}`,
            testIns: variant === "example, test INS",
            pdf: PDF,
          });
          const file = path.join(tmp.dir, `${kind}-${String(files.length)}.xml`);
          writeFileSync(file, cda.xml);
          files.push({ kind, variant, file });
        }
      }
      reports = await checkCdaFiles(
        kitDir,
        files.map((f) => f.file),
      );
      // The discharge letter without its mandatory « Traitements à la sortie » section (LDL-SES).
      const ok = sheetToCda(validateSheet(exampleSheet("discharge"), registry), { sheetId: "broken" }).xml;
      const cut = ok.replace(
        /<component><section><templateId root="1\.3\.6\.1\.4\.1\.19376\.1\.5\.3\.1\.3\.22"\/>.*?<\/section><\/component>/s,
        "",
      );
      expect(cut.length).toBeLessThan(ok.length);
      const brokenFile = path.join(tmp.dir, "broken.xml");
      writeFileSync(brokenFile, cut);
      [broken] = await checkCdaFiles(kitDir, [brokenFile]);
    }, 600_000);
    afterAll(async () => tmp.cleanup());

    for (const kind of KINDS)
      for (const variant of VARIANTS)
        it(`${kind} (${variant}): schema valid, 0 failed asserts`, () => {
          const i = files.findIndex((f) => f.kind === kind && f.variant === variant);
          const r = reports[i];
          expect(r?.volet).toBeDefined();
          expect(r?.xsdErrors).toEqual([]);
          expect(r?.errors.map((e) => `${e.schematron} ${e.location}: ${e.text}`)).toEqual([]);
          // The volet's own schematron looked at the document.
          expect(r?.firedRules[`schematrons/CI-SIS_${r.volet ?? ""}.sch`]).toBeGreaterThan(0);
        });

    it("reports a discharge letter whose mandatory section was removed", () => {
      expect(
        broken?.errors.some(
          (e) =>
            e.text.includes("1.3.6.1.4.1.19376.1.5.3.1.3.22") &&
            e.schematron.endsWith("CI-SIS_LDL-SES_2022.01.sch"),
        ),
      ).toBe(true);
    });
  },
);
