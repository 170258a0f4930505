/**
 * The service, assembled: `start(config) → { stop }`. Used by `bin/passerelle serve` and by tests
 * in-process. Wiring only (src/wiring) — every rule lives in the domain modules.
 *
 * Embedded default (no `PASSERELLE_HOMESERVER_URL`): a local Synapse in `<data>/synapse` with a demo
 * CPTS (see src/demo). Otherwise the configured homeserver and the directory as it is.
 */
import type { Acceptance } from "./adt/index.ts";
import { receiveAdtJson } from "./adt/index.ts";
import { CircleService } from "./circles/index.ts";
import type { PasserelleConfig } from "./config/index.ts";
import type { Clock } from "./core/index.ts";
import { silentLog } from "./core/index.ts";
import { openKernel } from "./kernel.ts";
import type {
  AnsweredTeleexpertise,
  CreatedTransfer,
  CreateTransferInput,
  SpecialistRef,
} from "./transfers/index.ts";
import { answerTeleexpertise, createTransfer, transferStatus } from "./transfers/index.ts";
import { trustPolicy } from "./trust/index.ts";
import type { AppLog, DemoAccount } from "./wiring/index.ts";
import {
  Closers,
  documentServices,
  openServiceHub,
  resolveHomeserver,
  serveCircleCommands,
  startAdtFeed,
  startHttp,
  startOutbox,
  withSheetPool,
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
  readonly demoAccounts: readonly DemoAccount[];
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
  const log: AppLog = options.log ?? silentLog;
  const closers = new Closers(log);
  const stop = (): Promise<void> => closers.closeAll();
  try {
    const kernel = await openKernel(config, options.clock === undefined ? {} : { clock: options.clock });
    closers.add(() => kernel.close());
    const { caPem } = await kernel.signer();
    const homeserver = await resolveHomeserver(config, kernel.directory, closers, options.homeserverPort);
    const { login } = homeserver;
    // The homeservers members may be on: checked at creation, by the worker and by the hub itself.
    const trust = trustPolicy(config.trust.allowedServers, login.userId, config.trust.structureServers);
    const deps = withSheetPool(await kernel.transferDeps(trust), closers);
    const hub = await openServiceHub(kernel, login, deps, log, closers);
    startOutbox(kernel, hub.transport, trust, log, closers);

    // ADT feed (and the hospital's documents over the same MLLP listener, through the same
    // documents service as the `document` CLI) and care circles: one circle service behind the
    // CLI, `!circle` and the API.
    const documents = await kernel.documentDeps(trust);
    const adt = await startAdtFeed(config, deps, log.child({ module: "adt" }), closers, documents);
    const circles = new CircleService(deps);
    serveCircleCommands(hub, circles, kernel.directory.repository, log.child({ module: "circles" }), closers);

    const services = {
      // The JSON twin of the MLLP intake (`POST /api/v1/adt/events`), waking the processor.
      receiveAdt: async (input: unknown, actor: string) => {
        const a = await receiveAdtJson(deps, input, actor);
        adt.processor.poke();
        return a;
      },
      createTransfer: (input: CreateTransferInput) => createTransfer(deps, input),
      transferStatus: (id: string) => transferStatus(kernel.db.knex, id),
      // The same service function as the `!answer` room command (it wakes the worker through `onQueued`).
      answerTeleexpertise: (id: string, data: unknown, specialist: SpecialistRef) =>
        answerTeleexpertise(deps, id, data, specialist),
    };
    // Hospital documents (CDA, PDF, FHIR) over HTTP: the same service as `document send` and MLLP.
    const http = await startHttp(
      kernel,
      { ...services, circles, documents: documentServices(documents) },
      homeserver,
      log,
      closers,
    );
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
      caPem,
      demoAccounts: homeserver.demoAccounts,
      ...services,
      mllpPort: adt.mllp?.port,
      stop,
    };
  } catch (e) {
    await stop();
    throw e;
  }
}
