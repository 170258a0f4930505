/**
 * The hospital documents side of the service as a separate process (run with `node
 * mllp-child.ts`), for the crash test: opens the fixture in T_DIR (sqlite, audit, pseudonym key,
 * dev signer), the hub (session and crypto store in T_DIR/hub), the outbox worker, and the MLLP
 * listener with the documents service behind it (stored and audited before the ACK, the transfer
 * queued in the same transaction, the worker woken). Prints `{"ready":true,"port":N}` once
 * listening. Killed with SIGKILL by the test; with `T_DIE_AFTER_COMMIT` set to a document id, it
 * SIGKILLs itself right after that document's transaction committed, before its ACK is written
 * (the one moment an outside kill cannot aim at).
 */
import path from "node:path";
import { startMllpListener } from "../../../src/adt/index.ts";
import type { DocumentDeps } from "../../../src/documents/index.ts";
import { documentPdf, receiveDocument } from "../../../src/documents/index.ts";
import { openHub } from "../../../src/matrix/index.ts";
import { OutboxWorker } from "../../../src/transfers/index.ts";
import { openFixture } from "../../helpers/transfers-fixture.ts";

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined || v === "") throw new Error(`documents mllp-child: ${k} is not set`);
  return v;
};

const f = await openFixture(env("T_DIR"));
const hub = await openHub({
  homeserverUrl: env("T_HS_URL"),
  userId: env("T_HUB_USER"),
  password: env("T_HUB_PASSWORD"),
  dataDir: path.join(env("T_DIR"), "hub"),
});
const worker = new OutboxWorker(f.deps, hub.transport, {
  leaseMs: Number(env("T_LEASE_MS")),
  concurrency: 8,
  pollMs: 100,
  maxAttempts: 50,
  backoffBaseMs: 250,
  backoffMaxMs: 2000,
});
const deps: DocumentDeps = {
  ...f.deps,
  pdf: documentPdf(f.deps.signer, f.deps.clock),
  onQueued: () => {
    worker.wake();
  },
};
worker.start();
const listener = await startMllpListener(f.deps, {
  port: 0,
  receiveDocument: async (incoming) => {
    const received = await receiveDocument(deps, incoming);
    if (!received.duplicate && incoming.documentId === process.env.T_DIE_AFTER_COMMIT)
      process.kill(process.pid, "SIGKILL");
    return received;
  },
});
process.stdout.write(`${JSON.stringify({ ready: true, port: listener.port })}\n`);
