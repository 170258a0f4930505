/**
 * Paired measurement of a ratio x/y: many short runs of x and y back to back, the order alternating
 * (x y, y x, x y, …), each pair giving one ratio; the median pair is reported with the interquartile
 * range. A ratio of two long runs taken tens of seconds apart (as in the benches' rounds) carries the
 * drift of a shared virtual machine's speed in between — seen here: every variant 25 % faster in one
 * round than in the one before, which turned the same code into a/c = 0.72 in one run and 1.10 in
 * another. Pairs a second apart see the same machine, and the alternating order cancels what is left
 * of a trend within a pair.
 *
 * A second source of spread is the isolate itself: the same code, warmed up alike, settles at rates up
 * to ~10 % apart in two worker isolates (or processes), as V8's optimising compilers run concurrently
 * and their decisions depend on timing. The benches therefore spread the pairs over several isolates
 * of each side.
 */
import { median, quantile } from "./timing.ts";

/** One short run: its rate (calls/s, wall clock) and process CPU time per call. */
export interface Slice {
  readonly rate: number;
  readonly cpuPerCall: number;
}

export interface PairedRatio {
  /** rate(x) / rate(y) of each pair, in run order. */
  readonly wall: readonly number[];
  /** The same pairs from CPU time per call: cpu(y) / cpu(x) × `cpuScale` (see {@link pairedRatio}). */
  readonly cpu: readonly number[];
  readonly wallMedian: number;
  readonly cpuMedian: number;
  /** Interquartile range of the wall ratios: where the middle half of the pairs fell. */
  readonly wallIqr: readonly [number, number];
  readonly cpuIqr: readonly [number, number];
}

const iqr = (values: readonly number[]): [number, number] => [quantile(values, 0.25), quantile(values, 0.75)];

/**
 * Runs `pairs` pairs of `x` and `y`, alternating which goes first; both get the pair's index (to
 * spread the pairs over several isolates of each side, see bench/sheets.ts). `cpuScale` multiplies the CPU
 * ratio (e.g. the thread count when x is a pool of N threads and y one thread: N × cpu(y) / cpu(x) is
 * then the pool's speed-up on N idle cores).
 */
export async function pairedRatio(
  x: (pair: number) => Promise<Slice>,
  y: (pair: number) => Promise<Slice>,
  pairs: number,
  cpuScale = 1,
): Promise<PairedRatio> {
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < pairs; i++) {
    let sx: Slice;
    let sy: Slice;
    if (i % 2 === 0) {
      sx = await x(i);
      sy = await y(i);
    } else {
      sy = await y(i);
      sx = await x(i);
    }
    wall.push(sx.rate / sy.rate);
    cpu.push((cpuScale * sy.cpuPerCall) / sx.cpuPerCall);
  }
  return {
    wall,
    cpu,
    wallMedian: median(wall),
    cpuMedian: median(cpu),
    wallIqr: iqr(wall),
    cpuIqr: iqr(cpu),
  };
}
