/**
 * The tele-expertise answer's sheet data inside a TLM-CR document. TLM-CR 2022.01 is a
 * non-structured CI-SIS model (IHE XDS-SD 1.3.6.1.4.1.19376.1.2.20): its body is the signed answer
 * PDF, so the CDA header holds only the expert, the requester and the dates. A PDF Passerelle
 * signed carries the sheet's JSON as a PDF/A-3 associated file (`passerelle-sheet.json`,
 * AFRelationship Data): when the body is such a PDF, for the `teleexpertise-answer` form and the
 * same patient as the header (INS, birth date), its data is the sheet's.
 *
 * The PDF's signature is not checked here: `sheet verify` does it (signature, integrity, chain).
 */
import { EMBEDDED_DATA_NAME, extractEmbeddedFiles } from "../../pdf/index.ts";
import type { CdaPatient } from "./patient.ts";

type Data = Record<string, Record<string, unknown>>;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/** The sheet data embedded in a Passerelle answer PDF, or undefined (another PDF, another form or patient). */
export function answerFromPdf(pdf: Buffer, patient: CdaPatient): Data | undefined {
  let json: unknown;
  try {
    const file = extractEmbeddedFiles(pdf).find((f) => f.name === EMBEDDED_DATA_NAME);
    if (file === undefined) return undefined;
    json = JSON.parse(file.content.toString("utf8"));
  } catch {
    // Not a PDF Passerelle can read, or not JSON: the header's fields are all there is.
    return undefined;
  }
  if (!isRecord(json) || typeof json["form"] !== "string" || !isRecord(json["data"])) return undefined;
  if (json["form"].split("@")[0] !== "teleexpertise-answer") return undefined;
  const data = json["data"];
  if (!Object.values(data).every(isRecord)) return undefined;
  const p = data["patient"];
  if (!isRecord(p) || p["birthDate"] !== patient.birthDate || (p["ins"] ?? undefined) !== patient.ins)
    return undefined;
  return data as Data;
}
