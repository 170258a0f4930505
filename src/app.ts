/**
 * The service, assembled: `start(config) → { stop }`. Used by `bin/passerelle serve` and by tests
 * in-process. Wiring only (src/wiring) — every rule lives in the domain modules.
 *
 * Embedded default (no `PASSERELLE_HOMESERVER_URL`): a local Synapse in `<data>/synapse` with a demo
 * CPTS (see src/demo). Otherwise the configured homeserver and the directory as it is.
 */
import type { Acceptance } from "./adt/index.ts";
import { receiveAdtJson } from "./adt/index.ts";
import type { HttpServer } from "./api/index.ts";
import { TokenVerifier, createHttpApp, loadLocalIssuerKey } from "./api/index.ts";
import { loadPseudonymKey, openAuditTrail } from "./audit/index.ts";
import { CircleService } from "./circles/index.ts";
import type { PasserelleConfig } from "./config/index.ts";
import type { Clock } from "./core/index.ts";
import { silentLog, systemClock } from "./core/index.ts";
import { DEMO_PASSWORD } from "./demo/homeserver.ts";
import { DEMO_MEMBERS } from "./demo/cpts.ts";
import { loadSigner } from "./demo/dev-signer.ts";
import { DirectoryService } from "./directory/index.ts";
import { loadFormRegistry } from "./forms/index.ts";
import { openDatabase } from "./storage/index.ts";
import { trustPolicy } from "./trust/index.ts";
import { demoWebOptions, listenWithWeb } from "./web/index.ts";
import type {
  AnsweredTeleexpertise,
  CreatedTransfer,
  CreateTransferDeps,
  CreateTransferInput,
  SpecialistRef,
  TransferContext,
} from "./transfers/index.ts";
import {
  EscalationScheduler,
  OutboxWorker,
  answerTeleexpertise,
  createTransfer,
  transferStatus,
} from "./transfers/index.ts";
import type { AppLog } from "./wiring/index.ts";
import {
  Closers,
  openServiceHub,
  resolveHomeserver,
  serveCircleCommands,
  startAdtFeed,
} from "./wiring/index.ts";

export type { AppLog } from "./wiring/index.ts";

export interface StartOptions {
  readonly clock?: Clock;
  readonly log?: AppLog;
  /** Fixed port for the embedded homeserver (default: a free one). */
  readonly homeserverPort?: number;
}

export interface App {
  /** Base URL of the HTTP server (`PASSERELLE_HTTP_HOST`/`_PORT`); the API is under `/api/v1`. */
  readonly httpUrl: string;
  readonly homeserverUrl: string;
  readonly hubUserId: string;
  /** The hub's device, kept across restarts (a new one only if its store was lost). */
  readonly hubDeviceId: string;
  /** The dev CA (embedded default) that verifies the service's sheets. */
  readonly caPem: string | undefined;
  /** Demo accounts (embedded default only): Matrix id and password, to log in with Element. */
  readonly demoAccounts: readonly {
    readonly name: string;
    readonly rpps: string;
    readonly userId: string;
    readonly password: string;
  }[];
  /** The service functions the CLI and the HTTP handlers share. */
  createTransfer(input: CreateTransferInput): Promise<CreatedTransfer>;
  transferStatus(transferId: string): ReturnType<typeof transferStatus>;
  /** The JSON equivalent of an ADT message (the API route calls it). */
  receiveAdt(input: unknown, actor: string): Promise<Acceptance>;
  /** The MLLP listener's port, when `PASSERELLE_MLLP_PORT` is set. */
  readonly mllpPort: number | undefined;
  /** The specialist's answer to a tele-expertise request (also behind the `!answer` room command). */
  answerTeleexpertise(
    transferId: string,
    answer: unknown,
    specialist: SpecialistRef,
  ): Promise<AnsweredTeleexpertise>;
  stop(): Promise<void>;
}

