/**
 * The outbox worker as a separate process (run with `node worker-child.ts`), for the crash test:
 * opens the fixture in T_DIR, the hub (openHub, session and crypto store in T_DIR/hub), runs the
 * worker, and prints `{"ready":true}` once syncing. Killed with SIGKILL by the test.
 */
import path from "node:path";
import { openHub } from "../../../src/matrix/index.ts";
import { OutboxWorker } from "../../../src/transfers/index.ts";
import { openFixture } from "../../helpers/transfers-fixture.ts";

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined || v === "") throw new Error(`worker-child: ${k} is not set`);
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
  roomOrder: process.env.T_ROOM_ORDER !== "0",
  pollMs: 100,
  maxAttempts: 50,
  backoffBaseMs: 250,
  backoffMaxMs: 2000,
});
worker.start();
process.stdout.write(`${JSON.stringify({ ready: true, hubStart: hub.start })}\n`);
