/**
 * The HL7 v2.5 acknowledgement (original mode, §2.9.2): MSA-1 AA when the message is stored,
 * AE (application error) or AR (rejected) with MSA-3 text and an ERR segment (ERR-2 location,
 * ERR-3 HL7 table 0357 code, ERR-4 severity E, ERR-8 user message). No patient data is echoed.
 */
import { Hl7Segment } from "@medplum/core";
import type { Hl7Message } from "@medplum/core";
import type { Rejection } from "./hl7.ts";

const TEXT_0357: Record<Rejection["hl7Error"], string> = {
  "101": "Required field missing",
  "102": "Data type error",
  "200": "Unsupported message type",
  "201": "Unsupported event code",
  "207": "Application internal error",
};

/** AA, or AE/AR with the reason (the stable code goes in ERR-8 after the text). */
export function buildAck(msg: Hl7Message, rejection?: Rejection & { readonly reason: string }): Hl7Message {
  if (rejection === undefined) return msg.buildAck({ ackCode: "AA" });
  const ctx = msg.context;
  const f = ctx.fieldSeparator;
  const c = ctx.componentSeparator;
  const esc = (v: string): string => v.replace(/[|^~&\\]/g, " ");
  const location = rejection.location.split("^").map(esc).join(c);
  const err = Hl7Segment.parse(
    [
      "ERR",
      "",
      location,
      [rejection.hl7Error, TEXT_0357[rejection.hl7Error], "HL70357"].join(c),
      "E",
      "",
      "",
      "",
      esc(`${rejection.text} [${rejection.reason}]`),
    ].join(f),
    ctx,
  );
  const ack = msg.buildAck({ ackCode: rejection.ack, errSegment: err });
  const msa = ack.getSegment("MSA");
  if (msa !== undefined) {
    ack.setSegment(
      "MSA",
      new Hl7Segment(
        ["MSA", rejection.ack, msa.getField(2).toString(), esc(rejection.text).slice(0, 80)],
        ctx,
      ),
    );
  }
  return ack;
}

/** MSA-1 of an ACK, and its ERR-8 text (for clients and tests). */
export function ackCode(ack: Hl7Message): { code: string; text: string } {
  return {
    code: ack.getSegment("MSA")?.getField(1).toString() ?? "",
    text:
      ack.getSegment("ERR")?.getField(8).toString() ?? ack.getSegment("MSA")?.getField(3).toString() ?? "",
  };
}