export async function start(config: PasserelleConfig, options: StartOptions = {}): Promise<App> {
  const clock = options.clock ?? systemClock;
  const log: AppLog = options.log ?? silentLog;
  const closers = new Closers(log);
  const stop = (): Promise<void> => closers.closeAll();
  try {
    const db = await openDatabase(config.database);
    closers.add(() => db.close());
    const trail = await openAuditTrail(config, db, clock);
    closers.add(() => trail.close());
    const ctx: TransferContext = { db, trail, clock };
    const directory = new DirectoryService(db, trail, clock);
    const signer = await loadSigner(config.signer, config.dataDir);
    const { login, embedded } = await resolveHomeserver(config, directory, closers, options.homeserverPort);

    const forms = await loadFormRegistry();
    const pseudonymKey = await loadPseudonymKey(config.dataDir);
    const late: { worker?: OutboxWorker } = {};
    // The homeservers members may be on: checked at creation, by the worker and by the hub itself.
    const trust = trustPolicy(config.trust.allowedServers, login.userId, config.trust.structureServers);
    const deps: CreateTransferDeps = {
      ...ctx,
      forms,
      signer: signer.signer,
      pseudonymKey,
      trust,
      onQueued: () => {
        late.worker?.wake();
      },
    };
    const hub = await openServiceHub(config, login, ctx, deps, log, closers);

    const worker = new OutboxWorker(ctx, hub.transport, {
      concurrency: config.outbox.concurrency,
      trust,
      onAttemptFailed: (transfer, reason) => {
        log.warn({ module: "outbox", transfer, reason }, "send attempt failed");
      },
    });
    late.worker = worker;
    worker.start();
    closers.add(() => worker.stop());
    const escalation = new EscalationScheduler(ctx, hub.transport, {
      delays: config.escalation.delays,
      intervalMs: config.escalation.intervalMs,
      onError: (transfer, reason) => {
        log.warn({ module: "escalation", transfer, reason }, "escalation failed");
      },
    });
    escalation.start();
    closers.add(() => escalation.stop());

    // ADT feed and care circles: one circle service behind the CLI, `!circle` and the API.
    const adt = await startAdtFeed(config, deps, log.child({ module: "adt" }), closers);
    const circles = new CircleService({ db, trail, clock, pseudonymKey });
    serveCircleCommands(hub, circles, directory.repository, log.child({ module: "circles" }), closers);

    const services = {
      // The JSON twin of the MLLP intake (`POST /api/v1/adt/events`), waking the processor.
      receiveAdt: async (input: unknown, actor: string) => {
        const a = await receiveAdtJson(deps, input, actor);
        adt.processor.poke();
        return a;
      },
      createTransfer: (input: CreateTransferInput) => createTransfer(deps, input),
      transferStatus: (id: string) => transferStatus(db.knex, id),
      // The same service function as the `!answer` room command (it wakes the worker through `onQueued`).
      answerTeleexpertise: (id: string, data: unknown, specialist: SpecialistRef) =>
        answerTeleexpertise(deps, id, data, specialist),
    };
    const localKey = await loadLocalIssuerKey(config.dataDir);
    const tokens = new TokenVerifier(localKey, config.http.oidc, clock);
    // The web app (src/web) serves `/` and its assets in front of the API (demo logins if embedded).
    const web =
      embedded === undefined ? {} : demoWebOptions(DEMO_MEMBERS, localKey, clock, directory.repository);
    const http: HttpServer = await listenWithWeb(web)(
      createHttpApp(
        {
          ...services,
          db,
          trail,
          clock,
          forms,
          directory,
          trustedCas: signer.caPem === undefined ? [] : [signer.caPem],
          circles,
          tokens,
          log: log.child({ module: "http" }),
        },
        config.http,
      ),
      config.http,
    );
    closers.add(() => http.close());
    log.info(
      {
        homeserver: login.homeserverUrl,
        hub: hub.userId,
        device: hub.deviceId,
        http: http.url,
      },
      "passerelle started",
    );
    return {
      httpUrl: http.url,
      homeserverUrl: login.homeserverUrl,
      hubUserId: hub.userId,
      hubDeviceId: hub.deviceId,
      caPem: signer.caPem,
      demoAccounts:
        embedded === undefined
          ? []
          : DEMO_MEMBERS.map((m) => ({
              name: m.name,
              rpps: m.rpps,
              userId: embedded.matrixIdOf(m),
              password: DEMO_PASSWORD,
            })),
      ...services,
      mllpPort: adt.mllp?.port,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
