import zlib from "node:zlib";
import { describe, expect, it } from "vitest";
import { withDeflateLevel } from "../../../src/pdf/deflate.ts";

const DATA = Buffer.from(
  "BT /F1 9.5 Tf 1 0 0 1 50 700 Tm [<0041004200430044>] TJ ET\n".repeat(400),
  "latin1",
);

describe("withDeflateLevel", () => {
  it("compresses at the given level while fn runs, and restores zlib afterwards", () => {
    const original = zlib.deflateSync;
    const inside = withDeflateLevel(1, () => zlib.deflateSync(DATA));
    expect(inside.equals(original(DATA, { level: 1 }))).toBe(true);
    expect(zlib.inflateSync(inside).equals(DATA)).toBe(true);
    expect(zlib.deflateSync).toBe(original);
    // Explicit options win.
    const explicit = withDeflateLevel(1, () => zlib.deflateSync(DATA, { level: 9 }));
    expect(explicit.equals(original(DATA, { level: 9 }))).toBe(true);
  });

  it("restores zlib when fn throws, and nests", () => {
    const original = zlib.deflateSync;
    expect(() =>
      withDeflateLevel(4, () => {
        withDeflateLevel(1, () => undefined);
        expect(zlib.deflateSync(DATA).equals(original(DATA, { level: 4 }))).toBe(true);
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(zlib.deflateSync).toBe(original);
  });
});
