import { start } from "../../app.ts";
import type { AppLog } from "../../app.ts";
import { loadConfig } from "../../config/index.ts";
import { createLogger } from "../../log/index.ts";
import { parse } from "../args.ts";
import type { CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";

/**
 * `serve [--homeserver-port N]`: runs the service (outbox worker, inbound receipts and
 * acknowledgements) until SIGINT/SIGTERM. With no homeserver configured it starts the embedded
 * default: a local Synapse and a demo CPTS. Prints the web app's URL, the demo logins (web and
 * Matrix) and how to connect Element to the local homeserver.
 */
const serve: CommandHandler = async (args, io) => {
  const { values } = parse(args, { "homeserver-port": { type: "string" } });
  const port = values["homeserver-port"] === undefined ? undefined : Number(values["homeserver-port"]);
  const config = loadConfig(io.env, io.cwd);
  // The operational log on stderr: one JSON object a line, or readable lines on a terminal.
  const log: AppLog = createLogger({
    level: config.log.level,
    format: io.isTTY ? "pretty" : "json",
    destination: {
      write: (s: string) => {
        io.err(s.trimEnd());
      },
    },
  });
  io.out("passerelle: starting (the first run installs Synapse into .venv/synapse, about a minute)…");
  const app = await start(config, { log, ...(port === undefined ? {} : { homeserverPort: port }) });
  io.out(`web app: ${app.httpUrl}/   (French; discharge team, follow-up, coordinator dashboard, PDF check)`);
  io.out(`API: ${app.httpUrl}/api/v1 (OpenAPI: ${app.httpUrl}/api/v1/openapi.json)`);
  io.out(`homeserver: ${app.homeserverUrl}   hub: ${app.hubUserId}`);
  const gp = app.demoAccounts.find((a) => a.userId.startsWith("@dr.martin:"));
  const sender = app.demoAccounts.find((a) => a.userId.startsWith("@dr.berard:"));
  if (app.demoAccounts.length > 0) {
    io.out("");
    io.out("web logins: open the web app and pick a demo account (each member × role), or paste a token:");
    io.out(
      `  bin/passerelle token issue --role sender --rpps ${sender?.rpps ?? "<RPPS>"}   (discharge team; also for the API)`,
    );
    io.out("demo CPTS accounts (Matrix id, password, RPPS):");
    for (const a of app.demoAccounts)
      io.out(`  ${a.userId.padEnd(24)} ${a.password}   RPPS ${a.rpps}   ${a.name}`);
    io.out("");
    io.out("watch sheets arrive with Element (Element Desktop, or Element Web served over http):");
    io.out(
      `  sign in → homeserver « Modifier » → ${app.homeserverUrl} → e.g. ${gp?.userId ?? "@dr.martin:localhost"} / ${gp?.password ?? ""}`,
    );
    io.out(
      "  accept the room invitation; reply « !ack » to the sheet to acknowledge it (a ✅ alone is not encrypted: it does not count).",
    );
  }
  io.out(
    `send a sheet from the command line: bin/passerelle transfer send liaison-forms/examples/discharge.json --to ${gp?.rpps ?? "<RPPS>"}`,
  );
  io.out("Ctrl-C to stop.");
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  io.out("passerelle: stopping…");
  await app.stop();
  return EXIT.ok;
};

export const serveCommands: Record<string, CommandHandler> = { "": serve };
