/**
 * The ADT corpus of the MLLP tests: every PAM France message of test/fixtures/pam-fr (the
 * project's own and those written after the ANS's PAM France 2.11 examples, see test/SOURCES.md),
 * each cut at every field boundary of every segment, with each segment but MSH removed, and encoded
 * in 8859/1 and in UTF-8 (MSH-18 saying so), plus the two mislabellings. Each frame comes with the
 * answer it must get, from {@link expectedAnswer}: the profile's rules written out here, on the
 * test's own field splitting (not the code under test).
 */
import { readdirSync } from "node:fs";
import type net from "node:net";
import { ackCode, parseEr7 } from "../../src/adt/index.ts";
import { checkIdentifier } from "../../src/forms/index.ts";
import { FIXTURES_DIR, pamFixture } from "./adt.ts";

export interface CorpusFrame {
  readonly label: string;
  readonly bytes: Buffer;
  readonly expected: { readonly code: "AA" | "AE" | "AR"; readonly location?: string };
  /** MSH-10 when present. */
  readonly controlId?: string;
  /** PID-5.1 as written (Unicode): what must be stored for an AA. */
  readonly lastName?: string;
}

const TRIGGERS = ["A01", "A02", "A03", "A11", "A13"];

/** HL7 field `n` of a segment split on `|` (MSH-1 is the separator itself, so MSH-n is parts[n-1]). */
const hf = (parts: readonly string[] | undefined, n: number): string =>
  parts === undefined ? "" : ((parts[0] === "MSH" ? parts[n - 1] : parts[n]) ?? "");
const comp = (field: string, c: number, rep = 0): string =>
  (field.split("~")[rep] ?? "").split("^")[c - 1] ?? "";

/** The answer the profile's rules give a message (text as sent) encoded `encoding` (listener default UTF-8). */
export function expectedAnswer(text: string, encoding: "utf8" | "latin1"): CorpusFrame["expected"] {
  const segs = text.split("\r").map((s) => s.split("|"));
  const seg = (name: string) => segs.find((s) => s[0] === name);
  const msh = seg("MSH");
  const nonAscii = Buffer.byteLength(text, "utf8") !== text.length;
  const declared = hf(msh, 18) || "UNICODE UTF-8";
  if (nonAscii && (encoding === "latin1") !== (declared === "8859/1"))
    return { code: "AE", location: "MSH^1^18" };
  if (hf(msh, 10) === "") return { code: "AR", location: "MSH^1^10" };
  if (comp(hf(msh, 9), 1) !== "ADT" || !TRIGGERS.includes(comp(hf(msh, 9), 2)))
    return { code: "AR", location: "MSH^1^9" };
  const pid = seg("PID");
  if (pid === undefined) return { code: "AE", location: "PID^1" };
  const pid3 = hf(pid, 3);
  if (comp(pid3, 1) === "") return { code: "AE", location: "PID^1^3" };
  const insRep = pid3.split("~").find((r) => (r.split("^")[3] ?? "").split("&")[1] === "1.2.250.1.213.1.4.8");
  if (insRep === undefined || !checkIdentifier("ins", insRep.split("^")[0] ?? "").ok)
    return { code: "AE", location: "PID^1^3" };
  if (!["", "VALI"].includes(hf(pid, 32))) return { code: "AE", location: "PID^1^32" };
  const name = hf(pid, 5);
  if (comp(name, 1) === "" || comp(name, 2) + comp(name, 3) === "")
    return { code: "AE", location: "PID^1^5" };
  if (!/^\d{8}/.test(hf(pid, 7))) return { code: "AE", location: "PID^1^7" };
  const pv1 = seg("PV1");
  if (pv1 === undefined) return { code: "AE", location: "PV1^1" };
  if (comp(hf(pv1, 19), 1) === "") return { code: "AE", location: "PV1^1^19" };
  const zbe = seg("ZBE");
  if (comp(hf(zbe, 7), 10) === "" && comp(hf(zbe, 8), 10) === "" && comp(hf(pv1, 3), 1) === "")
    return { code: "AE", location: "PV1^1^3" };
  const evn = seg("EVN");
  if (![hf(zbe, 2), hf(evn, 6), hf(evn, 2), hf(msh, 7)].some((t) => /^\d{12}/.test(t)))
    return { code: "AE", location: "ZBE^1^2" };
  return { code: "AA" };
}

const setField = (parts: string[], n: number, v: string): string[] => {
  const i = parts[0] === "MSH" ? n - 1 : n;
  const out = [...parts];
  while (out.length <= i) out.push("");
  out[i] = v;
  return out;
};

/** The fixture files of test/fixtures/pam-fr. */
export const fixtureNames = (): string[] =>
  readdirSync(FIXTURES_DIR)
    .filter((f) => f.endsWith(".hl7"))
    .sort();

/**
 * The corpus (see the module comment); control ids are `<prefix><n>`, unique per frame, and
 * frames with the same bytes are sent once.
 */
