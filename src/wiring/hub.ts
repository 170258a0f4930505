/**
 * The hub as the service runs it: logged in with its persistent device (src/matrix), inbound
 * evidence recorded (delivered, read, acknowledged — an unencrypted acknowledgement answered with
 * how to acknowledge), `!` room commands answered (a re-send queued), and what came in
 * while it was down replayed from the rooms of transfers still awaiting evidence.
 */
import type { PasserelleConfig } from "../config/index.ts";
import type { Hub, InboundHandler, NoticeTransport } from "../matrix/index.ts";
import { openHub } from "../matrix/index.ts";
import type { CreateTransferDeps, TransferContext } from "../transfers/index.ts";
import { evidenceCatchUp, handleRoomCommand, inboundEvidence } from "../transfers/index.ts";
import type { HubLogin } from "./homeserver.ts";
import type { AppLog, Closers } from "./log.ts";
import { codeOf } from "./log.ts";

/** Opens the hub, then catches up on the evidence missed while it was down. */
export async function openServiceHub(
  config: PasserelleConfig,
  login: HubLogin,
  ctx: TransferContext,
  deps: CreateTransferDeps,
  log: AppLog,
  closers: Closers,
): Promise<Hub> {
  const own = log.child({ module: "hub" }); // the hub's evidence and room commands; src/matrix takes its own
  // Room commands reply through the hub's transport: those heard during the first sync wait for it.
  let notices: (t: NoticeTransport) => void = () => undefined;
  const hubNotices = new Promise<NoticeTransport>((resolve) => {
    notices = resolve;
  });
  const hub = await openHub({
    homeserverUrl: login.homeserverUrl,
    userId: login.userId,
    dataDir: config.dataDir,
    ...(login.password === undefined ? {} : { password: login.password }),
    ...(login.accessToken === undefined ? {} : { accessToken: login.accessToken }),
    inbound: {
      handler: {
        ...inboundEvidence(
          ctx,
          login.userId,
          (code) => {
            own.warn({ code }, "inbound evidence not recorded");
          },
          hubNotices,
        ),
        onCommand: roomCommands(deps, hubNotices, own),
      },
    },
    log,
    ...(deps.trust === undefined ? {} : { trust: deps.trust }),
  });
  closers.add(() => hub.close());
  for (const { roomId, since } of await evidenceCatchUp(ctx)) {
    await hub.inbound?.catchUp(roomId, since).catch((e: unknown) => {
      own.warn({ room: roomId, code: codeOf(e) }, "evidence catch-up failed");
    });
  }
  notices(hub.transport);
  return hub;
}

/** `!` commands from the rooms (`!answer`, `!renvoyer`), answered through the hub's transport once it is open. */
function roomCommands(
  deps: CreateTransferDeps,
  hub: Promise<NoticeTransport>,
  log: AppLog,
): NonNullable<InboundHandler["onCommand"]> {
  return (roomId, userId, text, eventId, sheetEventId) =>
    hub
      .then((t) => handleRoomCommand(deps, t, roomId, userId, text, eventId, sheetEventId))
      .then(
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
