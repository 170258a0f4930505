/**
 * A hub's transfer side in a data directory, shared by the transfer tests and their child
 * processes: sqlite database (or DATABASE_URL), audit trail, pseudonym key, forms, dev signer.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import type { AuditTrail } from "../../src/audit/index.ts";
import { AuditTrail as Trail, loadPseudonymKey, loadSigningKey } from "../../src/audit/index.ts";
import type { DatabaseConfig } from "../../src/config/index.ts";
import type { Clock } from "../../src/core/index.ts";
import { systemClock } from "../../src/core/index.ts";
import { DirectoryService } from "../../src/directory/index.ts";
import { loadFormRegistry, withCheckKey } from "../../src/forms/index.ts";
import { createDevPki, P12Signer } from "../../src/pdf/index.ts";
import type { Database } from "../../src/storage/index.ts";
import { openDatabase } from "../../src/storage/index.ts";
import type { CreateTransferDeps } from "../../src/transfers/index.ts";
import { MIGRATIONS } from "../../src/migrations.ts";

export const PKI_PASSPHRASE = "transfers-test";

/**
 * States a transfer reaches once the homeserver has its sheet event. Evidence moves a sent transfer
 * on within moments (the hub's own echo makes it `delivered`), so "sent" means any of these.
 */
export const SENT_OR_LATER: readonly string[] = ["sent", "delivered", "read", "acknowledged", "answered"];

/** A valid RPPS number (Luhn) from a small integer. */
export const rppsOf = (n: number): string => withCheckKey("rpps", `8880000${String(n).padStart(3, "0")}`);

export interface TransferFixture {
  readonly db: Database;
  readonly trail: AuditTrail;
  readonly deps: CreateTransferDeps;
  close(): Promise<void>;
}

/** Opens (creating on first use) the fixture in `dir`; the database from `database` or `dir/passerelle.sqlite`. */
export async function openFixture(
  dir: string,
  options: { database?: DatabaseConfig; clock?: Clock; newId?: () => string } = {},
): Promise<TransferFixture> {
  const clock = options.clock ?? systemClock;
  const db = await openDatabase(
    options.database ?? { engine: "sqlite", filename: path.join(dir, "passerelle.sqlite") },
    MIGRATIONS,
  );
  const trail = await Trail.open(db, { key: await loadSigningKey(dir), clock, checkpointEvery: 100 });
  const pkiDir = path.join(dir, "pki");
  if (!existsSync(path.join(pkiDir, "signer.p12"))) {
    await createDevPki({
      outDir: pkiDir,
      passphrase: PKI_PASSPHRASE,
      organisation: "CH Test",
      finess: "750712184",
    });
  }
  const deps: CreateTransferDeps = {
    db,
    trail,
    clock,
    forms: await loadFormRegistry(),
    signer: await P12Signer.fromFile(path.join(pkiDir, "signer.p12"), PKI_PASSPHRASE),
    pseudonymKey: await loadPseudonymKey(dir),
    ...(options.newId === undefined ? {} : { newId: options.newId }),
  };
  return {
    db,
    trail,
    deps,
    async close() {
      await trail.close();
      await db.close();
    },
  };
}

/** Adds directory members with RPPS `rppsOf(n)` and the given Matrix ids; returns their RPPS. */
export async function addRecipients(f: TransferFixture, matrixIds: readonly string[]): Promise<string[]> {
  const svc = new DirectoryService(f.db, f.trail);
  const out: string[] = [];
  for (const [i, matrixId] of matrixIds.entries()) {
    const rpps = rppsOf(i + 1);
    await svc.addMember(
      { rpps, matrixId, professionCode: "10", name: `Docteur Test ${i + 1}`, roles: ["recipient"] },
      "cli:test",
    );
    out.push(rpps);
  }
  return out;
}
