/**
 * A pool of worker threads (node:worker_threads) that render and build the signature of sheets
 * off the event loop: `produce` is `produceSignedSheet` (same bytes for the same sheet, id and
 * time), with the rendering, the PDF/A assembly and the CMS structure in a worker and only the
 * signature value computed here, by the caller's `Signer` (its key never leaves this thread).
 * A burst of transfers then uses the other cores instead of queueing on the event loop.
 *
 * Jobs go to the worker with the fewest in flight. A worker that dies fails its jobs (`INTERNAL`)
 * and is replaced. Workers are unref'd: an open pool does not keep the process alive.
 */
import { availableParallelism } from "node:os";
import { Worker } from "node:worker_threads";
import type { ErrorCode } from "../../core/index.ts";
import { PasserelleError } from "../../core/index.ts";
import type { ValidatedSheet } from "../../forms/index.ts";
import type { ProduceOptions, SignedSheet } from "../sheet/index.ts";
import type { Signer } from "../sign/index.ts";
import type { FromWorker, PoolError, ToWorker } from "./protocol.ts";
import { toPoolError } from "./protocol.ts";

const WORKER = new URL("./worker.ts", import.meta.url);

interface Job {
  readonly resolve: (s: SignedSheet) => void;
  readonly reject: (e: Error) => void;
}

interface Thread {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
  /** Signer ids whose certificate chain this worker has been sent. */
  readonly signers: Set<number>;
}

const fromPoolError = (e: PoolError): PasserelleError =>
  new PasserelleError((e.code ?? "INTERNAL") as ErrorCode, e.message, { issues: e.issues ?? [] });

export class SheetPool {
  readonly #threads: Thread[] = [];
  readonly #signerIds = new WeakMap<Signer, number>();
  readonly #signers = new Map<number, Signer>();
  #jobs = 0;
  #closed = false;

  /**
   * @param threads workers (default: the cores available but one, at least 1, at most 4). The core
   *   left is the event loop's, which stores, encrypts and sends what the workers render (and, with
   *   `serve`'s embedded homeserver, Synapse's): with every core rendering, a burst's sends wait
   *   for the last render and its slowest deliveries come later (the delivery bench, 2 cores:
   *   p95 at 100 concurrent 0.97–1.06× the bare client with one worker, 1.28–1.54× with two).
   */
  constructor(threads: number = Math.min(4, Math.max(1, availableParallelism() - 1))) {
    for (let i = 0; i < Math.max(1, Math.floor(threads)); i++) this.#threads.push(this.#spawn());
  }

  /** Renders and signs `sheet` like `produceSignedSheet`, in a worker. */
  produce(sheet: ValidatedSheet, opts: ProduceOptions): Promise<SignedSheet> {
    if (this.#closed) return Promise.reject(new PasserelleError("UNAVAILABLE", "sheet pool closed"));
    const t = this.#threads.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
    let signerId = this.#signerIds.get(opts.signer);
    if (signerId === undefined) {
      signerId = this.#signers.size + 1;
      this.#signerIds.set(opts.signer, signerId);
      this.#signers.set(signerId, opts.signer);
    }
    const firstMeeting = !t.signers.has(signerId);
    t.signers.add(signerId);
    const job = ++this.#jobs;
    const message: ToWorker = {
      kind: "produce",
      job,
      sheet: { form: sheet.form, ref: sheet.ref, data: sheet.data },
      nowMs: opts.clock.now().getTime(),
      signer: { id: signerId, ...(firstMeeting ? { chain: opts.signer.certificateChain } : {}) },
      ...(opts.sheetId === undefined ? {} : { sheetId: opts.sheetId }),
      ...(opts.signerName === undefined ? {} : { signerName: opts.signerName }),
      ...(opts.testIns === undefined ? {} : { testIns: opts.testIns }),
    };
    return new Promise<SignedSheet>((resolve, reject) => {
      t.jobs.set(job, { resolve, reject });
      t.worker.postMessage(message);
    });
  }

  /** Stops the workers; jobs in flight fail. */
  async close(): Promise<void> {
    this.#closed = true;
    await Promise.all(this.#threads.map((t) => t.worker.terminate()));
  }

  #spawn(): Thread {
    const worker = new Worker(WORKER);
    worker.unref();
    const t: Thread = { worker, jobs: new Map(), signers: new Set() };
    worker.on("message", (m: FromWorker) => {
      this.#onMessage(t, m);
    });
    const fail = (why: string): void => {
      for (const j of t.jobs.values()) j.reject(new PasserelleError("INTERNAL", `sheet pool: ${why}`));
      t.jobs.clear();
      const i = this.#threads.indexOf(t);
      if (i >= 0 && !this.#closed) this.#threads[i] = this.#spawn();
    };
    worker.on("error", (e: Error) => {
      fail(`worker failed: ${e.message}`);
    });
    worker.on("exit", (code) => {
      fail(`worker exited (${String(code)})`);
    });
    return t;
  }

  #onMessage(t: Thread, m: FromWorker): void {
    if (m.kind === "sign") {
      const signer = this.#signers.get(m.signer);
      const answer = (reply: ToWorker): void => {
        t.worker.postMessage(reply);
      };
      (signer === undefined
        ? Promise.reject(new Error("sheet pool: unknown signer"))
        : signer.sign(m.attributes)
      ).then(
        (signature) => {
          answer({ kind: "signed", request: m.request, signature });
        },
        (e: unknown) => {
          answer({ kind: "sign-failed", request: m.request, error: toPoolError(e) });
        },
      );
      return;
    }
    const job = t.jobs.get(m.job);
    if (job === undefined) return;
    t.jobs.delete(m.job);
    if (m.kind === "failed") {
      job.reject(fromPoolError(m.error));
      return;
    }
    const { pdf } = m.signed;
    job.resolve({ ...m.signed, pdf: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength) });
  }
}
