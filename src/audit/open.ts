import type { PasserelleConfig } from "../config/index.ts";
import type { Clock } from "../core/index.ts";
import type { Database } from "../storage/index.ts";
import { loadSigningKey } from "./keys.ts";
import { AuditTrail } from "./store.ts";

/** Opens the audit trail of a configured hub: its key from the data directory (made on first start). */
export async function openAuditTrail(
  config: PasserelleConfig,
  db: Database,
  clock?: Clock,
): Promise<AuditTrail> {
  const key = await loadSigningKey(config.dataDir);
  return AuditTrail.open(db, {
    key,
    checkpointEvery: config.audit.checkpointEvery,
    ...(clock === undefined ? {} : { clock }),
  });
}
