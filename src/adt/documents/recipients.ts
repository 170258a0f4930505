/**
 * Recipients named by a document message (CI-SIS volet « Transmission de document(s) CDA en HL7v2 »
 * v2.1, §« Les données concernant la demande de traitement sur le(s) document(s) », segment PRT
 * pre-adopted from HL7 v2.9 §7.4.4): each PRT whose PRT-4.1 is `RCT` (Result Copies To) names one
 * recipient —
 * - a person in PRT-5 (XCN): PRT-5.1 the identifier, PRT-5.9.2 its authority. Only the national
 *   professional id under OID 1.2.250.1.71.4.2.1 written `8` + RPPS (11 digits, Luhn key checked)
 *   routes to a professional; a wrong key is refused naming PRT-5. Other people (`0` + ADELI…) give
 *   no RPPS. A patient (PRT-5 under an INS OID, or PRT-5.13 `INS`) is not a professional recipient
 *   and gives no hint at all, nor does a patient MSSanté address (domain `patient.mssante.fr`);
 * - an organisation in PRT-8 (XON) or an application in PRT-10: never a person, whatever its number
 *   looks like — only its MSSanté address is kept;
 * - PRT-15.4: the MSSanté address (PRT-15.3 `X.400`).
 * `SB` (sender) and `REPLY` (reply-to address) participations are not recipients.
 */
import type { RecipientHint } from "../../documents/index.ts";
import { checkIdentifier } from "../../forms/index.ts";
import type { Er7Message } from "../er7.ts";
import { valueOf } from "../er7.ts";
import { INS_OIDS, INS_TEST_OIDS } from "../event.ts";
import { refuse, type Refusal } from "./refusal.ts";

/** OID of the national identifiers of health professionals (IdNatPS). */
export const OID_PS = "1.2.250.1.71.4.2.1";
const INS_AUTHORITIES = new Set<string>([...Object.values(INS_OIDS), ...Object.values(INS_TEST_OIDS)]);

/** The RCT recipients of the message, in order, without duplicates (see the module comment). */
export function readRecipients(msg: Er7Message): RecipientHint[] | Refusal {
  const out: RecipientHint[] = [];
  const seen = new Set<string>();
  let index = 0;
  for (const seg of msg.segments) {
    if (seg.name !== "PRT") continue;
    index++;
    if (valueOf(msg, seg, 4, 1).trim().toUpperCase() !== "RCT") continue;
    const id = valueOf(msg, seg, 5, 1).trim();
    const authority = valueOf(msg, seg, 5, 9, 0, 2).trim();
    const patient = INS_AUTHORITIES.has(authority) || valueOf(msg, seg, 5, 13).trim().toUpperCase() === "INS";
    const address = valueOf(msg, seg, 15, 4).trim();
    if (patient || /@patient\.mssante\.fr$/i.test(address)) continue;
    let rpps: string | undefined;
    if (authority === OID_PS && /^8\d{11}$/.test(id)) {
      if (!checkIdentifier("rpps", id.slice(1)).ok) {
        return refuse(
          "AE",
          "prt.rpps_key",
          "102",
          `PRT^${String(index)}^5`,
          "PRT-5.1 national id 8 + RPPS has a wrong check key",
        );
      }
      rpps = id.slice(1);
    }
    const mssante = address.includes("@") ? address : undefined;
    if (rpps === undefined && mssante === undefined) continue;
    const key = `${rpps ?? ""}|${mssante?.toLowerCase() ?? ""}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push({ ...(rpps === undefined ? {} : { rpps }), ...(mssante === undefined ? {} : { mssante }) });
  }
  return out;
}
