/** Running the document parser on message text, as the listener does (charset first), for the tests. */
import { parseDocumentMessage, parseEr7 } from "../../../../src/adt/index.ts";
import { decodeHl7, hexDecoder } from "../../../../src/adt/charset.ts";
import { withCheckKey } from "../../../../src/forms/index.ts";
import {
  comp,
  docObxAt,
  hf,
  join,
  production,
  setComp,
  setField,
  split,
  type Segs,
} from "../../../helpers/hl7-documents.ts";

export const answer = (text: string, encoding: "utf8" | "latin1" = "utf8") => {
  const decoded = decodeHl7(Buffer.from(text, encoding), "UNICODE UTF-8");
  if (!decoded.ok) return { ack: decoded.unsupported ? "AR" : "AE", location: "MSH^1^18" };
  const msg = parseEr7(decoded.text, hexDecoder(decoded.charset));
  if (msg === undefined) return { ack: "AR", location: "MSH^1" };
  const r = parseDocumentMessage(msg);
  return r.ok ? { ack: "AA" } : { ack: r.ack, location: r.location, reason: r.reason };
};
export const edit = (name: string, f: (segs: Segs) => Segs): string => join(f(split(production(name))));
export const at = (segs: Segs, name: string, n: number, v: string, index = 0): Segs => {
  let seen = -1;
  return segs.map((s) => (s[0] === name && ++seen === index ? setField(s, n, v) : s));
};
export const docData = (segs: Segs, f: (b64: string) => string): Segs => {
  const i = docObxAt(segs);
  const obx = segs[i]!;
  const out = segs.map((s) => [...s]);
  out[i] = setField(obx, 5, setComp(hf(obx, 5), 5, f(comp(hf(obx, 5), 5))));
  return out;
};
export const OTHER_INS = withCheckKey("ins", "1850675123456");
