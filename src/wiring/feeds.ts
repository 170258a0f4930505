/**
 * The hospital side (ADT feed, care circles) as the service runs it: the ADT processor (stored messages become
 * notices), the MLLP listener when `PASSERELLE_MLLP_PORT` is set — which also takes the hospital's
 * documents (CI-SIS « Transmission de document(s) CDA en HL7v2 »: MDM^T02/T10, ORU^R01) into the
 * documents service — and `!circle join|leave <INS>`
 * in an encrypted direct room with the hub — all over the one {@link CircleService}.
 */
import type { MllpListener } from "../adt/index.ts";
import { AdtProcessor, startMllpListener } from "../adt/index.ts";
import type { CircleService } from "../circles/index.ts";
import { isCircleCommand, runCircleCommand } from "../circles/index.ts";
import type { PasserelleConfig } from "../config/index.ts";
import type { DirectoryRepository } from "../directory/index.ts";
import type { DocumentDeps } from "../documents/index.ts";
import { receiveDocument } from "../documents/index.ts";
import type { Hub } from "../matrix/index.ts";
import { serveDirectCommands } from "../matrix/index.ts";
import type { CreateTransferDeps } from "../transfers/index.ts";
import type { AppLog, Closers } from "./log.ts";

export interface AdtFeed {
  readonly processor: AdtProcessor;
  readonly mllp?: MllpListener;
}

/**
 * Starts the ADT processor, and the MLLP listener when configured; with `documents`, the listener
 * hands MDM/ORU document messages to `receiveDocument` (ACK AA once stored and routed).
 */
export async function startAdtFeed(
  config: PasserelleConfig,
  deps: CreateTransferDeps,
  log: AppLog,
  closers: Closers,
  documents?: DocumentDeps,
): Promise<AdtFeed> {
  const processor = new AdtProcessor(deps, {
    onFailed: (message, reason) => {
      log.warn({ message: String(message), reason }, "adt message failed");
    },
  });
  processor.start();
  closers.add(() => processor.stop());
  if (config.adt === undefined) return { processor };
  const mllp = await startMllpListener(deps, {
    port: config.adt.port,
    host: config.adt.host,
    encoding: config.adt.encoding,
    ...(config.adt.tls === undefined ? {} : { tls: config.adt.tls }),
    ...(documents === undefined ? {} : { receiveDocument: (i) => receiveDocument(documents, i) }),
    onAccepted: () => {
      processor.poke();
    },
    log,
  });
  closers.add(() => mllp.close());
  return { processor, mllp };
}

/** Answers `!circle …` from active directory members in direct rooms with the hub. */
export function serveCircleCommands(
  hub: Hub,
  circles: CircleService,
  members: DirectoryRepository,
  log: AppLog,
  closers: Closers,
): void {
  const direct = serveDirectCommands(
    hub.client,
    {
      accept: async (userId) => (await members.findByMatrixId(userId))?.active === true,
      handles: isCircleCommand,
      run: (userId, text) => runCircleCommand(circles, members, userId, text),
    },
    log,
    hub.trust,
  );
  closers.add(() => direct.stop());
}
