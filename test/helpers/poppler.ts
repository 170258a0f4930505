/** Reading PDFs back with poppler's command-line tools (`pdftotext`, `pdfinfo`) in tests. */
import { execFileSync } from "node:child_process";

/** The text of `file` (UTF-8), or of one page of it. */
export const pdftotext = (file: string, page?: number): string =>
  execFileSync(
    "pdftotext",
    [...(page ? ["-f", `${page}`, "-l", `${page}`] : []), "-enc", "UTF-8", file, "-"],
    {
      encoding: "utf8",
    },
  );

/** The page count `pdfinfo` reports. */
export const pages = (file: string): number =>
  Number(/Pages:\s+(\d+)/.exec(execFileSync("pdfinfo", [file], { encoding: "utf8" }))?.[1]);

/** Runs of white space as one space: text compared across line breaks. */
export const flat = (s: string): string => s.replace(/\s+/g, " ");
