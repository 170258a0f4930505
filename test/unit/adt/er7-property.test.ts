/**
 * Property-based tests (fast-check) of the ADT reader: random PAM France-shaped ADT messages —
 * random field lengths, empty and absent fields, segments cut short, escape sequences (\F\ \S\ \T\
 * \R\ \E\ \Xhh\, formatting, unknown and unterminated escapes), repetitions and subcomponents,
 * CR, LF or CRLF between segments — never make the reader, the PAM France parser or the ACK
 * writer throw; an accepted event always passes the JSON validator (so the notices can be made),
 * a refusal always names a location and a reason code. Also: escaping then unescaping gives the
 * text back, any bytes decode or are refused with a reason, and the MLLP framer finds the same
 * frames however the stream is cut.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ackCode, buildAck, parseAdt, parseEr7, validateAdtEvent } from "../../../src/adt/index.ts";
import { decodeHl7 } from "../../../src/adt/charset.ts";
import { unescapeEr7 } from "../../../src/adt/er7.ts";
import { MllpFramer } from "../../../src/adt/mllp.ts";
import { insOf } from "../../helpers/adt.ts";

const RUNS = Number(process.env.ADT_PROPERTY_RUNS ?? 400);

/** Text as a sender may put it in a component: plain, accented, escape sequences good and bad. */
const piece = fc.oneof(
  fc.string({ maxLength: 12 }).map((s) => s.replace(/[|^~&\\\r\n]/g, "")),
  fc.constantFrom("MARCHAL", "Élise", "Ñuñez", "O'Neil", "Zoë", "dʼArc", "€", "  "),
  fc.constantFrom("\\F\\", "\\S\\", "\\T\\", "\\R\\", "\\E\\", "\\X41\\", "\\XC3A9\\", "\\XE9\\"),
  fc.constantFrom("\\H\\", "\\N\\", "\\.br\\", "\\.sp2\\", "\\Zloc\\", "\\C2842\\", "\\Q\\", "\\X4\\", "\\"),
);
const component = fc.array(piece, { maxLength: 3 }).map((p) => p.join(""));
const subcomponents = fc.array(component, { minLength: 1, maxLength: 3 }).map((s) => s.join("&"));
const repetition = fc.array(subcomponents, { minLength: 1, maxLength: 5 }).map((c) => c.join("^"));
const randomField = fc.array(repetition, { minLength: 1, maxLength: 3 }).map((r) => r.join("~"));

/** A plausible value at a known position, or random, or empty. */
const fieldOr = (plausible: fc.Arbitrary<string>) =>
  fc.oneof(
    { weight: 8, arbitrary: plausible },
    { weight: 1, arbitrary: randomField },
    { weight: 1, arbitrary: fc.constant("") },
  );

/** `usual` three times in four, else `other`. */
const mostly = <T>(usual: T, other: fc.Arbitrary<T>): fc.Arbitrary<T> =>
  fc.oneof({ weight: 3, arbitrary: fc.constant(usual) }, { weight: 1, arbitrary: other });

const dtm = mostly(
  "20260302101500",
  fc.oneof(
    fc.constantFrom(
      "20260302101500",
      "202603021015",
      "20260302",
      "20261301",
      "20260230",
      "2026030225",
      "20260302101500+0100",
      "x",
    ),
    fc.integer({ min: 0, max: 99_999_999 }).map((n) => `2026${String(n).padStart(8, "0")}`),
  ),
);
const ins = fc.integer({ min: 0, max: 50 }).map((n) => insOf(n));
const pid3 = fc
  .tuple(
    ins,
    mostly("1.2.250.1.213.1.4.8", fc.constantFrom("1.2.250.1.213.1.4.9", "1.2.250.1.213.1.4.10", "9.9")),
  )
  .map(([i, oid]) => `${i}^^^ASIP-SANTE-INS-NIR&${oid}&ISO^INS~000456789^^^CHV&1.2.250.1.71&ISO^PI`);

/** Fields 1..n of a segment, then cut at a random field boundary (HL7 §2.5.3 lets a sender stop early). */
const segment = (name: string, fields: fc.Arbitrary<string>[]) =>
  fc
    .tuple(fc.tuple(...fields), mostly(fields.length, fc.integer({ min: 0, max: fields.length })))
    .map(([fs, keep]) => [name, ...fs.slice(0, keep)].join("|"));

const positions = (n: number, known: Record<number, fc.Arbitrary<string>>) =>
  Array.from({ length: n }, (_, i) =>
    known[i + 1] === undefined ? fc.oneof(fc.constant(""), randomField) : fieldOr(known[i + 1]!),
  );

