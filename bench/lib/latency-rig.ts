/**
 * A hub on a real Synapse with what turns an MLLP message into a Matrix event: the MLLP listener
 * (ADT, and hospital documents through the documents service), the ADT processor, the outbox
 * worker, and a recipient (`alice`, in the circle of {@link LatencyRig.circleIns}, directory
 * member {@link LatencyRig.rpps}) who auto-joins and decrypts. Used by bench/adt.ts and
 * bench/documents.ts to time ACK → decrypted by the recipient.
 */
import path from "node:path";
import { AdtProcessor, ackCode, startMllpListener } from "../../src/adt/index.ts";
import { CircleService } from "../../src/circles/index.ts";
import { documentPdf, receiveDocument, type DocumentDeps } from "../../src/documents/index.ts";
import { openHub, SHEET_KEY } from "../../src/matrix/index.ts";
import type { SheetData } from "../../src/matrix/index.ts";
import { OutboxWorker } from "../../src/transfers/index.ts";
import { insOf } from "../../test/helpers/adt.ts";
import { MllpSender } from "../../test/helpers/mllp-sender.ts";
import { tempDir, waitFor } from "../../test/helpers/tmp.ts";
import { startTestHomeserver, waitForEvent } from "../../test/integration/synapse/harness.ts";
import type { TransferFixture } from "../../test/helpers/transfers-fixture.ts";
import { addRecipients, openFixture } from "../../test/helpers/transfers-fixture.ts";
import { autoJoin } from "../../test/helpers/matrix-recipient.ts";

export interface LatencyRig {
  readonly f: TransferFixture;
  readonly rpps: string;
  readonly circleIns: string;
  /** Sends one message on the rig's one MLLP connection; throws unless answered AA. */
  send(message: string | Buffer): Promise<void>;
  /** Resolves once the transfer is in its room and the recipient decrypted its event. */
  delivered(transferId: string): Promise<void>;
  close(): Promise<void>;
}

export async function openLatencyRig(): Promise<LatencyRig> {
  const server = await startTestHomeserver();
  const tmp = await tempDir("passerelle-bench-latency-");
  const f = await openFixture(tmp.dir);
  const [hubUser, alice] = await Promise.all([server.user("passerelle"), server.user("alice")]);
  const hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    ...hubUser,
    dataDir: path.join(tmp.dir, "hub"),
  });
  const client = await server.client(alice);
  autoJoin(client);
  const [rpps] = await addRecipients(f, [alice.userId]);
  const circleIns = insOf(7);
  await new CircleService(f.deps).join({ ins: circleIns, rpps: rpps!, source: "cli" }, "cli:bench");
  const worker = new OutboxWorker(f.deps, hub.transport, { pollMs: 50 });
  const processor = new AdtProcessor(f.deps, { pollMs: 50, letterCheckMs: 3_600_000 });
  const deps: DocumentDeps = {
    ...f.deps,
    pdf: documentPdf(f.deps.signer, f.deps.clock),
    onQueued: () => {
      worker.wake();
    },
  };
  worker.start();
  processor.start();
  const listener = await startMllpListener(f.deps, {
    port: 0,
    onAccepted: () => {
      processor.poke();
    },
    receiveDocument: (incoming) => receiveDocument(deps, incoming),
  });
  const sender = await MllpSender.connect(listener.port);
  return {
    f,
    rpps: rpps!,
    circleIns,
    async send(message) {
      const a = ackCode(await sender.send(message));
      if (a.code !== "AA") throw new Error(`unexpected ${a.code}: ${a.text}`);
    },
    async delivered(transferId) {
      const t = await waitFor(
        "transfer sent",
        async () =>
          (await f.db
            .knex<{ id: string; room_id: string | null; sheet_id: string }>("transfers")
            .where({ id: transferId })
            .whereNotNull("room_id")
            .first()) ?? undefined,
        60_000,
        10,
      );
      await waitForEvent(
        client,
        t.room_id!,
        "m.room.message",
        60_000,
        (e) => (e.getContent()[SHEET_KEY] as SheetData | undefined)?.sheet_id === t.sheet_id,
      );
    },
    async close() {
      sender.close();
      await listener.close();
      await processor.stop();
      await worker.stop();
      await hub.close();
      await f.close();
      await server.close();
      await tmp.cleanup();
    },
  };
}
