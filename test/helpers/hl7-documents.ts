/**
 * The HL7 document messages of the tests: the ANS's published examples of the CI-SIS volet
 * « Transmission de document(s) CDA en HL7v2 » v2.1 (test/fixtures/hl7-documents, see
 * test/SOURCES.md), {@link production} variants of them, and {@link expectedDocAnswer}: the volet's
 * rules written out here, on the test's own field splitting (not the code under test), giving the
 * answer each message must get.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import { checkIdentifier } from "../../src/forms/index.ts";

export const DOC_FIXTURES = path.join(import.meta.dirname, "..", "fixtures", "hl7-documents");

/** The published examples, by role. */
export const ANS = {
  mdmT02: "ans-mdm-t02-init-n1.er7",
  mdmT10: "ans-mdm-t10-rplc-n1.er7",
  mdmPlaceholder: "ans-mdm-t02-init-placeholder.er7",
  oruNew: "ans-oru-r01-init-n3.hl7",
  oruReplace: "ans-oru-r01-rplc-n3.hl7",
} as const;

/** A published example as published (its segments end with LF). */
export const ansText = (name: string): string => readFileSync(path.join(DOC_FIXTURES, name), "utf8");

export type Segs = string[][];
export const split = (text: string): Segs =>
  text
    .split(/\r\n|\r|\n/)
    .filter((l) => l !== "")
    .map((l) => l.split("|"));
export const join = (segs: Segs): string => segs.map((s) => s.join("|")).join("\r");

/** HL7 field `n` of a segment split on `|` (MSH-1 is the separator itself: MSH-n is parts[n-1]). */
export const hf = (parts: readonly string[] | undefined, n: number): string =>
  parts === undefined ? "" : ((parts[0] === "MSH" ? parts[n - 1] : parts[n]) ?? "");
export const comp = (field: string, c: number, rep = 0): string =>
  (field.split("~")[rep] ?? "").split("^")[c - 1] ?? "";
export const setField = (parts: readonly string[], n: number, v: string): string[] => {
  const i = parts[0] === "MSH" ? n - 1 : n;
  const out = [...parts];
  while (out.length <= i) out.push("");
  out[i] = v;
  return out;
};
export const setComp = (field: string, c: number, v: string): string => {
  const parts = field.split("^");
  while (parts.length < c) parts.push("");
  parts[c - 1] = v;
  return parts.join("^");
};

const META = new Set([
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
  "CORPSMAIL_PS",
  "CORPSMAIL_PATIENT",
]);
const isMeta = (s: readonly string[]): boolean =>
  META.has(comp(hf(s, 3), 1).trim()) || comp(hf(s, 3), 3).trim() === "MetaDMPMSS";

/** Index (in `segs`) of the OBX carrying the document: type ED, not a metadata OBX. */
export const docObxAt = (segs: Segs): number =>
  segs.findIndex((s) => s[0] === "OBX" && hf(s, 2) === "ED" && !isMeta(s));

/** The CORPSMAIL_PS body of the ANS's MDM examples (the ORU examples publish it cut short). */
export const ANS_BODY =
  "Q2hlciBjb25mcsOocmUsIHZvdXMgdHJvdXZlcmV6IGNpLWpvaW50IGxlIENSIGTigJlpbWFnZXJpZSBkZSBNLkR1cG9udA==";

/** Rewrites the document OBX's CDA (Base64 in OBX-5.5), keeping the published padding or its absence. */
export function mapCda(segs: Segs, f: (xml: string) => string): Segs {
  const at = docObxAt(segs);
  const obx = segs[at];
  if (obx === undefined) return segs;
  const data = comp(hf(obx, 5), 5);
  let b64 = Buffer.from(f(Buffer.from(data, "base64").toString("utf8")), "utf8").toString("base64");
  if (!data.endsWith("=")) b64 = b64.replace(/=+$/, "");
  const out = segs.map((s) => [...s]);
  out[at] = setField(obx, 5, setComp(hf(obx, 5), 5, b64));
  return out;
}

/**
 * The example as a production feed would send it: the INS under the production INS-NIR authority
 * (PID-3 and the CDA's recordTarget; the ANS uses the test authority .10, which the feed refuses)
 * and, for the ORU examples, the CORPSMAIL_PS body whole. Segments end with CR.
 */