const message = fc
  .tuple(
    fc.tuple(
      fc.constantFrom("A01", "A02", "A03", "A11", "A13", "A08", ""),
      mostly(
        "C1",
        fc.string({ minLength: 0, maxLength: 70 }).map((s) => s.replace(/[|\r\n]/g, "")),
      ),
      fc.constantFrom("", "UNICODE UTF-8", "8859/1", "ASCII"),
      mostly(19, fc.integer({ min: 9, max: 19 })),
    ),
    segment("EVN", positions(6, { 2: dtm, 6: dtm })),
    segment(
      "PID",
      positions(33, {
        3: pid3,
        5: mostly(
          "MARCHAL^Odette^Marie^^^^L",
          fc.tuple(piece, piece, piece).map(([l, f, s]) => `${l}^${f}^${s}^^^^L`),
        ),
        7: dtm,
        32: mostly("VALI", fc.constantFrom("PROV", "QUAL", "VALI~DOUT", "")),
      }),
    ),
    segment(
      "PV1",
      positions(45, {
        3: fc.constant("3B^312^1^CHV&699990016&M"),
        19: fc.constant("2026000123"),
        44: dtm,
        45: dtm,
      }),
    ),
    segment(
      "ZBE",
      positions(9, {
        1: fc.constant("MVT1"),
        2: dtm,
        4: fc.constantFrom("INSERT", "CANCEL", "UPDATE"),
        6: fc.constantFrom("A01", "A03"),
        7: fc.constant("Gériatrie^^^^^CHV^UF^^^3B"),
      }),
    ),
    mostly(["EVN", "PID", "PD1", "PV1", "ZBE"], fc.subarray(["EVN", "PID", "PV1", "ZBE", "PD1"])),
    fc.constantFrom("\r", "\n", "\r\n"),
  )
  .map(([[trigger, controlId, charset, mshLength], evn, pid, pv1, zbe, keep, eol]) => {
    const mshFields = [
      "MSH",
      "^~\\&",
      "SIH",
      "CH VALMONT^699990016^FINESS",
      "PASSERELLE",
      "CPTS",
      "20260302101500",
      "",
      `ADT^${trigger}^ADT_A01`,
      controlId,
      "P",
      "2.5^FRA^2.11",
      "",
      "",
      "",
      "",
      "FRA",
      charset,
      "FR",
    ].slice(0, mshLength);
    const msh = `MSH|${mshFields.slice(1).join("|")}`;
    const segs: Record<string, string> = { EVN: evn, PID: pid, PV1: pv1, ZBE: zbe, PD1: "PD1||||||||||||N" };
    return [msh, ...keep.map((k) => segs[k]!)].join(eol);
  });

describe("ADT reader, property-based", () => {
  it("random ADT messages: the reader, the PAM France parser and the ACK writer never throw", () => {
    let accepted = 0;
    fc.assert(
      fc.property(message, (text) => {
        const msg = parseEr7(text);
        expect(msg).toBeDefined();
        if (msg === undefined) return;
        const r = parseAdt(msg);
        if (r.ok) {
          accepted++;
          expect(() => validateAdtEvent(r.event)).not.toThrow();
        } else {
          expect(r.location).toMatch(/^[A-Z][A-Z0-9]{2}\^1(\^\d{1,2})?$/);
          expect(r.reason).toMatch(/^[a-z][a-z0-9_.]*$/);
          expect(["AE", "AR"]).toContain(r.ack);
        }
        const ack = buildAck(msg, "UNICODE UTF-8", r.ok ? undefined : r);
        expect(ackCode(ack).code).toBe(r.ok ? "AA" : r.ack);
      }),
      { numRuns: RUNS },
    );
    // the generator reaches accepted messages too (a share of the runs, not a lucky one)
    expect(accepted).toBeGreaterThan(RUNS / 50);
  });

  it("escaping a text (\\F\\ \\S\\ \\T\\ \\R\\ \\E\\) and reading it back gives the text", () => {
    const msg = parseEr7("MSH|^~\\&|")!;
    const escape = (s: string): string =>
      s.replace(
        /[\\|^&~]/g,
        (c) => ({ "\\": "\\E\\", "|": "\\F\\", "^": "\\S\\", "&": "\\T\\", "~": "\\R\\" })[c]!,
      );
    fc.assert(
      fc.property(fc.string({ maxLength: 40 }), (s) => {
        expect(unescapeEr7(msg, escape(s))).toBe(s);
      }),
      { numRuns: RUNS },
    );
    expect(unescapeEr7(msg, "A\\X42\\C\\.br\\D\\H\\E\\N\\\\Q\\\\")).toBe("ABC DE\\Q\\\\");
  });

  it("any bytes: decoded in the declared character set or refused with a reason, never an exception", () => {
    fc.assert(
      fc.property(
        fc.constantFrom("", "UNICODE UTF-8", "8859/1", "8859/15", "ASCII", "UNICODE UTF-16", "UTF-8"),
        fc.uint8Array({ maxLength: 60 }),
        (charset, tail) => {
          const bytes = Buffer.concat([
            Buffer.from(`MSH|^~\\&|||||||ADT^A01|1|P|2.5||||||${charset}\rPID|||`),
            tail,
          ]);
          const d = decodeHl7(bytes, "UNICODE UTF-8");
          if (!d.ok) expect(d.reason).toMatch(/^charset\./);
          else expect(d.text.startsWith("MSH|")).toBe(true);
        },
      ),
      { numRuns: RUNS },
    );
  });

  it("the MLLP framer finds the same frames however the byte stream is cut", () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.uint8Array({ maxLength: 30 }).map((b) => Buffer.from(b.filter((x) => x !== 0x0b && x !== 0x1c))),
          {
            maxLength: 6,
          },
        ),
        fc.array(fc.integer({ min: 1, max: 200 }), { maxLength: 10 }),
        (frames, cuts) => {
          const stream = Buffer.concat(
            frames.map((f) => Buffer.concat([Buffer.from([0x0b]), f, Buffer.from([0x1c, 0x0d])])),
          );
          const framer = new MllpFramer(1024);
          const seen: Buffer[] = [];
          let at = 0;
          for (const n of [...cuts, stream.length]) {
            for (const ev of framer.push(stream.subarray(at, at + n)))
              if (ev.kind === "frame") seen.push(ev.bytes);
            at = Math.min(stream.length, at + n);
          }
          expect(seen.map((b) => b.toString("hex"))).toEqual(frames.map((b) => b.toString("hex")));
        },
      ),
      { numRuns: RUNS },
    );
  });
});
