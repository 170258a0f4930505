/**
 * The document itself: OBX-5 of the document OBX is an ED (HL7 v2.5 §2.A.24) — ED-3 data subtype
 * `XML`, ED-4 encoding `Base64`, ED-5 the CDA R2 document (CI-SIS volet « Transmission de
 * document(s) CDA en HL7v2 » v2.1, §« Les données concernant la demande de traitement sur le(s)
 * document(s) », OBX-5.2 to 5.5). The Base64 is decoded strictly ({@link strictBase64}) and the CDA
 * read with the project's reader ({@link readCda}); either failing is refused naming OBX-5 (the
 * XPath of the CDA problem in the text, never a value). The CDA's patient must carry the same INS,
 * under the same authority, as PID-3 (volet §« Les données concernant le patient »: « Le PID-3 doit
 * être identique aux identifiants de patient portés par le document CDA »).
 */
import { readCda, type CdaReading } from "../../cda/read/index.ts";
import { isPasserelleError } from "../../core/index.ts";
import type { Er7Message, Er7Segment } from "../er7.ts";
import { valueOf } from "../er7.ts";
import { strictBase64 } from "./base64.ts";
import { refuse, type Refusal } from "./refusal.ts";

export interface DocumentContent {
  readonly bytes: Uint8Array;
  readonly cda: CdaReading;
}

/** Decodes and reads the CDA of the document OBX (occurrence `index`), checked against PID's INS. */
export function readContent(
  msg: Er7Message,
  obx: Er7Segment,
  index: number,
  pid: { readonly ins: string; readonly oid: string },
): DocumentContent | Refusal {
  const at = `OBX^${String(index)}^5`;
  const encoding = valueOf(msg, obx, 5, 4).trim();
  if (encoding === "") return refuse("AE", "obx5.encoding_missing", "101", at, "OBX-5.4 encoding missing");
  if (encoding.toUpperCase() !== "BASE64") {
    return refuse("AE", "obx5.encoding", "103", at, "OBX-5.4 encoding is not Base64");
  }
  const subtype = valueOf(msg, obx, 5, 3).trim();
  if (subtype !== "" && subtype.toUpperCase() !== "XML") {
    return refuse("AE", "obx5.subtype", "103", at, "OBX-5.3 data subtype is not XML (a CDA R2 document)");
  }
  const data = valueOf(msg, obx, 5, 5);
  if (data.trim() === "") return refuse("AE", "obx5.data_missing", "101", at, "OBX-5.5 document missing");
  const bytes = strictBase64(data);
  if (bytes === undefined) return refuse("AE", "obx5.base64", "102", at, "OBX-5.5 is not valid Base64");
  let cda: CdaReading;
  try {
    cda = readCda(bytes);
  } catch (e) {
    const code = isPasserelleError(e) ? e.code : "CDA_INVALID";
    const path = isPasserelleError(e) ? e.issues[0]?.path : undefined;
    const xpath = path === undefined ? "" : ` at ${path}`;
    return refuse(
      "AE",
      `cda.${code.toLowerCase()}`,
      "102",
      at,
      `the CDA R2 document in OBX-5 cannot be read (${code}${xpath})`,
    );
  }
  if (cda.patient.ins === undefined) {
    return refuse("AE", "cda.ins_missing", "102", at, "the CDA's recordTarget carries no INS");
  }
  if (cda.patient.ins !== pid.ins || cda.patient.insOid !== pid.oid) {
    return refuse(
      "AE",
      "ins.mismatch",
      "102",
      "PID^1^3",
      "the INS in PID-3 differs from the CDA's recordTarget/patientRole/id",
    );
  }
  return { bytes, cda };
}