export function production(name: string): string {
  let segs = split(ansText(name).replaceAll("&1.2.250.1.213.1.4.10&", "&1.2.250.1.213.1.4.8&"));
  segs = mapCda(segs, (xml) => xml.replaceAll('root="1.2.250.1.213.1.4.10"', 'root="1.2.250.1.213.1.4.8"'));
  segs = segs.map((s) =>
    s[0] === "OBX" && comp(hf(s, 3), 1) === "CORPSMAIL_PS"
      ? setField(s, 5, setComp(hf(s, 5), 5, ANS_BODY))
      : s,
  );
  return join(segs);
}

const TYPES = ["MDM^T02", "MDM^T10", "ORU^R01"];

/** The answer the volet's rules (and the feed's identity rules) give a message sent in `encoding`. */
export function expectedDocAnswer(
  text: string,
  encoding: "utf8" | "latin1",
): { code: "AA" | "AE" | "AR"; location?: string } {
  const segs = split(text);
  const seg = (name: string) => segs.find((s) => s[0] === name);
  const msh = seg("MSH");
  const nonAscii = Buffer.byteLength(text, "utf8") !== text.length;
  const declared = hf(msh, 18) || "UNICODE UTF-8";
  if (nonAscii && (encoding === "latin1") !== (declared === "8859/1"))
    return { code: "AE", location: "MSH^1^18" };
  if (hf(msh, 10) === "") return { code: "AR", location: "MSH^1^10" };
  const type = `${comp(hf(msh, 9), 1)}^${comp(hf(msh, 9), 2)}`;
  if (!TYPES.includes(type)) return { code: "AR", location: "MSH^1^9" };
  if (hf(msh, 12) !== "" && !/^2\.[5-9]/.test(hf(msh, 12))) return { code: "AE", location: "MSH^1^12" };
  const pid = seg("PID");
  if (pid === undefined) return { code: "AE", location: "PID^1" };
  const pid3 = hf(pid, 3);
  if (comp(pid3, 1) === "") return { code: "AE", location: "PID^1^3" };
  const insRep = pid3.split("~").find((r) => (r.split("^")[3] ?? "").split("&")[1] === "1.2.250.1.213.1.4.8");
  if (insRep === undefined || !checkIdentifier("ins", insRep.split("^")[0] ?? "").ok)
    return { code: "AE", location: "PID^1^3" };
  if (!["", "VALI"].includes(hf(pid, 32))) return { code: "AE", location: "PID^1^32" };
  if (type.startsWith("MDM") && seg("TXA") === undefined) return { code: "AE", location: "TXA^1" };
  const obx = segs.filter((s) => s[0] === "OBX");
  const candidates = obx.map((s, i) => ({ s, i: i + 1 })).filter(({ s }) => hf(s, 2) === "ED" && !isMeta(s));
  const withData = candidates.filter(({ s }) => hf(s, 5) !== "");
  const doc = withData[0] ?? candidates[0];
  if (doc === undefined) return { code: "AE", location: "OBX^1^2" };
  if (withData.length > 1) return { code: "AR", location: `OBX^${String(withData[1]?.i)}^5` };
  let masked = false;
  for (const [i, s] of obx.entries()) {
    if (!isMeta(s)) continue;
    const code = comp(hf(s, 3), 1).trim();
    const at = `OBX^${String(i + 1)}^5`;
    if (code.startsWith("CORPSMAIL_")) {
      const b = comp(hf(s, 5), 5).replace(/\s/g, "");
      if (b === "" || !/^[A-Za-z0-9+/]*={0,2}$/.test(b) || b.length % 4 === 1)
        return { code: "AE", location: at };
      continue;
    }
    if (!["Y", "N"].includes(comp(hf(s, 5), 1).trim())) return { code: "AE", location: at };
    if (code === "MASQUE_PS") masked = true;
  }
  if (!masked) return { code: "AE", location: "OBX^1^3" };
  if (comp(hf(doc.s, 5), 5) === "" || comp(hf(doc.s, 5), 4) === "")
    return { code: "AE", location: `OBX^${String(doc.i)}^5` };
  return { code: "AA" };
}
