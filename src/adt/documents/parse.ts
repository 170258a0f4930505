/**
 * A document message of the CI-SIS volet « Transmission de document(s) CDA en HL7v2 » v2.1 →
 * {@link IncomingDocument}. Supported (volet §« Evènements déclenchants »): MDM^T02 (HL7 v2.6,
 * transmission initiale, OBX-11 `F`, ORC-1 `NW`), MDM^T10 (remplacement, OBX-11 `C`, ORC-1 `RO`),
 * ORU^R01 (HL7 v2.5; OBX-11 `F` new, `C` replacement). Deletion — MDM^T04, ORU with OBX-11 `D`,
 * ORC-1 `CA` — is answered AR (not supported).
 * What is read, in this order (the first problem is the answer):
 * - MSH-10 control id, MSH-9 type and trigger, MSH-12 version (2.5 or later, else AE 203);
 *   MSH-21 (profile `2.1^CISIS_CDA_HL7_V2`) names the profile but is not needed to read the message;
 * - PID-3 INS and PID-32 reliability under the same rules as the ADT feed (`../pid.ts`); PID-5,
 *   PID-7, PID-8 identity traits; PV1-19 visit number when given (volet §« Les données concernant
 *   le patient et la venue du patient »);
 * - MDM: the TXA segment (volet §« Les métadonnées du document »): TXA-12 must name the CDA's
 *   ClinicalDocument/id, TXA-13 its relatedDocument RPLC, TXA-17 `AU` (or `LA`);
 * - exactly one document OBX (type ED); its OBX-11 and ORC-1 consistent with the trigger (volet
 *   §« Le segment ORC »: « En cas d'incohérence entre ces champs, le message HL7 sera rejeté »);
 * - PRT RCT recipients (`recipients.ts`), the metadata OBX segments (`meta.ts`), then the CDA
 *   itself (`content.ts`).
 * The documentId is the CDA's ClinicalDocument/id (`root^extension`); `replaces` is its
 * relatedDocument RPLC, else TXA-13; a replacement without either is refused. Never throws.
 */
import type { IncomingDocument } from "../../documents/index.ts";
import type { Er7Message } from "../er7.ts";
import { rawField, segmentOf, valueOf } from "../er7.ts";
import { pidIns } from "../pid.ts";
import { hl7Date } from "../time.ts";
import { readContent } from "./content.ts";
import { readFlags } from "./meta.ts";
import { readRecipients } from "./recipients.ts";
import { isRefusal, refuse, type Refusal } from "./refusal.ts";
import { documentObx, eiAsCdaId, foldContinuations } from "./segments.ts";

export type DocumentParse = { readonly ok: true; readonly incoming: IncomingDocument } | Refusal;

const KINDS: Readonly<Record<string, "new" | "replace" | undefined>> = {
  "MDM^T02": "new",
  "MDM^T10": "replace",
  "ORU^R01": undefined,
};
const STATUS = { new: "F", replace: "C" } as const;
const ORDER = { new: "NW", replace: "RO" } as const;

