import { userInfo } from "node:os";
import { parseArgs } from "node:util";
import type { AuditTrail } from "../../audit/index.ts";
import { openAuditTrail } from "../../audit/index.ts";
import type { PasserelleConfig } from "../../config/index.ts";
import { loadConfig } from "../../config/index.ts";
import type { Database } from "../../storage/index.ts";
import { migrateLatest, migrationStatus, openDatabase } from "../../storage/index.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";

/** What a storage/directory/audit command works with. */
export interface Runtime {
  readonly config: PasserelleConfig;
  readonly db: Database;
  readonly trail: AuditTrail;
}

/**
 * Opens config → database (migrations run at start-up) → audit trail, runs `work`, then shuts
 * down cleanly: queued audit entries flushed, a final checkpoint signed, the database closed.
 */
export async function withRuntime<T>(io: CliIo, work: (rt: Runtime) => Promise<T>): Promise<T> {
  const config = loadConfig(io.env, io.cwd);
  const db = await openDatabase(config.database);
  try {
    const trail = await openAuditTrail(config, db);
    try {
      return await work({ config, db, trail });
    } finally {
      await trail.close();
    }
  } finally {
    await db.close();
  }
}

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

const migrate: CommandHandler = async (args, io) => {
  const { values } = parseArgs({ args: [...args], options: { json: { type: "boolean" } }, strict: true });
  const config = loadConfig(io.env, io.cwd);
  const db = await openDatabase(config.database, { migrate: false });
  try {
    const applied = await migrateLatest(db.knex);
    if (values.json === true) io.out(JSON.stringify({ engine: db.engine, applied }));
    else
      io.out(
        applied.length === 0
          ? `${db.engine}: schema up to date`
          : `${db.engine}: applied ${applied.join(", ")}`,
      );
    return EXIT.ok;
  } finally {
    await db.close();
  }
};

const status: CommandHandler = async (args, io) => {
  const { values } = parseArgs({ args: [...args], options: { json: { type: "boolean" } }, strict: true });
  const config = loadConfig(io.env, io.cwd);
  const db = await openDatabase(config.database, { migrate: false });
  try {
    const s = await migrationStatus(db.knex);
    if (values.json === true) io.out(JSON.stringify({ engine: db.engine, ...s }));
    else {
      io.out(`engine: ${db.engine}`);
      io.out(`applied: ${s.applied.join(", ") || "(none)"}`);
      io.out(`pending: ${s.pending.join(", ") || "(none)"}`);
    }
    return s.pending.length === 0 ? EXIT.ok : EXIT.failed;
  } finally {
    await db.close();
  }
};

/** `passerelle db migrate|status`. */
export const dbCommands: Record<string, CommandHandler> = { migrate, status };
