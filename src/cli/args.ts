import { parseArgs, type ParseArgsConfig } from "node:util";
import { PasserelleError } from "../core/index.ts";
import type { CliIo } from "./io.ts";

type Options = NonNullable<ParseArgsConfig["options"]>;

/** `node:util` parseArgs with strict checking; unknown flags become a usage error (exit 2). */
export function parse<O extends Options>(args: readonly string[], options: O, positionals = 0) {
  const parsed = parseArgs({ args: [...args], options, allowPositionals: positionals > 0, strict: true });
  if (parsed.positionals.length > positionals) {
    throw new UsageError(`unexpected argument '${parsed.positionals[positionals] ?? ""}'`);
  }
  return parsed;
}

/** String options by name: `strings("rpps", "name")` is `{ rpps: { type: "string" }, name: { type: "string" } }`. */
export function strings<K extends string>(...names: readonly K[]): Record<K, { type: "string" }> {
  return Object.fromEntries(names.map((n) => [n, { type: "string" }])) as Record<K, { type: "string" }>;
}

/** A command-line mistake: printed with the usage line, exit status 2. */
export class UsageError extends Error {
  override readonly name = "UsageError";
}

/** The signer passphrase: `--passphrase`, else `PASSERELLE_SIGNER_PASSPHRASE`. */
export function passphrase(flag: string | undefined, io: CliIo): string {
  const value = flag ?? io.env.PASSERELLE_SIGNER_PASSPHRASE;
  if (value === undefined || value === "") {
    throw new UsageError("a passphrase is required: --passphrase or PASSERELLE_SIGNER_PASSPHRASE");
  }
  return value;
}

export function required(value: string | undefined, what: string): string {
  if (value === undefined || value === "") throw new UsageError(`${what} is required`);
  return value;
}

export function ioError(what: string, cause: unknown): PasserelleError {
  const code = typeof cause === "object" && cause !== null && "code" in cause ? String(cause.code) : "error";
  return new PasserelleError("IO_ERROR", `${what} (${code})`, { cause });
}
