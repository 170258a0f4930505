/**
 * The service, assembled: `start(config) → { stop }`. Used by `bin/passerelle serve` and by tests
 * in-process. Wiring only — every rule lives in the domain modules.
 *
 * Embedded default (no `PASSERELLE_HOMESERVER_URL`): a local Synapse in `<data>/synapse` with a demo
 * CPTS (see src/demo). Otherwise the configured homeserver and the directory as it is.
 */
import type { Acceptance } from "./adt/index.ts";
import { AdtProcessor, receiveAdtJson, startMllpListener } from "./adt/index.ts";
import type { HttpServer } from "./api/index.ts";
import { TokenVerifier, createHttpApp, loadLocalIssuerKey } from "./api/index.ts";
import type { AuditTrail } from "./audit/index.ts";
import { CircleService, isCircleCommand, runCircleCommand } from "./circles/index.ts";
import { loadPseudonymKey, openAuditTrail } from "./audit/index.ts";
import type { PasserelleConfig } from "./config/index.ts";
import type { Clock } from "./core/index.ts";
import { isPasserelleError, systemClock } from "./core/index.ts";
import type { EmbeddedHomeserver } from "./demo/homeserver.ts";
import { DEMO_PASSWORD, startEmbeddedHomeserver } from "./demo/homeserver.ts";
import { DEMO_MEMBERS, seedDemoCpts } from "./demo/cpts.ts";
import { loadSigner } from "./demo/dev-signer.ts";
import { DirectoryService } from "./directory/index.ts";
import { loadFormRegistry } from "./forms/index.ts";
import type { Hub, InboundHandler, NoticeTransport } from "./matrix/index.ts";
import { openHub, serveDirectCommands } from "./matrix/index.ts";
import type { Database } from "./storage/index.ts";
import { openDatabase } from "./storage/index.ts";
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
  evidenceCatchUp,
  handleRoomCommand,
  inboundEvidence,
  transferStatus,
} from "./transfers/index.ts";

