/**
 * The service, assembled: `start(config) → { stop }`. Used by `bin/passerelle serve` and by tests
 * in-process. Wiring only — every rule lives in the domain modules.
 *
 * Embedded default (no `PASSERELLE_HOMESERVER_URL`): a local Synapse in `<data>/synapse` with a demo
 * CPTS (see src/demo). Otherwise the configured homeserver and the directory as it is.
 */
import type { AuditTrail } from "./audit/index.ts";
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
import { openHub } from "./matrix/index.ts";
import type { Database } from "./storage/index.ts";
import { openDatabase } from "./storage/index.ts";
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
  answerTeleexpertise,
  OutboxWorker,
  createTransfer,
  handleRoomCommand,
  recordAcknowledgement,
  recordEcho,
  recordRead,
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
    const deps: CreateTransferDeps = { ...ctx, forms, signer: signer.signer, pseudonymKey };
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
          ...inboundEvidence(ctx, matrix.userId, log),
          onCommand: roomCommands(deps, hubNotices, log),
        },
      },
      log: (level, message) => {
        log(level, message);
      },
    });
    closers.push(() => hub.close());
    notices(hub.transport);

    const worker = new OutboxWorker(ctx, hub.transport, {
      onAttemptFailed: (transfer, reason) => {
        log("warn", "send attempt failed", { transfer, reason });
      },
    });
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

    log("info", "passerelle started", {
      homeserver: matrix.homeserverUrl,
      hub: hub.userId,
      device: hub.deviceId,
    });
    return {
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
      createTransfer: (input) => createTransfer(deps, input),
      transferStatus: (id) => transferStatus(db.knex, id),
      answerTeleexpertise: (id, answer, specialist) => answerTeleexpertise(deps, id, answer, specialist),
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}

/** Receipts and acknowledgements from the rooms become transfer evidence (weak and legal proof). */
function inboundEvidence(ctx: TransferContext, hubUserId: string, log: AppLog): InboundHandler {
  const guard = (p: Promise<unknown>): Promise<void> =>
    p.then(
      () => undefined,
      (e: unknown) => {
        // Receipts for events that are not sheets (summaries, other messages) are not transfers.
        if (isPasserelleError(e) && e.code === "NOT_FOUND") return;
        log("warn", "inbound evidence not recorded", { code: isPasserelleError(e) ? e.code : "INTERNAL" });
      },
    );
  return {
    // The hub's own sheet event echoed back by sync moves `sent` to `delivered` (see README limits).
    onDelivered: (_room, eventId) => guard(recordEcho(ctx, eventId, hubUserId, ctx.clock.now())),
    onRead: (_room, eventId, userId, ts) => guard(recordRead(ctx, { eventId }, userId, new Date(ts))),
    onAcknowledged: (_room, eventId, userId, ts) =>
      guard(recordAcknowledgement(ctx, { eventId }, userId, new Date(ts))),
  };
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
