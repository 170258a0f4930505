import { start } from "../../app.ts";
import type { AppLog } from "../../app.ts";
import { loadConfig } from "../../config/index.ts";
import { parse } from "../args.ts";
import type { CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";

/**
 * `serve [--homeserver-port N]`: runs the service (outbox worker, inbound receipts and
 * acknowledgements) until SIGINT/SIGTERM. With no homeserver configured it starts the embedded
 * default: a local Synapse and a demo CPTS, whose logins it prints.
 */
const serve: CommandHandler = async (args, io) => {
  const { values } = parse(args, { "homeserver-port": { type: "string" } });
  const port = values["homeserver-port"] === undefined ? undefined : Number(values["homeserver-port"]);
  const config = loadConfig(io.env, io.cwd);
  const log: AppLog = (level, message, fields) => {
    io.err(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...fields }));
  };
  io.out("passerelle: starting (the first run installs Synapse into .venv/synapse, about a minute)…");
  const app = await start(config, { log, ...(port === undefined ? {} : { homeserverPort: port }) });
  io.out(`homeserver: ${app.homeserverUrl}   hub: ${app.hubUserId}`);
  io.out(`API: ${app.httpUrl}/api/v1 (OpenAPI: ${app.httpUrl}/api/v1/openapi.json)`);
  if (app.demoAccounts.length > 0) {
    io.out("demo CPTS accounts (log in with Element, homeserver above, to watch sheets arrive):");
    for (const a of app.demoAccounts)
      io.out(`  ${a.userId.padEnd(24)} ${a.password}   RPPS ${a.rpps}   ${a.name}`);
  }
  const gp = app.demoAccounts.find((a) => a.userId.startsWith("@dr.martin:"));
  io.out(
    `send a sheet (another terminal): bin/passerelle transfer send liaison-forms/examples/discharge.json --to ${gp?.rpps ?? "<RPPS>"}`,
  );
  const sender = app.demoAccounts.find((a) => a.userId.startsWith("@dr.berard:"));
  io.out(
    `API token for the demo (another terminal): bin/passerelle token issue --role sender --rpps ${sender?.rpps ?? "<RPPS>"}`,
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
