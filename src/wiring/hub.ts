/**
 * The hub as the service runs it: logged in with its persistent device (src/matrix), inbound
 * evidence recorded (delivered, read, acknowledged — an unencrypted acknowledgement answered with
 * how to acknowledge), `!` room commands answered (a re-send queued), and what came in
 * while it was down replayed from the rooms of transfers still awaiting evidence.
 */
import type { Log } from "../core/index.ts";
import type { Hub, InboundHandler, NoticeTransport } from "../matrix/index.ts";
import { openHub } from "../matrix/index.ts";
import type { Kernel } from "../kernel.ts";
import type { CreateTransferDeps } from "../transfers/index.ts";
import { evidenceCatchUp, handleRoomCommand, inboundEvidence } from "../transfers/index.ts";
import type { TrustPolicy } from "../trust/index.ts";
import type { HubLogin } from "./homeserver.ts";
import type { AppLog, Closers } from "./log.ts";
import { codeOf } from "./log.ts";

/** How one process's hub handles what comes in. */
export interface EvidenceHubOptions {
  /** The homeservers the hub deals with; every server when absent. */
  readonly trust?: TrustPolicy | undefined;
  /** Told the code of an inbound evidence that could not be recorded. */
  readonly onEvidenceError: (code: string) => void;
  /** `!` room commands, answered through the hub's transport. */
  readonly onCommand?: (notices: NoticeTransport) => NonNullable<InboundHandler["onCommand"]>;
  /** The root logger: src/matrix takes its own children of it. */
  readonly log?: Log;
  /** A room whose catch-up failed; without it the failure is thrown. */
  readonly onCatchUpError?: (roomId: string, e: unknown) => void;
}

/**
 * Opens the hub with the evidence handler registered before the first sync, then catches up on
 * the evidence missed while it was down. Used by `serve` and by `transfer send --wait`.
 */
export async function openEvidenceHub(kernel: Kernel, login: HubLogin, o: EvidenceHubOptions): Promise<Hub> {
  const hub = await openHub({
    homeserverUrl: login.homeserverUrl,
    userId: login.userId,
    dataDir: kernel.config.dataDir,
    ...(login.password === undefined ? {} : { password: login.password }),
    ...(login.accessToken === undefined ? {} : { accessToken: login.accessToken }),
    // Replies go through the hub's transport, handed to the handlers before the first sync.
    inbound: {
      handler: (notices) => ({
        ...inboundEvidence(kernel, login.userId, o.onEvidenceError, notices),
        ...(o.onCommand === undefined ? {} : { onCommand: o.onCommand(notices) }),
      }),
    },
    ...(o.log === undefined ? {} : { log: o.log }),
    ...(o.trust === undefined ? {} : { trust: o.trust }),
  });
  try {
    for (const { roomId, since } of await evidenceCatchUp(kernel)) {
      const caughtUp = hub.inbound?.catchUp(roomId, since);
      const onError = o.onCatchUpError;
      await (onError === undefined
        ? caughtUp
        : caughtUp?.catch((e: unknown) => {
            onError(roomId, e);
          }));
    }
  } catch (e) {
    await hub.close();
    throw e;
  }
  return hub;
}

/** The service's hub: room commands answered, failures logged; closed with `closers`. */
export async function openServiceHub(
  kernel: Kernel,
  login: HubLogin,
  deps: CreateTransferDeps,
  log: AppLog,
  closers: Closers,
): Promise<Hub> {
  const own = log.child({ module: "hub" }); // the hub's evidence and room commands; src/matrix takes its own
  const hub = await openEvidenceHub(kernel, login, {
    trust: deps.trust,
    onEvidenceError: (code) => {
      own.warn({ code }, "inbound evidence not recorded");
    },
    onCommand: (notices) => roomCommands(deps, notices, own),
    log,
    onCatchUpError: (roomId, e) => {
      own.warn({ room: roomId, code: codeOf(e) }, "evidence catch-up failed");
    },
  });
  closers.add(() => hub.close());
  return hub;
}

/** `!` commands from the rooms (`!answer`, `!renvoyer`), answered through the hub's transport. */
function roomCommands(
  deps: CreateTransferDeps,
  hub: NoticeTransport,
  log: AppLog,
): NonNullable<InboundHandler["onCommand"]> {
  return (roomId, userId, text, eventId, sheetEventId) =>
    handleRoomCommand(deps, hub, roomId, userId, text, eventId, sheetEventId).then(
      (o) => {
        if (o.kind === "refused") log.warn({ code: o.code }, "room command refused");
        if (o.kind === "resend" && o.outcome.kind === "refused")
          log.warn({ code: o.outcome.code }, "re-send refused");
      },
      (e: unknown) => {
        log.warn({ code: codeOf(e) }, "room command failed");
      },
    );
}