/** Parses one MDM or ORU document message (see the module comment). */
export function parseDocumentMessage(message: Er7Message): DocumentParse {
  const msg = foldContinuations(message);
  const get = (seg: Parameters<typeof valueOf>[1], f: number, c = 1): string =>
    valueOf(msg, seg, f, c).trim();
  const msh = segmentOf(msg, "MSH");
  const controlId = get(msh, 10);
  if (controlId === "" || controlId.length > 64) {
    return refuse("AR", "msh.control_id", "101", "MSH^1^10", "MSH-10 message control id missing or too long");
  }
  const type = `${get(msh, 9, 1)}^${get(msh, 9, 2)}`;
  if (type === "MDM^T04") {
    return refuse("AR", "document.deletion", "201", "MSH^1^9", "document deletion (MDM^T04) not supported");
  }
  if (!Object.hasOwn(KINDS, type)) {
    const known = ["MDM", "ORU"].includes(get(msh, 9, 1));
    return known
      ? refuse("AR", "trigger.unsupported", "201", "MSH^1^9", "trigger event not supported")
      : refuse("AR", "message.unsupported", "200", "MSH^1^9", "message type not supported");
  }
  const version = get(msh, 12);
  if (version !== "" && !/^2\.([5-9])(\.|$)/.test(version)) {
    return refuse("AE", "msh.version", "203", "MSH^1^12", "HL7 version before 2.5 (volet: 2.5 ORU, 2.6 MDM)");
  }
  const isMdm = type.startsWith("MDM");
  const pid = segmentOf(msg, "PID");
  const identity = pidIns(msg, pid);
  if (!identity.ok) return identity;
  const pv1 = segmentOf(msg, "PV1");
  const visitNumber = get(pv1, 19);
  if (visitNumber.length > 64) return refuse("AE", "pv1_19.too_long", "102", "PV1^1^19", "PV1-19 too long");
  const txa = segmentOf(msg, "TXA");
  if (isMdm && txa === undefined) return refuse("AE", "txa.missing", "100", "TXA^1", "TXA segment missing");

  // an ED OBX with an empty OBX-5 carries nothing: it is the document only if no other one does
  const candidates = documentObx(msg);
  const docs = candidates.filter((d) => rawField(d.seg, 5) !== "");
  const doc = docs[0] ?? candidates[0];
  if (doc === undefined) {
    return refuse("AE", "obx.document_missing", "100", "OBX^1^2", "no OBX of type ED carrying the document");
  }
  if (docs.length > 1) {
    const at = `OBX^${String(docs[1]?.index)}^5`;
    return refuse("AR", "obx.several_documents", "198", at, "only one document per message is supported");
  }
  const status = get(doc.seg, 11).toUpperCase();
  const statusAt = `OBX^${String(doc.index)}^11`;
  if (status === "D") {
    return refuse("AR", "document.deletion", "201", statusAt, "document deletion (OBX-11 D) not supported");
  }
  // ORU: OBX-11 says new or replacement, else ORC-1 (volet §« Le segment ORC »)
  const order = get(segmentOf(msg, "ORC"), 1).toUpperCase();
  if (order === "CA" && !isMdm) {
    return refuse("AR", "document.deletion", "201", "ORC^1^1", "document deletion (ORC-1 CA) not supported");
  }
  const fromStatus = status === "C" ? "replace" : status === "F" ? "new" : undefined;
  const fromOrder = order === "RO" ? "replace" : order === "NW" ? "new" : undefined;
  const kind = KINDS[type] ?? fromStatus ?? fromOrder ?? "new";
  if (status !== "" && status !== STATUS[kind]) {
    return refuse("AE", "obx11.inconsistent", "103", statusAt, "OBX-11 does not match the trigger event");
  }
  if (order !== "" && order !== ORDER[kind]) {
    return refuse("AE", "orc1.inconsistent", "103", "ORC^1^1", "ORC-1 does not match the trigger and OBX-11");
  }
  const recipients = readRecipients(msg);
  if (isRefusal(recipients)) return recipients;
  const flags = readFlags(msg);
  if (isRefusal(flags)) return flags;
  const content = readContent(msg, doc.seg, doc.index, identity);
  if (isRefusal(content)) return content;
  const { cda } = content;

  const txa12 = eiAsCdaId(msg, txa, 12);
  if (txa12 !== "" && txa12 !== cda.id) {
    return refuse(
      "AE",
      "txa12.mismatch",
      "102",
      "TXA^1^12",
      "TXA-12 does not name the CDA's ClinicalDocument/id",
    );
  }
  const txa13 = eiAsCdaId(msg, txa, 13);
  if (txa13 !== "" && cda.replaces !== undefined && txa13 !== cda.replaces) {
    return refuse(
      "AE",
      "txa13.mismatch",
      "102",
      "TXA^1^13",
      "TXA-13 does not name the CDA's relatedDocument RPLC",
    );
  }
  const completion = get(txa, 17).toUpperCase();
  if (completion !== "" && completion !== "AU" && completion !== "LA") {
    return refuse("AE", "txa17.not_authenticated", "103", "TXA^1^17", "TXA-17 is not AU (authenticated)");
  }
  const replaces = cda.replaces ?? (txa13 === "" ? undefined : txa13);
  if (kind === "replace" && replaces === undefined) {
    const at = isMdm ? "TXA^1^13" : `OBX^${String(doc.index)}^5`;
    return refuse(
      "AE",
      "replaces.missing",
      "101",
      at,
      "a replacement names no replaced document (RPLC, TXA-13)",
    );
  }

  // PID-5: the legal name (type L) first
  let nameRep = 0;
  const names =
    valueOf(msg, pid, 5) === "" ? 0 : (pid?.fields[5] ?? "").split(msg.delimiters.repetition).length;
  for (let r = 0; r < names; r++) if (valueOf(msg, pid, 5, 7, r).trim() === "L") nameRep = r;
  const family = valueOf(msg, pid, 5, 1, nameRep).trim();
  const given = valueOf(msg, pid, 5, 2, nameRep).trim();
  const birthDate = hl7Date(get(pid, 7));
  const sex = get(pid, 8).toUpperCase();
  const opt = <K extends string, V>(k: K, v: V | undefined | ""): Partial<Record<K, V>> =>
    v === undefined || v === "" ? {} : ({ [k]: v } as Record<K, V>);
  return {
    ok: true,
    incoming: {
      channel: "mllp",
      documentId: cda.id,
      ...opt("setId", cda.setId),
      ...opt("versionNumber", cda.versionNumber),
      ...opt("replaces", replaces),
      typeCode: cda.code.code,
      ...opt("title", cda.title),
      patient: {
        ins: identity.ins,
        insOid: identity.oid,
        ...opt("family", family),
        ...opt("given", given),
        ...opt("birthDate", birthDate),
        ...opt("sex", ["F", "M", "U"].includes(sex) ? sex : undefined),
      },
      ...opt("visitNumber", visitNumber),
      ...opt("authorRpps", cda.author.rpps),
      recipients,
      flags,
      content: { kind: "cda", cda: content.bytes },
      channelRef: controlId,
    },
  };
}
