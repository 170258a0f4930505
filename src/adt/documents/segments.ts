/**
 * Segment-level reading shared by the MDM and ORU parsers: wrapped lines folded back, the document
 * OBX found, TXA entity identifiers read.
 */
import type { Er7Message, Er7Segment } from "../er7.ts";
import { valueOf } from "../er7.ts";
import { isMetaObx } from "./meta.ts";

const SEGMENT_ID = /^[A-Z][A-Z0-9]{2}$/;

/**
 * A line that does not start with a segment id (three capitals or digits, HL7 v2.5 §2.5.1) continues
 * the previous segment: a sender that wrapped the Base64 of OBX-5 (RFC 2045 §6.8, 76 characters a
 * line) with bare line breaks. The break is kept as an escaped line feed (`\X0A\`, §2.7.4), which
 * the Base64 reader skips.
 */
export function foldContinuations(msg: Er7Message): Er7Message {
  if (msg.segments.every((s) => SEGMENT_ID.test(s.name))) return msg;
  const d = msg.delimiters;
  const out: Er7Segment[] = [];
  for (const seg of msg.segments) {
    const prev = out[out.length - 1];
    if (SEGMENT_ID.test(seg.name) || prev === undefined) {
      out.push(seg);
      continue;
    }
    const fields = [...prev.fields];
    const tail = seg.fields;
    fields[fields.length - 1] = `${fields[fields.length - 1] ?? ""}${d.escape}X0A${d.escape}${tail[0] ?? ""}`;
    fields.push(...tail.slice(1));
    out[out.length - 1] = { name: prev.name, fields };
  }
  return { ...msg, segments: out };
}

/** The OBX segments that carry a document (type ED, not a metadata OBX), with their occurrence (1-based). */
export function documentObx(msg: Er7Message): { seg: Er7Segment; index: number }[] {
  const out: { seg: Er7Segment; index: number }[] = [];
  let index = 0;
  for (const seg of msg.segments) {
    if (seg.name !== "OBX") continue;
    index++;
    if (valueOf(msg, seg, 2).trim().toUpperCase() === "ED" && !isMetaObx(msg, seg)) out.push({ seg, index });
  }
  return out;
}

/**
 * A TXA-12 / TXA-13 entity identifier (EI) as the CDA id it stands for (volet §« Les métadonnées du
 * document », rule for TXA-12/13): `EI-3^EI-1` (root^extension) when EI-3 is given, else EI-1 (the
 * root alone). "" when empty.
 */
export function eiAsCdaId(msg: Er7Message, seg: Er7Segment | undefined, f: number): string {
  const first = valueOf(msg, seg, f, 1).trim();
  const universal = valueOf(msg, seg, f, 3).trim();
  if (first === "") return "";
  return universal === "" ? first : `${universal}^${first}`;
}