export function buildCorpus(prefix: string, names: readonly string[] = fixtureNames()): CorpusFrame[] {
  const out: CorpusFrame[] = [];
  const seen = new Set<string>();
  let n = 0;
  const add = (label: string, segs: string[][], encoding: "utf8" | "latin1", charset: string): void => {
    const withId = segs;
    const text = withId.map((s) => s.join("|")).join("\r");
    const bytes = Buffer.from(text, encoding);
    const key = bytes.toString("base64");
    if (seen.has(key)) return;
    seen.add(key);
    const msh = withId.find((s) => s[0] === "MSH");
    const pid = withId.find((s) => s[0] === "PID");
    const controlId = hf(msh, 10);
    const lastName = comp(hf(pid, 5), 1);
    out.push({
      label: `${label} [${charset || "no MSH-18"}]`,
      bytes,
      expected: expectedAnswer(text, encoding),
      ...(controlId === "" ? {} : { controlId }),
      ...(lastName === "" ? {} : { lastName }),
    });
  };
  for (const name of names) {
    const base = pamFixture(name)
      .split("\r")
      .map((s) => s.split("|"));
    for (const [encoding, charset] of [
      ["utf8", "UNICODE UTF-8"],
      ["latin1", "8859/1"],
    ] as const) {
      const fresh = (): string[][] =>
        base.map((s) =>
          s[0] === "MSH" ? setField(setField(s, 10, `${prefix}${n++}`), 18, charset) : [...s],
        );
      add(`${name} whole`, fresh(), encoding, charset);
      for (const [si, seg] of base.entries()) {
        // cut after field k, wherever the cut drops a non-empty field (cutting inside a run of
        // empty fields says the same thing); MSH keeps at least MSH-1 and MSH-2
        for (let k = seg[0] === "MSH" ? 1 : 0; k < seg.length - 1; k++) {
          if ((seg.slice(k + 1).join("") || "") === "") break;
          if (seg[k + 1] === "" && k + 1 < seg.length - 1) continue;
          const segs = fresh();
          segs[si] = segs[si]!.slice(0, k + 1);
          add(`${name} cut after ${seg[0]}-${seg[0] === "MSH" ? k + 1 : k}`, segs, encoding, charset);
        }
        if (seg[0] !== "MSH") {
          const segs = fresh();
          segs.splice(si, 1);
          add(`${name} without ${seg[0]}`, segs, encoding, charset);
        }
      }
    }
    // the two mislabellings: UTF-8 bytes under 8859/1, 8859/1 bytes under UTF-8
    const mis = (encoding: "utf8" | "latin1", charset: string): void => {
      add(
        `${name} ${encoding} bytes labelled ${charset}`,
        base.map((s) =>
          s[0] === "MSH" ? setField(setField(s, 10, `${prefix}${n++}`), 18, charset) : [...s],
        ),
        encoding,
        charset,
      );
    };
    mis("utf8", "8859/1");
    mis("latin1", "UNICODE UTF-8");
  }
  return out;
}

const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;
export const mllpFrame = (bytes: Buffer): Buffer =>
  Buffer.concat([Buffer.from([VT]), bytes, Buffer.from([FS, CR])]);

/**
 * Writes `payloads` on a connected socket (as they are: frames, junk…), `window` at a time, and
 * resolves with the first `answers` MLLP frames received (their content, without VT/FS CR).
 */
export function exchange(
  socket: net.Socket,
  payloads: readonly Buffer[],
  answers: number,
  window = 64,
): Promise<Buffer[]> {
  return new Promise((resolve, reject) => {
    const got: Buffer[] = [];
    let buf = Buffer.alloc(0);
    let sent = 0;
    const pump = (): void => {
      while (sent < payloads.length && sent - got.length < window) socket.write(payloads[sent++]!);
    };
    const onData = (chunk: Buffer): void => {
      buf = Buffer.concat([buf, chunk]);
      for (;;) {
        const start = buf.indexOf(VT);
        const end = buf.indexOf(FS, start + 1);
        if (start < 0 || end < 0 || end + 1 >= buf.length) break;
        got.push(buf.subarray(start + 1, end));
        buf = buf.subarray(end + 2);
      }
      if (got.length >= answers) {
        socket.off("data", onData);
        resolve(got);
        return;
      }
      pump();
    };
    socket.on("data", onData);
    socket.once("error", reject);
    socket.once("close", () => {
      if (got.length < answers)
        reject(new Error(`connection closed after ${got.length} of ${answers} answers`));
    });
    pump();
  });
}

/** Checks one answer against its frame; returns a description of the mismatch, or "". */
export function answerProblem(frame: CorpusFrame, answer: Buffer): string {
  const text = answer.toString("latin1");
  const ack = parseEr7(text);
  if (ack === undefined) return `${frame.label}: answer is not HL7`;
  const { code } = ackCode(text);
  const msa = ack.segments.find((s) => s.name === "MSA");
  const err = ack.segments.find((s) => s.name === "ERR");
  if (code !== frame.expected.code)
    return `${frame.label}: ${code} (${ackCode(text).text}), expected ${frame.expected.code}`;
  if ((msa?.fields[2] ?? "") !== (frame.controlId ?? "")) return `${frame.label}: MSA-2 does not echo MSH-10`;
  if (frame.expected.location !== undefined && err?.fields[2] !== frame.expected.location)
    return `${frame.label}: ERR-2 ${err?.fields[2]}, expected ${frame.expected.location}`;
  if (code !== "AA" && !/^\d{3}\^.+\^HL70357$/.test(err?.fields[3] ?? ""))
    return `${frame.label}: ERR-3 not a table 0357 code`;
  return "";
}
