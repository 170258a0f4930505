import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { readCda, readingJson } from "../../../../src/cda/read/index.ts";
import { isPasserelleError } from "../../../../src/core/index.ts";
import { encode, n1Document, otherProducerLdlSes, tinyPdf } from "../../../helpers/cda-hospital.ts";

const BASES = [
  otherProducerLdlSes(),
  n1Document({ pdf: tinyPdf() }),
  n1Document({ text: "texte", replaces: "CR-1" }),
];
const CODES = new Set(["XML_REFUSED", "XML_MALFORMED", "CDA_INVALID", "PAYLOAD_TOO_LARGE"]);

/** XML-significant fragments a mutation may insert. */
const TOKENS = [
  "<",
  ">",
  "&",
  "&amp;",
  "&#0;",
  "&#x1F600;",
  "]]>",
  "<![CDATA[",
  "<!DOCTYPE x>",
  '"',
  "'",
  "=",
  "</hl7:",
  "<id/>",
  "\u0000",
  "é",
  "\uFFFE",
  'xsi:type="CD"',
  'value="2024"',
  ' root="1.2.250.1.213.1.4.8"',
  'nullFlavor="NI"',
];

type Mutation =
  | { kind: "delete"; at: number; len: number }
  | { kind: "insert"; at: number; text: string }
  | { kind: "duplicate"; at: number; len: number }
  | { kind: "truncate"; at: number }
  | { kind: "swapAttr"; nth: number; value: string };

const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant("delete" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({
    kind: fc.constant("insert" as const),
    at: fc.nat(),
    text: fc.oneof(fc.constantFrom(...TOKENS), fc.string({ maxLength: 8 })),
  }),
  fc.record({ kind: fc.constant("duplicate" as const), at: fc.nat(), len: fc.integer({ min: 1, max: 200 }) }),
  fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }),
  fc.record({ kind: fc.constant("swapAttr" as const), nth: fc.nat(), value: fc.string({ maxLength: 20 }) }),
);

function apply(xml: string, m: Mutation): string {
  const at = (n: number): number => n % (xml.length + 1);
  switch (m.kind) {
    case "delete":
      return xml.slice(0, at(m.at)) + xml.slice(at(m.at) + m.len);
    case "insert":
      return xml.slice(0, at(m.at)) + m.text + xml.slice(at(m.at));
    case "duplicate":
      return xml.slice(0, at(m.at) + m.len) + xml.slice(at(m.at));
    case "truncate":
      return xml.slice(0, at(m.at));
    case "swapAttr": {
      const attrs = [...xml.matchAll(/="[^"]*"/g)];
      const hit = attrs[m.nth % Math.max(attrs.length, 1)];
      if (hit?.index === undefined) return xml;
      const esc = m.value.replace(/[<&"]/g, "");
      return xml.slice(0, hit.index) + `="${esc}"` + xml.slice(hit.index + hit[0].length);
    }
  }
}

describe("readCda under random mutations of valid documents", () => {
  it("returns a reading or throws a PasserelleError with a stable code and an XPath — never anything else", () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(
        fc.nat({ max: BASES.length - 1 }),
        fc.array(mutation, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        (base, muts, latin1) => {
          const xml = muts.reduce(apply, BASES[base] ?? "");
          const bytes = latin1 ? Buffer.from(xml, "latin1") : Buffer.from(xml, "utf8");
          try {
            JSON.stringify(readingJson(readCda(bytes)));
            accepted++;
          } catch (e) {
            if (!isPasserelleError(e)) throw e;
            expect(CODES.has(e.code)).toBe(true);
            expect(e.issues[0]?.path).toMatch(/^\//);
            expect(e.issues[0]?.rule).not.toBe("");
            refused++;
          }
        },
      ),
      { numRuns: 600, seed: 20240315 },
    );
    // The mutations both keep some documents valid and break others: the property saw both paths.
    expect(accepted).toBeGreaterThan(20);
    expect(refused).toBeGreaterThan(20);
  });

  it("unmutated bases all read (sanity of the generator's starting points)", () => {
    for (const b of BASES) expect(() => readCda(encode(b))).not.toThrow();
  });
});
