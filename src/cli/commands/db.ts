/**
 * `passerelle db migrate|status`: the schema itself, so these two open the database without running
 * the migrations and without the kernel (whose audit trail needs the migrated schema).
 */
import type { Database } from "../../storage/index.ts";
import { migrateLatest, migrationStatus, openDatabase } from "../../storage/index.ts";
import { parse } from "../args.ts";
import { cliConfig } from "../context.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import { MIGRATIONS } from "../../migrations.ts";

/** Opens the database without migrating it, runs `work` (with `--json` parsed), then closes it. */
const onSchema =
  (work: (db: Database, json: boolean, io: CliIo) => Promise<number>): CommandHandler =>
  async (args, io) => {
    const { values } = parse(args, { json: { type: "boolean" } });
    const db = await openDatabase(cliConfig(io).database, MIGRATIONS, { migrate: false });
    try {
      return await work(db, values.json === true, io);
    } finally {
      await db.close();
    }
  };

const migrate = onSchema(async (db, json, io) => {
  const applied = await migrateLatest(db.knex, MIGRATIONS);
  if (json) io.out(JSON.stringify({ engine: db.engine, applied }));
  else
    io.out(
      applied.length === 0
        ? `${db.engine}: schema up to date`
        : `${db.engine}: applied ${applied.join(", ")}`,
    );
  return EXIT.ok;
});

const status = onSchema(async (db, json, io) => {
  const s = await migrationStatus(db.knex, MIGRATIONS);
  if (json) io.out(JSON.stringify({ engine: db.engine, ...s }));
  else {
    io.out(`engine: ${db.engine}`);
    io.out(`applied: ${s.applied.join(", ") || "(none)"}`);
    io.out(`pending: ${s.pending.join(", ") || "(none)"}`);
  }
  return s.pending.length === 0 ? EXIT.ok : EXIT.failed;
});

/** `passerelle db migrate|status`. */
export const dbCommands: Record<string, CommandHandler> = { migrate, status };
