/**
 * The sheet pool (src/pdf/pool) renders and assembles the PAdES signature in worker threads and
 * signs with the main thread's Signer (its key stays there). Byte identity with the main thread is
 * not asserted here: under vitest the main thread's pdfkit streams may be deflated at another
 * level than in a plain Node worker.
 */
import { createHash } from "node:crypto";
import { performance } from "node:perf_hooks";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../../src/core/index.ts";
import { produceSignedSheet, verifyPdf, type Signer } from "../../../../src/pdf/index.ts";
import { defaultPoolThreads, SheetPool } from "../../../../src/pdf/pool/index.ts";
import { P12Signer } from "../../../../src/pdf/sign/signer.ts";
import { EXAMPLE_KINDS, validatedExample } from "../../../helpers/sheets.ts";
import { makePki, PASSPHRASE, VERIFY_CLOCK, type TestPki } from "../sign-fixtures.ts";

let pki: TestPki;
let signer: P12Signer;
const pool = new SheetPool(2);
beforeAll(async () => {
  pki = await makePki();
  signer = await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE);
});
afterAll(async () => {
  await pool.close();
  await pki.cleanup();
});

const clock = fixedClock("2025-03-10T14:30:00Z");

describe("SheetPool", () => {
  it("produces every example kind at once, signed and verifiable, the same bytes in any worker", async () => {
    const sheets = await Promise.all(EXAMPLE_KINDS.map((k) => validatedExample(k)));
    const produce = () =>
      Promise.all(
        sheets.map((s, i) => pool.produce(s, { signer, clock, sheetId: `pool-sheet-${String(i)}` })),
      );
    const [first, again] = [await produce(), await produce()];
    for (const [i, s] of sheets.entries()) {
      const got = first[i]!;
      expect(Buffer.isBuffer(got.pdf)).toBe(true);
      expect(got.sheetId).toBe(`pool-sheet-${String(i)}`);
      expect(got.sha256).toBe(createHash("sha256").update(got.pdf).digest("hex"));
      expect(again[i]!.pdf.equals(got.pdf)).toBe(true); // deterministic, whichever worker made it
      const report = await verifyPdf(got.pdf, { trustedCas: [pki.caPem], clock: VERIFY_CLOCK });
      expect(report.valid).toBe(true);
      // The same CDA as the main thread builds (the embedded documents are not rendered text).
      const here = await produceSignedSheet(s, { signer, clock, sheetId: `pool-sheet-${String(i)}` });
      expect(got.cda).toEqual(here.cda);
      expect(got.pdf.length).toBeGreaterThan(0.9 * here.pdf.length);
    }
  });

  it("a burst comes out sheet by sheet, not all at once when the last is rendered", async () => {
    // A worker given the whole burst at once would render all of it before taking any signature
    // answer (they queue behind the jobs on its port): every sheet would come out at the end.
    const one = new SheetPool(1);
    try {
      const sheet = await validatedExample("discharge");
      await one.produce(sheet, { signer, clock }); // worker started, code loaded
      const t0 = performance.now();
      const doneAt: number[] = [];
      await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          one.produce(sheet, { signer, clock, sheetId: `burst-${String(i)}` }).then((s) => {
            doneAt.push(performance.now() - t0);
            return s;
          }),
        ),
      );
      const [first, last] = [Math.min(...doneAt), Math.max(...doneAt)];
      expect(first).toBeLessThan(0.5 * last);
    } finally {
      await one.close();
    }
  });

  it("on two cores, one render thread by default: the event loop keeps a core", () => {
    expect(defaultPoolThreads(1)).toBe(1);
    expect(defaultPoolThreads(2)).toBe(1);
    expect(defaultPoolThreads(4)).toBe(3);
    expect(defaultPoolThreads(32)).toBe(4);
  });

  it("a signer that fails fails that sheet with its error code; the pool goes on", async () => {
    const sheet = await validatedExample("discharge");
    const broken: Signer = {
      certificateChain: signer.certificateChain,
      sign: () => Promise.reject(Object.assign(new Error("HSM unreachable"), { code: "UNAVAILABLE" })),
    };
    await expect(pool.produce(sheet, { signer: broken, clock })).rejects.toMatchObject({
      code: "UNAVAILABLE",
      message: "HSM unreachable",
    });
    const ok = await pool.produce(sheet, { signer, clock });
    expect((await verifyPdf(ok.pdf, { trustedCas: [pki.caPem], clock: VERIFY_CLOCK })).valid).toBe(true);
  });
});
