/**
 * The background senders: the outbox worker, woken by the kernel's "transfer queued" signal, and
 * the escalation scheduler (reminders, then fallbacks, for evidence that does not come; and the
 * coordinators' reminders about documents still waiting « à orienter »); and the pool of worker
 * threads that renders and signs the sheets the service queues.
 */
import { escalateToRoute } from "../documents/index.ts";
import type { Hub } from "../matrix/index.ts";
import type { Kernel } from "../kernel.ts";
import { SheetPool } from "../pdf/index.ts";
import type { CreateTransferDeps } from "../transfers/index.ts";
import { EscalationScheduler, OutboxWorker } from "../transfers/index.ts";
import type { TrustPolicy } from "../trust/index.ts";
import type { AppLog, Closers } from "./log.ts";

/** Starts the worker and the scheduler over the hub's transport; both stop with `closers`. */
export function startOutbox(
  kernel: Kernel,
  transport: Hub["transport"],
  trust: TrustPolicy,
  log: AppLog,
  closers: Closers,
): void {
  const { config } = kernel;
  const worker = new OutboxWorker(kernel, transport, {
    concurrency: config.outbox.concurrency,
    trust,
    onAttemptFailed: (transfer, reason) => {
      log.warn({ module: "outbox", transfer, reason }, "send attempt failed");
    },
  });
  closers.add(
    kernel.queued.on(() => {
      worker.wake();
    }),
  );
  worker.start();
  closers.add(() => worker.stop());
  const escalation = new EscalationScheduler(kernel, transport, {
    delays: config.escalation.delays,
    intervalMs: config.escalation.intervalMs,
    onError: (transfer, reason) => {
      log.warn({ module: "escalation", transfer, reason }, "escalation failed");
    },
    // hospital documents nobody could be found for, still waiting « à orienter »
    alsoLook: [(tell) => escalateToRoute(kernel, (r) => tell(r.key, r.bodyFr))],
  });
  escalation.start();
  closers.add(() => escalation.stop());
}

/**
 * `deps` rendering and signing in worker threads (src/pdf/pool: the signing key stays on this
 * thread), so that a burst of transfers uses the cores the event loop does not; the pool stops
 * with `closers`.
 */
export function withSheetPool(deps: CreateTransferDeps, closers: Closers): CreateTransferDeps {
  const pool = new SheetPool();
  closers.add(() => pool.close());
  return { ...deps, sheets: pool };
}
