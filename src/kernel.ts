/**
 * What every role of the service stands on, opened once: the database (migrations run), the audit
 * trail, the clock, the forms, the signer, the pseudonym key, the directory, the paths under the
 * data directory, and the "transfer queued" signal that exists before any worker listens to it.
 * `serve` (src/app.ts), the CLI commands (`withKernel`) and the tests open it the same way.
 *
 * The forms, the signer and the pseudonym key load on first use, so a command that never signs
 * does not create the development PKI nor any key it does not need.
 */
import type { AuditTrail } from "./audit/index.ts";
import { loadPseudonymKey, openAuditTrail } from "./audit/index.ts";
import type { DataPaths, PasserelleConfig, SignerConfig } from "./config/index.ts";
import { dataPaths } from "./config/index.ts";
import type { Clock } from "./core/index.ts";
import { Signal, systemClock } from "./core/index.ts";
import { DirectoryService } from "./directory/index.ts";
import type { DocumentDeps } from "./documents/index.ts";
import { documentPdf } from "./documents/index.ts";
import type { FormRegistry } from "./forms/index.ts";
import { loadFormRegistry } from "./forms/index.ts";
import type { LoadedSigner } from "./pdf/index.ts";
import { loadP12Signer } from "./pdf/index.ts";
import type { Database } from "./storage/index.ts";
import { openDatabase } from "./storage/index.ts";
import { MIGRATIONS } from "./migrations.ts";
import type { CreateTransferDeps } from "./transfers/index.ts";
import type { TrustPolicy } from "./trust/index.ts";

export interface KernelOptions {
  readonly clock?: Clock;
}

export interface Kernel {
  readonly config: PasserelleConfig;
  readonly paths: DataPaths;
  readonly clock: Clock;
  readonly db: Database;
  readonly trail: AuditTrail;
  readonly directory: DirectoryService;
  /** Emitted with a transfer's id once it is committed as queued; the outbox worker listens. */
  readonly queued: Signal<string>;
  forms(): Promise<FormRegistry>;
  signer(): Promise<LoadedSigner>;
  /** The HMAC key of patient pseudonyms. */
  pseudonymKey(): Promise<Uint8Array>;
  /** What queuing a transfer needs, with the homeservers recipients may be on. */
  transferDeps(trust: TrustPolicy): Promise<CreateTransferDeps>;
  /**
   * What receiving a hospital document needs (`receiveDocument`): the PDF seam on the signer, and
   * the "transfer queued" signal told of each transfer queued. The MLLP listener, the HTTP API and
   * the `document` CLI commands all receive documents through it.
   */
  documentDeps(trust: TrustPolicy): Promise<DocumentDeps>;
  /** Flushes the audit trail (final checkpoint) and closes the database. */
  close(): Promise<void>;
}

/** Opens the kernel; on failure, what was opened is closed again. */
export async function openKernel(config: PasserelleConfig, options: KernelOptions = {}): Promise<Kernel> {
  const clock = options.clock ?? systemClock;
  const paths = dataPaths(config.dataDir);
  const db = await openDatabase(config.database, MIGRATIONS);
  let trail: AuditTrail;
  try {
    trail = await openAuditTrail(config, db, clock);
  } catch (e) {
    await db.close();
    throw e;
  }
  const queued = new Signal<string>();
  const forms = once(() => loadFormRegistry());
  const signer = once(() => openSigner(config.signer, paths));
  const pseudonymKey = once(() => loadPseudonymKey(config.dataDir));
  return {
    config,
    paths,
    clock,
    db,
    trail,
    directory: new DirectoryService(db, trail, clock),
    queued,
    forms,
    signer,
    pseudonymKey,
    transferDeps: async (trust) => ({
      db,
      trail,
      clock,
      forms: await forms(),
      signer: (await signer()).signer,
      pseudonymKey: await pseudonymKey(),
      trust,
      onQueued: (id) => {
        queued.emit(id);
      },
    }),
    documentDeps: async (trust) => ({
      db,
      trail,
      clock,
      trust,
      pseudonymKey: await pseudonymKey(),
      pdf: documentPdf((await signer()).signer, clock),
      onQueued: (id) => {
        queued.emit(id);
      },
    }),
    close: async () => {
      try {
        await trail.close();
      } finally {
        await db.close();
      }
    },
  };
}

/** Runs `work` on a kernel, then closes it whatever happens. */
export async function withKernel<T>(
  config: PasserelleConfig,
  work: (kernel: Kernel) => Promise<T>,
  options: KernelOptions = {},
): Promise<T> {
  const kernel = await openKernel(config, options);
  try {
    return await work(kernel);
  } finally {
    await kernel.close();
  }
}

/**
 * The establishment's PKCS#12 (`PASSERELLE_SIGNER_P12`), or in dev mode the demo hospital's
 * development PKI: demo data, so it stays in src/demo and is loaded only in that mode.
 */
async function openSigner(config: SignerConfig, paths: DataPaths): Promise<LoadedSigner> {
  if (config.mode === "p12") return loadP12Signer(config.p12Path, config.passphrase);
  const { devSigner } = await import("./demo/dev-signer.ts");
  return devSigner(paths.pki);
}

function once<T>(load: () => Promise<T>): () => Promise<T> {
  let value: Promise<T> | undefined;
  return () => (value ??= load());
}
