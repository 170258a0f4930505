/**
 * Timing loop shared by the benchmarks: warm a function up, then call it back to back for a fixed
 * wall-clock time and count completed calls. Calls are awaited one at a time (no overlap), so a
 * rate is what one thread sustains.
 */
import { performance } from "node:perf_hooks";

// No forced garbage collection before a timed run (an earlier version called gc() here): a forced
// full GC clears the weak references that V8's optimised code embeds, so V8 deoptimises and
// recompiles the hot rendering code during the next second — measured here as +12 ms of CPU per
// sheet over the next 60 sheets, most of it on V8's helper threads, which a lone thread gets for free
// on an idle second core and a full pool does not. Instead each variant runs in its own worker
// isolate (lib/pool.ts), so no variant's garbage is collected during another's run.

export type BenchFn = () => Promise<unknown>;

export interface Sample {
  readonly iterations: number;
  readonly elapsedMs: number;
  /** Completed calls per second (wall clock). */
  readonly rate: number;
  /**
   * CPU time of the whole process (all threads: JS, GC helpers, libuv) during the run, user + system.
   * Unlike `rate`, it does not grow when other processes take the CPU away; meaningful per call only
   * when nothing else in the process runs at the same time (not in a worker pool).
   */
  readonly cpuMs: number;
}

/**
 * Calls `fn` until `seconds` have passed (the last call may run over; it is counted and so is its
 * time). At least one call.
 */
export async function runFor(fn: BenchFn, seconds: number): Promise<Sample> {
  const budget = seconds * 1000;
  const cpu = process.cpuUsage();
  const start = performance.now();
  let iterations = 0;
  let elapsedMs: number;
  do {
    await fn();
    iterations++;
    elapsedMs = performance.now() - start;
  } while (elapsedMs < budget);
  return { iterations, elapsedMs, rate: (iterations * 1000) / elapsedMs, cpuMs: cpuMsSince(cpu) };
}

/**
 * Warm-up: at least `seconds` and at least `minIterations` calls, but no longer than `maxSeconds`
 * (default: no cap beyond `seconds` once `minIterations` is reached); results discarded. A count as
 * well as a time, because V8 optimises after a number of calls, not after a time: on a loaded machine
 * a time alone leaves the code half-compiled when the timed runs start.
 */
export async function warmUp(
  fn: BenchFn,
  seconds: number,
  minIterations = 2,
  maxSeconds = Number.POSITIVE_INFINITY,
): Promise<Sample> {
  const budget = seconds * 1000;
  const cap = Math.max(budget, maxSeconds * 1000);
  const cpu = process.cpuUsage();
  const start = performance.now();
  let iterations = 0;
  let elapsedMs = 0;
  while (
    (elapsedMs < budget || iterations < Math.max(2, minIterations)) &&
    (elapsedMs < cap || iterations < 2)
  ) {
    await fn();
    iterations++;
    elapsedMs = performance.now() - start;
  }
  return { iterations, elapsedMs, rate: (iterations * 1000) / elapsedMs, cpuMs: cpuMsSince(cpu) };
}

function cpuMsSince(start: NodeJS.CpuUsage): number {
  const { user, system } = process.cpuUsage(start);
  return (user + system) / 1000;
}

/** The q-quantile (0…1) of `values`, by linear interpolation between the two nearest; NaN when empty. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((x, y) => x - y);
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (pos - lo);
}

/** The middle value (the mean of the two middle ones for an even count); NaN when empty. */
export const median = (values: readonly number[]): number => quantile(values, 0.5);

/** A positive number from the environment (e.g. BENCH_SECONDS), else `fallback`. */
export function envNumber(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw.trim() === "") return fallback;
  const value = Number(raw);
  if (!Number.isFinite(value) || value <= 0) {
    throw new Error(`${name} must be a positive number, got ${JSON.stringify(raw)}`);
  }
  return value;
}
