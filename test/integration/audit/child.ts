/**
 * Child process of audit/crash.test.ts: opens the hub as the service would (config from the
 * environment, migrations, key from the data directory), appends COUNT entries with up to
 * INFLIGHT pending appends, and prints `ack <seq>` once each append is committed.
 */
import { auditEvent, openAuditTrail } from "../../../src/audit/index.ts";
import { loadConfig } from "../../../src/config/index.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

const count = Number(process.env.COUNT ?? "10000");
const inflight = Number(process.env.INFLIGHT ?? "8");
const tag = process.env.TAG ?? "c";
const config = loadConfig(process.env);
const db = await openDatabase(config.database, MIGRATIONS);
const trail = await openAuditTrail(config, db);
let next = 0;
async function worker(): Promise<void> {
  while (next < count) {
    const i = next++;
    const e = await trail.append(
      auditEvent("transfer.queued", { actor: "system:outbox", transfer: `${tag}-${String(i)}` }),
    );
    process.stdout.write(`ack ${String(e.seq)} ${e.transfer ?? ""}\n`);
  }
}
await Promise.all(Array.from({ length: inflight }, worker));
await trail.close();
await db.close();
process.stdout.write("done\n");
