/**
 * The CDA R2 documents the CDA rendering tests use: the hospital-shaped LDL-SES of another
 * producer (test/fixtures/cda, after the ANS examples), an N1 document with a text body, and the
 * CI-SIS documents Passerelle writes for its example sheets (LDL-EES, LDL-SES, TLM-DA), read back.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { sheetToCda } from "../../../../src/cda/index.ts";
import { embedsCda } from "../../../../src/pdf/index.ts";
import { encode, FIXTURES, n1Document } from "../../../helpers/cda-hospital.ts";
import { EXAMPLE_KINDS, validatedExample } from "../../../helpers/sheets.ts";

export const N1_TEXT = "Compte rendu de consultation en texte libre.\nDeuxième ligne : traitement inchangé.";

export async function cdaDocuments(): Promise<{ name: string; bytes: Buffer }[]> {
  const docs = [
    {
      name: "LDL-SES, other producer",
      bytes: readFileSync(path.join(FIXTURES, "ldl-ses-other-producer.xml")),
    },
    {
      name: "N1 text body (ISO-8859-1)",
      bytes: encode(n1Document({ text: N1_TEXT, encoding: "ISO-8859-1" }), "ISO-8859-1"),
    },
  ];
  for (const kind of EXAMPLE_KINDS.filter(embedsCda)) {
    const cda = sheetToCda(await validatedExample(kind), { sheetId: `sheet-${kind}` });
    docs.push({ name: `Passerelle ${cda.volet}`, bytes: Buffer.from(cda.xml, "utf8") });
  }
  return docs;
}
