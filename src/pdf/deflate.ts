/**
 * The zlib level of pdfkit's streams. pdfkit 0.20 compresses every stream (page contents, font
 * subsets, ToUnicode maps, the embedded data) with `zlib.deflateSync(data)` at zlib's default level
 * 6 and has no option for it. Level 4 does half the work on a sheet's streams for about 5 % more
 * compressed bytes (bench figures in the README, "Performance").
 *
 * The level is applied only while `fn` runs, synchronously: pdfkit's module object `zlib` is
 * node:zlib's CommonJS exports, whose `deflateSync` is swapped for a wrapper and restored in
 * `finally`. No other code can run in between (no await inside), calls that pass their own options
 * keep them, and named imports of `deflateSync` are not affected.
 */
import zlib from "node:zlib";

/** Level used for a sheet's streams (1 fastest … 9 smallest; zlib's default is 6). */
export const SHEET_DEFLATE_LEVEL = 4;

/** Off: pdfkit's own level (bench/pdf-patches.ts measures the patch against that). */
export const sheetDeflateLevel = { enabled: true };

/** Runs `fn` with pdfkit's deflate at `level`. Re-entrant; restores the previous function. */
export function withDeflateLevel<T>(level: number, fn: () => T): T {
  if (!sheetDeflateLevel.enabled) return fn();
  const previous = zlib.deflateSync;
  const leveled = (data: zlib.InputType, options?: zlib.ZlibOptions): Buffer =>
    previous(data, options ?? { level });
  zlib.deflateSync = leveled as typeof zlib.deflateSync;
  try {
    return fn();
  } finally {
    zlib.deflateSync = previous;
  }
}
