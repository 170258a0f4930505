/** What a CLI command may touch of the outside world — injectable so commands are testable in-process. */
export interface CliIo {
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  readonly env: Readonly<Record<string, string | undefined>>;
  /** True when stderr is a terminal (progress bars). */
  readonly isTTY: boolean;
  readonly cwd: string;
}

/** A sub-command: receives its own arguments (after `group sub`), returns the exit status. */
export type CommandHandler = (args: readonly string[], io: CliIo) => Promise<number>;

/** Exit statuses used by every command. */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

export function processIo(): CliIo {
  return {
    out: (line) => process.stdout.write(line + "\n"),
    err: (line) => process.stderr.write(line + "\n"),
    env: process.env,
    isTTY: process.stderr.isTTY,
    cwd: process.cwd(),
  };
}