/** Where the service writes operational messages: codes and ids only, never patient data. */
export type AppLog = (
  level: "info" | "warn" | "error",
  message: string,
  fields?: Record<string, string>,
) => void;

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
  /** The JSON equivalent of an ADT message (issue 7; the API route calls it). */
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
  const log: AppLog = options.log ?? (() => undefined);
  const closers: (() => Promise<void>)[] = [];
  const stop = async (): Promise<void> => {
    for (const close of closers.reverse()) {
      await close().catch((e: unknown) => {
        log("error", "shutdown step failed", { code: isPasserelleError(e) ? e.code : "INTERNAL" });
      });
    }
  };
  try {
    const db: Database = await openDatabase(config.database);
    closers.push(() => db.close());
    const trail: AuditTrail = await openAuditTrail(config, db, clock);
    closers.push(() => trail.close());
    const ctx: TransferContext = { db, trail, clock };
    const directory = new DirectoryService(db, trail, clock);
    const signer = await loadSigner(config.signer, config.dataDir);

    let embedded: EmbeddedHomeserver | undefined;
    if (config.matrix.mode === "embedded") {
      embedded = await startEmbeddedHomeserver(config.dataDir, options.homeserverPort);
      const server = embedded.server;
      closers.push(() => server.stop());
      await seedDemoCpts(directory, embedded.matrixIdOf);
    }
    const matrix =
      config.matrix.mode === "external"
        ? config.matrix
        : {
            homeserverUrl: embedded?.server.baseUrl ?? "",
            userId: embedded?.hub.userId ?? "",
            password: embedded?.hub.password,
          };

    const forms = await loadFormRegistry();
    const pseudonymKey = await loadPseudonymKey(config.dataDir);
    const late: { worker?: OutboxWorker } = {};
    const deps: CreateTransferDeps = {
      ...ctx,
      forms,
      signer: signer.signer,
      pseudonymKey,
      onQueued: () => {
        late.worker?.wake();
      },
    };
    // Room commands reply through the hub's transport: those heard during the first sync wait for it.
    let notices: (t: NoticeTransport) => void = () => undefined;
    const hubNotices = new Promise<NoticeTransport>((resolve) => {
      notices = resolve;
    });
    const hub: Hub = await openHub({
      homeserverUrl: matrix.homeserverUrl,
      userId: matrix.userId,
      dataDir: config.dataDir,
      ...(matrix.password === undefined ? {} : { password: matrix.password }),
      ...("accessToken" in matrix && matrix.accessToken !== undefined
        ? { accessToken: matrix.accessToken }
        : {}),
      inbound: {
        handler: {
          ...inboundEvidence(ctx, matrix.userId, (code) => {
            log("warn", "inbound evidence not recorded", { code });
          }),
          onCommand: roomCommands(deps, hubNotices, log),
        },
      },
      log: (level, message) => {
        log(level, message);
      },
    });
    closers.push(() => hub.close());
    // What came in while the hub was down: replay the rooms of transfers still awaiting evidence.
    for (const { roomId, since } of await evidenceCatchUp(ctx)) {
      await hub.inbound?.catchUp(roomId, since).catch((e: unknown) => {
        log("warn", "evidence catch-up failed", {
          room: roomId,
          code: isPasserelleError(e) ? e.code : "INTERNAL",
        });
      });
    }
    notices(hub.transport);

    const worker = new OutboxWorker(ctx, hub.transport, {
      concurrency: config.outbox.concurrency,
      onAttemptFailed: (transfer, reason) => {
        log("warn", "send attempt failed", { transfer, reason });
      },
    });
    late.worker = worker;
    worker.start();
    closers.push(() => worker.stop());
    const escalation = new EscalationScheduler(ctx, hub.transport, {
      delays: config.escalation.delays,
      intervalMs: config.escalation.intervalMs,
      onError: (transfer, reason) => {
        log("warn", "escalation failed", { transfer, reason });
      },
    });
    escalation.start();
    closers.push(() => escalation.stop());

    // ADT feed (issue 7): stored messages become notices; the MLLP listener is on when configured.
    const adt = new AdtProcessor(deps, {
      onFailed: (message, reason) => {
        log("warn", "adt message failed", { message: String(message), reason });
      },
    });
    adt.start();
    closers.push(() => adt.stop());
    // Care circles (issue 7): one service behind the CLI, `!circle` and the API.
    const circles = new CircleService({ db, trail, clock, pseudonymKey });

    const services = {
      // The JSON twin of the MLLP intake (`POST /api/v1/adt/events`), waking the processor.
      receiveAdt: async (input: unknown, actor: string) => {
        const a = await receiveAdtJson(deps, input, actor);
        adt.poke();
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
    const web = embedded === undefined ? {} : demoWebOptions(DEMO_MEMBERS, localKey, clock);
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
          log,
        },
        config.http,
      ),
      config.http,
    );
    closers.push(() => http.close());

    const mllp =
      config.adt === undefined
        ? undefined
        : await startMllpListener(deps, {
            port: config.adt.port,
            host: config.adt.host,
            encoding: config.adt.encoding,
            ...(config.adt.tls === undefined ? {} : { tls: config.adt.tls }),
            onAccepted: () => {
              adt.poke();
            },
            log,
          });
    if (mllp !== undefined) closers.push(() => mllp.close());
    // `!circle join <INS>` in an encrypted direct room with the hub (issue 7).
    const members = directory.repository;
    const direct = serveDirectCommands(
      hub.client,
      {
        accept: async (userId) => (await members.findByMatrixId(userId))?.active === true,
        handles: isCircleCommand,
        run: (userId, text) => runCircleCommand(circles, members, userId, text),
      },
      (level, message) => {
        log(level, message);
      },
    );
    closers.push(() => {
      direct.stop();
      return Promise.resolve();
    });
    log("info", "passerelle started", {
      homeserver: matrix.homeserverUrl,
      hub: hub.userId,
      device: hub.deviceId,
      http: http.url,
    });
    return {
      httpUrl: http.url,
      homeserverUrl: matrix.homeserverUrl,
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
      mllpPort: mllp?.port,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** `!` commands from the rooms (today `!answer`), answered through the hub's transport once it is open. */
function roomCommands(
  deps: CreateTransferDeps,
  hub: Promise<NoticeTransport>,
  log: AppLog,
): NonNullable<InboundHandler["onCommand"]> {
  return (roomId, userId, text, eventId) =>
    hub
      .then((t) => handleRoomCommand(deps, t, roomId, userId, text, eventId))
      .then(
        (o) => {
          if (o.kind === "refused") log("warn", "room command refused", { code: o.code });
        },
        (e: unknown) => {
          log("warn", "room command failed", { code: isPasserelleError(e) ? e.code : "INTERNAL" });
        },
      );
}
