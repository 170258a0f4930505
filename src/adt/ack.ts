/**
 * The HL7 v2.5 acknowledgement (original mode, §2.9.2), written with the message's own delimiters:
 * MSH (sender and receiver swapped, MSH-9 `ACK^<trigger>^ACK`, MSH-17 the message's country code —
 * `FRA` in PAM France and in the CI-SIS volet « Transmission de document(s) CDA en HL7v2 », whose
 * ACK requires it —, MSH-18 the character set the answer is encoded in), MSA-1 AA when the message
 * is stored, AE (application error) or AR (rejected) with MSA-3 text and an ERR segment: ERR-2 location (ERL: segment^sequence^field), ERR-3 the
 * HL7 table 0357 code, ERR-4 severity E, ERR-8 the text and the stable reason. No patient data
 * is echoed: only MSH-3 to MSH-6, MSH-10 (the control id), MSH-11, MSH-12 and MSH-17 come back.
 */
import type { Hl7Charset } from "./charset.ts";
import type { Er7Delimiters, Er7Message } from "./er7.ts";
import { parseEr7, rawField, segmentOf, STANDARD_DELIMITERS, valueOf } from "./er7.ts";
import type { Rejection } from "./hl7.ts";

const TEXT_0357: Record<Rejection["hl7Error"], string> = {
  "100": "Segment sequence error",
  "101": "Required field missing",
  "102": "Data type error",
  "103": "Table value not found",
  "198": "Non-conformant cardinality",
  "200": "Unsupported message type",
  "201": "Unsupported event code",
  "203": "Unsupported version",
  "207": "Application internal error",
};

const MSA_TEXT = { AA: "OK", AE: "Application Error", AR: "Application Reject" } as const;

let sequence = 0;
/** MSH-10 of an answer: unique per process, at most 20 characters (HL7 v2.5 ST length of MSH-10). */
const ackControlId = (): string =>
  `PSR${Date.now().toString(36)}${(sequence++ % 1_296).toString(36).padStart(2, "0")}`.slice(0, 20);

const dtmNow = (): string => `${new Date().toISOString().replace(/[-:T]/g, "").slice(0, 14)}+0000`;

/** The answer's text: our own words only, with delimiter characters blanked out. */
const plain = (v: string): string => v.replace(/[|^~&\\\r\n]/g, " ");

function ack(
  d: Er7Delimiters,
  echo: { app: string; facility: string; toApp: string; toFacility: string; trigger: string },
  echoed: { controlId: string; processing: string; version: string; country?: string },
  charset: Hl7Charset,
  rejection: Rejection | undefined,
): string {
  const f = d.field;
  const c = d.component;
  const code = rejection?.ack ?? "AA";
  const msh = [
    "MSH",
    `${d.component}${d.repetition}${d.escape}${d.subcomponent}`,
    echo.toApp,
    echo.toFacility,
    echo.app,
    echo.facility,
    dtmNow(),
    "",
    echo.trigger === "" ? "ACK" : ["ACK", echo.trigger, "ACK"].join(c),
    ackControlId(),
    echoed.processing || "P",
    echoed.version || "2.5",
    "",
    "",
    "",
    "",
    echoed.country ?? "",
    charset,
  ].join(f);
  const msa = ["MSA", code, echoed.controlId, plain(rejection?.text ?? MSA_TEXT.AA).slice(0, 80)].join(f);
  if (rejection === undefined) return [msh, msa].join("\r");
  const err = [
    "ERR",
    "",
    rejection.location.split("^").map(plain).join(c),
    [rejection.hl7Error, TEXT_0357[rejection.hl7Error], "HL70357"].join(c),
    "E",
    "",
    "",
    "",
    plain(`${rejection.text} [${rejection.reason}]`),
  ].join(f);
  return [msh, msa, err].join("\r");
}

/** AA, or AE/AR with the reason, for a message whose MSH could be read. */
export function buildAck(msg: Er7Message, charset: Hl7Charset, rejection?: Rejection): string {
  const msh = segmentOf(msg, "MSH");
  return ack(
    msg.delimiters,
    {
      app: rawField(msh, 3),
      facility: rawField(msh, 4),
      toApp: rawField(msh, 5),
      toFacility: rawField(msh, 6),
      trigger: plain(valueOf(msg, msh, 9, 2))
        .trim()
        .slice(0, 3),
    },
    {
      controlId: rawField(msh, 10),
      processing: rawField(msh, 11),
      version: rawField(msh, 12),
      country: plain(rawField(msh, 17)).slice(0, 3),
    },
    charset,
    rejection,
  );
}

/** AR for a frame that is not HL7 (no MSH): standard delimiters, nothing echoed, MSA-2 empty. */
export function buildBareAck(charset: Hl7Charset, rejection: Rejection): string {
  return ack(
    STANDARD_DELIMITERS,
    { app: "", facility: "", toApp: "PASSERELLE", toFacility: "", trigger: "" },
    { controlId: "", processing: "P", version: "2.5" },
    charset,
    rejection,
  );
}

/** MSA-1 of an ACK and its ERR-8 text (else MSA-3), for clients and tests; any HL7 text or message. */
export function ackCode(answer: string | { toString(): string }): { code: string; text: string } {
  const msg = parseEr7(String(answer));
  if (msg === undefined) return { code: "", text: "" };
  const msa = segmentOf(msg, "MSA");
  const err = segmentOf(msg, "ERR");
  return {
    code: valueOf(msg, msa, 1),
    text: err === undefined ? valueOf(msg, msa, 3) : rawField(err, 8),
  };
}
