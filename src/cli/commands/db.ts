/**
 * `passerelle db migrate|status`: the schema itself, so these two open the database without running
 * the migrations and without the kernel (whose audit trail needs the migrated schema).
 */
import { parseArgs } from "node:util";
import { migrateLatest, migrationStatus, openDatabase } from "../../storage/index.ts";
import { cliConfig } from "../context.ts";
import type { CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import { MIGRATIONS } from "../../migrations.ts";

const migrate: CommandHandler = async (args, io) => {
  const { values } = parseArgs({ args: [...args], options: { json: { type: "boolean" } }, strict: true });
  const config = cliConfig(io);
  const db = await openDatabase(config.database, MIGRATIONS, { migrate: false });
  try {
    const applied = await migrateLatest(db.knex, MIGRATIONS);
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
  const config = cliConfig(io);
  const db = await openDatabase(config.database, MIGRATIONS, { migrate: false });
  try {
    const s = await migrationStatus(db.knex, MIGRATIONS);
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
