/** Plain-text tables, number formatting and JSON result files (bench/results/, git-ignored). */
import { mkdir, writeFile } from "node:fs/promises";
import path from "node:path";

export const RESULTS_DIR = path.resolve(import.meta.dirname, "../results");

export type Align = "left" | "right";

export interface Column {
  readonly header: string;
  readonly align?: Align;
}

/** Prints rows under headers, columns padded to their widest cell. */
export function printTable(columns: readonly Column[], rows: readonly (readonly string[])[]): void {
  const widths = columns.map((c, i) => Math.max(c.header.length, ...rows.map((r) => (r[i] ?? "").length)));
  const line = (cells: readonly string[]): string =>
    columns
      .map((c, i) => {
        const cell = cells[i] ?? "";
        const width = widths[i] ?? 0;
        return c.align === "right" ? cell.padStart(width) : cell.padEnd(width);
      })
      .join("  ")
      .trimEnd();
  console.log(line(columns.map((c) => c.header)));
  console.log(widths.map((w) => "-".repeat(w)).join("  "));
  for (const row of rows) console.log(line(row));
}

/** About 3 significant digits below 100, whole numbers from 100 up. */
export function fmt(value: number): string {
  if (!Number.isFinite(value)) return "n/a";
  if (Math.abs(value) >= 100) return value.toFixed(0);
  if (Math.abs(value) >= 10) return value.toFixed(1);
  return value.toFixed(2);
}

/** `×12.3` style ratio. */
export const fmtRatio = (value: number): string => (Number.isFinite(value) ? `${value.toFixed(2)}×` : "n/a");

/** Milliseconds per operation from a rate. */
export const msPerOp = (rate: number): string => (rate > 0 ? `${fmt(1000 / rate)} ms` : "n/a");

/** Writes `bench/results/<name>-<timestamp>.json` and returns its path. */
export async function writeResults(name: string, data: unknown): Promise<string> {
  await mkdir(RESULTS_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, "-");
  const file = path.join(RESULTS_DIR, `${name}-${stamp}.json`);
  await writeFile(file, JSON.stringify(data, null, 2) + "\n");
  return file;
}

/** A target line in the shared format scripts/bench.sh collects: `PASS|MISS  <text>`. */
export function target(pass: boolean, text: string): string {
  return `${pass ? "PASS" : "MISS"}  ${text}`;
}
