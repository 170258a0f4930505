import { isPasserelleError } from "../core/index.ts";
import type { CliIo, CommandHandler } from "./io.ts";
import { EXIT, processIo } from "./io.ts";
import { adtCommands } from "./commands/adt.ts";
import { auditCommands } from "./commands/audit.ts";
import { cdaCommands } from "./commands/cda.ts";
import { certsCommands } from "./commands/certs.ts";
import { circleCommands } from "./commands/circle.ts";
import { dbCommands } from "./commands/db.ts";
import { demoCommands } from "./commands/demo.ts";
import { directoryCommands } from "./commands/directory.ts";
import { documentCommands } from "./commands/document.ts";
import { serveCommands } from "./commands/serve.ts";
import { sheetCommands } from "./commands/sheet.ts";
import { tokenCommands } from "./commands/token.ts";
import { transferCommands } from "./commands/transfer.ts";
import { UsageError } from "./args.ts";

/**
 * Sub-command registry: `passerelle <group> <sub> [args]`. Each group lives in `commands/<group>.ts`
 * and exports a `Record<string, CommandHandler>`; add one line here per group. A group's `""` entry is
 * its default (`passerelle demo`), run when no known sub-command follows.
 */
const groups: Record<string, Record<string, CommandHandler>> = {
  adt: adtCommands,
  audit: auditCommands,
  cda: cdaCommands,
  certs: certsCommands,
  circle: circleCommands,
  db: dbCommands,
  demo: demoCommands,
  directory: directoryCommands,
  document: documentCommands,
  serve: serveCommands,
  sheet: sheetCommands,
  token: tokenCommands,
  transfer: transferCommands,
};

const USAGE = `usage: passerelle <command> [options]
${Object.entries(groups)
  .map(
    ([g, subs]) =>
      `  ${g} ${Object.keys(subs)
        .filter((k) => k !== "")
        .join("|")}`,
  )
  .join("\n")}`;

export async function runCli(argv: readonly string[], io: CliIo = processIo()): Promise<number> {
  const [group, sub, ...rest] = argv;
  const subs = group === undefined ? undefined : groups[group];
  const named = sub === undefined ? undefined : subs?.[sub];
  const handler = named ?? subs?.[""];
  const handlerArgs = named === undefined ? argv.slice(1) : rest;
  if (handler === undefined) {
    io.err(
      group === undefined || group === "help" || group === "--help"
        ? USAGE
        : `passerelle: unknown command '${argv.slice(0, 2).join(" ")}'\n${USAGE}`,
    );
    return EXIT.usage;
  }
  try {
    return await handler(handlerArgs, io);
  } catch (e) {
    return reportError(e, io);
  }
}

/** Prints an error without patient data: code, message, and the field paths at fault. */
export function reportError(e: unknown, io: CliIo): number {
  if (isPasserelleError(e)) {
    io.err(`passerelle: ${e.code}: ${e.message}`);
    for (const i of e.issues) io.err(`  - ${i.path}: ${i.message.en} / ${i.message.fr}`);
    return EXIT.failed;
  }
  if (e instanceof UsageError) {
    io.err(`passerelle: ${e.message}`);
    return EXIT.usage;
  }
  if (
    e instanceof TypeError &&
    "code" in e &&
    typeof e.code === "string" &&
    e.code.startsWith("ERR_PARSE_ARGS")
  ) {
    io.err(`passerelle: ${e.message}`);
    return EXIT.usage;
  }
  io.err(`passerelle: internal error: ${e instanceof Error ? e.message : String(e)}`);
  return EXIT.failed;
}
