/**
 * The DMP/MSSanté metadata of a document message (CI-SIS volet « Transmission de document(s) CDA en
 * HL7v2 » v2.1, §« Les métadonnées DMP/MSSanté » and table « MetaDMP/MSS »): one OBX per
 * metadata, OBX-3.1 its code, OBX-5.1 `Y` or `N` (HL7 table 0136), or for the two mail bodies an
 * ED whose OBX-5.5 is Base64 text. Read here:
 * - `MASQUE_PS` (required): the document is masked to professionals;
 * - `ACK_RECEPTION`, `ACK_LECTURE_MSS` (the volet's examples also write `ACK_LECTURE`): the
 *   acknowledgements the sender wants;
 * - `CORPSMAIL_PS`: the mail body for professionals;
 * - every other code (`INVISIBLE_PATIENT`, `INVISIBLE_REP_LEGAUX`, `CONNEXION_SECRETE`,
 *   `MODIF_CONF_CODE`, `DESTDMP`, `DESTMSSANTEPS`, `DESTMSSANTEPAT`, `CORPSMAIL_PATIENT`) kept as it
 *   came for the MSSanté rail, and an NTE-4 `FIN` after `DESTMSSANTEPAT` (the patient may not
 *   answer) as `DESTMSSANTEPAT.NTE`.
 * A value other than Y/N, an empty one, or a body that is not Base64 is refused naming OBX-5 of that
 * OBX (ERR-2 `OBX^<occurrence>^5`); a message without `MASQUE_PS` is refused: masking cannot be
 * guessed.
 */
import type { DocumentFlags } from "../../documents/index.ts";
import type { Er7Message, Er7Segment } from "../er7.ts";
import { valueOf } from "../er7.ts";
import { strictBase64 } from "./base64.ts";
import { refuse, type Refusal } from "./refusal.ts";

export const META_SYSTEM = "MetaDMPMSS";
const BODIES = new Set(["CORPSMAIL_PS", "CORPSMAIL_PATIENT"]);
export const META_CODES = new Set([
  "MASQUE_PS",
  "INVISIBLE_PATIENT",
  "INVISIBLE_REP_LEGAUX",
  "CONNEXION_SECRETE",
  "MODIF_CONF_CODE",
  "DESTDMP",
  "DESTMSSANTEPS",
  "DESTMSSANTEPAT",
  "ACK_RECEPTION",
  "ACK_LECTURE_MSS",
  "ACK_LECTURE",
  ...BODIES,
]);

/** Is this OBX a metadata OBX (by its code or its coding system) rather than a document? */
export const isMetaObx = (msg: Er7Message, obx: Er7Segment): boolean =>
  META_CODES.has(valueOf(msg, obx, 3, 1).trim()) || valueOf(msg, obx, 3, 3).trim() === META_SYSTEM;

const utf8 = new TextDecoder("utf-8", { fatal: true });
const text = (bytes: Uint8Array): string => {
  try {
    return utf8.decode(bytes);
  } catch {
    return Buffer.from(bytes).toString("latin1");
  }
};

/** The flags of the message's metadata OBX segments (see the module comment). */
export function readFlags(msg: Er7Message): DocumentFlags | Refusal {
  const values = new Map<string, string>();
  let obxIndex = 0;
  let lastCode = "";
  for (const seg of msg.segments) {
    if (seg.name === "NTE" && lastCode === "DESTMSSANTEPAT" && valueOf(msg, seg, 4).trim() === "FIN") {
      values.set("DESTMSSANTEPAT.NTE", "FIN");
    }
    if (seg.name !== "OBX") continue;
    obxIndex++;
    lastCode = isMetaObx(msg, seg) ? valueOf(msg, seg, 3, 1).trim() : "";
    if (lastCode === "") continue;
    const at = `OBX^${String(obxIndex)}^5`;
    if (BODIES.has(lastCode)) {
      const bytes = strictBase64(valueOf(msg, seg, 5, 5));
      if (bytes === undefined) {
        return refuse("AE", "meta.body_base64", "102", at, `${lastCode} OBX-5.5 is not Base64 text`);
      }
      values.set(lastCode, text(bytes));
      continue;
    }
    const yn = valueOf(msg, seg, 5, 1).trim().toUpperCase();
    if (yn === "") return refuse("AE", "meta.value_missing", "101", at, `${lastCode} OBX-5.1 (Y/N) missing`);
    if (yn !== "Y" && yn !== "N") {
      return refuse("AE", "meta.value_not_yn", "103", at, `${lastCode} OBX-5.1 is not Y or N (table 0136)`);
    }
    values.set(lastCode, yn);
  }
  const masked = values.get("MASQUE_PS");
  if (masked === undefined) {
    return refuse("AE", "meta.masque_ps_missing", "101", "OBX^1^3", "no MASQUE_PS metadata OBX");
  }
  const body = values.get("CORPSMAIL_PS");
  const own = new Set(["MASQUE_PS", "ACK_RECEPTION", "ACK_LECTURE_MSS", "ACK_LECTURE", "CORPSMAIL_PS"]);
  return {
    maskedToProfessionals: masked === "Y",
    ackReception: values.get("ACK_RECEPTION") === "Y",
    ackReading: (values.get("ACK_LECTURE_MSS") ?? values.get("ACK_LECTURE")) === "Y",
    ...(body === undefined ? {} : { bodyForProfessionals: body }),
    mssante: Object.fromEntries([...values].filter(([k]) => !own.has(k))),
  };
}
