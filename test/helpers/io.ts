/** An in-memory CliIo: commands run in-process and their output is asserted. */
import type { CliIo } from "../../src/cli/index.ts";

export interface CapturedIo extends CliIo {
  readonly stdout: string[];
  readonly stderr: string[];
  text(): string;
}

export function captureIo(cwd: string, env: Record<string, string | undefined> = {}): CapturedIo {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (l) => stdout.push(l),
    err: (l) => stderr.push(l),
    env,
    isTTY: false,
    cwd,
    text: () => [...stdout, ...stderr].join("\n"),
  };
}
