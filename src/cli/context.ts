/** What every CLI command starts from: the configuration from its environment, and its audit actor. */
import { userInfo } from "node:os";
import type { PasserelleConfig } from "../config/index.ts";
import { loadConfig } from "../config/index.ts";
import type { CliIo } from "./io.ts";

/** The configuration of this invocation (`PASSERELLE_*`, relative paths from its directory). */
export const cliConfig = (io: CliIo): PasserelleConfig => loadConfig(io.env, io.cwd);

/** The audit actor of a CLI invocation: `--actor`, else `cli:<login>`. */
export function cliActor(actor: string | undefined): string {
  if (actor !== undefined) return actor;
  let login = "unknown";
  try {
    login = userInfo().username.replace(/[^A-Za-z0-9._-]/g, "_") || "unknown";
  } catch {
    // no passwd entry (containers): keep "unknown"
  }
  return `cli:${login}`;
}
