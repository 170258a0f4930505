/**
 * The ANS's document examples (test/fixtures/hl7-documents) cut at every field boundary and
 * stripped of each segment, in UTF-8 and 8859/1, each get the answer the volet's rules give
 * (test/helpers/hl7-documents.ts); and neither the parser nor the ACK writer ever throws on
 * arbitrary edits (fast-check).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ackCode, buildAck, parseDocumentMessage, parseEr7 } from "../../../../src/adt/index.ts";
import { encode, n1Document } from "../../../helpers/cda-hospital.ts";
import {
  ANS,
  expectedDocAnswer,
  hf,
  join,
  production,
  setComp,
  setField,
  split,
} from "../../../helpers/hl7-documents.ts";
import { answer, at } from "./run.ts";

/** Every example cut after each field of each segment, and without each segment. */
function corpus(names: readonly string[], encoding: "utf8" | "latin1"): { label: string; text: string }[] {
  const out: { label: string; text: string }[] = [];
  for (const name of names) {
    const base = split(production(name)).map((s) =>
      s[0] === "MSH" ? setField(s, 18, encoding === "utf8" ? "UNICODE UTF-8" : "8859/1") : s,
    );
    for (const [si, seg] of base.entries()) {
      for (let k = seg[0] === "MSH" ? 1 : 0; k < seg.length - 1; k++) {
        if (seg.slice(k + 1).join("") === "") break;
        if (seg[k + 1] === "" && k + 1 < seg.length - 1) continue;
        const segs = base.map((s) => [...s]);
        segs[si] = seg.slice(0, k + 1);
        out.push({
          label: `${name} cut after ${seg[0]!}-${String(seg[0] === "MSH" ? k + 1 : k)}`,
          text: join(segs),
        });
      }
      if (seg[0] !== "MSH")
        out.push({
          label: `${name} without ${seg[0]!} #${String(si)}`,
          text: join(base.filter((_, i) => i !== si)),
        });
    }
  }
  return out;
}

describe("every ANS example cut at every field and stripped of each segment, UTF-8 and 8859/1", () => {
  it("each gets the answer of the volet's rules", () => {
    const frames = [
      ...corpus([ANS.mdmT02, ANS.oruNew], "utf8").map((f) => ({ ...f, encoding: "utf8" as const })),
      ...corpus([ANS.mdmT10, ANS.oruReplace], "latin1").map((f) => ({ ...f, encoding: "latin1" as const })),
    ];
    expect(frames.length).toBeGreaterThan(300);
    const problems: string[] = [];
    const counts: Record<string, number> = { AA: 0, AE: 0, AR: 0 };
    for (const f of frames) {
      const want = expectedDocAnswer(f.text, f.encoding);
      const got = answer(f.text, f.encoding);
      counts[got.ack] = (counts[got.ack] ?? 0) + 1;
      if (got.ack !== want.code || (want.location !== undefined && got.location !== want.location))
        problems.push(
          `${f.label} [${f.encoding}]: want ${want.code} ${want.location ?? ""}, got ${got.ack} ${got.location ?? ""}`,
        );
    }
    expect(problems.slice(0, 20)).toEqual([]);
    expect(counts.AA).toBeGreaterThan(100);
    expect(counts.AE).toBeGreaterThan(20);
    expect(counts.AR).toBeGreaterThan(2);
  }, 120_000);
});

describe("never throws", () => {
  // the ANS placeholder MDM carrying a small N1 CDA of the same patient: unedited, it is accepted
  const small = at(
    split(production(ANS.mdmPlaceholder)).map((x) =>
      x[0] === "OBX" && hf(x, 2) === "ED" && !hf(x, 3).includes("CORPSMAIL")
        ? setField(
            x,
            5,
            setComp(hf(x, 5), 5, encode(n1Document({ ins: "279035121518989" })).toString("base64")),
          )
        : x,
    ),
    "TXA",
    12,
    "",
  );
  it("the unedited small message is accepted", () => {
    expect(parseDocumentMessage(parseEr7(join(small))!).ok).toBe(true);
  });
  it("parser and ACK writer on arbitrary edits of a document message (fast-check)", () => {
    const field = fc.string({ maxLength: 40 });
    const edit = fc.record({
      seg: fc.nat(),
      f: fc.nat({ max: 25 }),
      v: fc.oneof(
        field,
        fc.constantFrom(
          "",
          "^",
          "~",
          "\\",
          "&",
          "\\X0A\\",
          "ED",
          "MDM^T10",
          "=====",
          "8^^^^^^^^&1.2.250.1.71.4.2.1",
        ),
      ),
    });
    fc.assert(
      fc.property(fc.array(edit, { maxLength: 6 }), fc.boolean(), (edits, dropOne) => {
        let segs = small.map((s) => [...s]);
        for (const e of edits) {
          const i = e.seg % segs.length;
          segs[i] = setField(segs[i]!, Math.max(e.f, segs[i]![0] === "MSH" ? 3 : 1), e.v);
        }
        if (dropOne && edits[0] !== undefined)
          segs = segs.filter((_, i) => i !== 1 + (edits[0]!.seg % (segs.length - 1)));
        const msg = parseEr7(join(segs));
        if (msg === undefined) return;
        const r = parseDocumentMessage(msg);
        const ack = buildAck(msg, "UNICODE UTF-8", r.ok ? undefined : r);
        expect(["AA", "AE", "AR"]).toContain(ackCode(ack).code);
        expect(ack.split("\r").filter((l) => l.startsWith("MSA"))).toHaveLength(1);
      }),
      { numRuns: 400 },
    );
  });
});
