/**
 * A pool of worker threads (node:worker_threads) that render and build the signature of sheets
 * off the event loop: `produce` is `produceSignedSheet` (same bytes for the same sheet, id and
 * time), with the rendering, the PDF/A assembly and the CMS structure in a worker and only the
 * signature value computed here, by the caller's `Signer` (its key never leaves this thread).
 * A burst of transfers is then rendered beside the event loop instead of queueing on it.
 *
 * Jobs wait here, in submission order, and go to a worker only while it has fewer than
 * {@link IN_FLIGHT_PER_WORKER} in flight. A worker handed a whole burst at once would render all of
 * it before taking any signature answer (they queue behind the jobs on its port), so no sheet of
 * the burst would come out before the last one was rendered; with two at a time, a worker renders
 * the next sheet while the previous one's signature comes back, and sheets come out at the pace
 * they are rendered. A worker that dies fails its jobs (`INTERNAL`) and is replaced. Workers are
 * unref'd: an open pool does not keep the process alive.
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

/** Jobs a worker holds at once: one being rendered, one whose signature is on its way. */
const IN_FLIGHT_PER_WORKER = 2;

interface Job {
  readonly resolve: (s: SignedSheet) => void;
  readonly reject: (e: Error) => void;
}

/** A submitted job waiting for a worker: its message once the worker is known (signer chain or not). */
interface Queued extends Job {
  readonly message: (t: Thread) => ProduceMessage;
}

type ProduceMessage = Extract<ToWorker, { kind: "produce" }>;

interface Thread {
  readonly worker: Worker;
  readonly jobs: Map<number, Job>;
  /** Signer ids whose certificate chain this worker has been sent. */
  readonly signers: Set<number>;
}

/**
 * Render threads by default: one core less than the machine has (the event loop, which encrypts,
 * sends and stores, needs one to itself), at least one, at most four. On two cores, two render
 * threads made a burst of 100 sheets slower to deliver than one (docs/performance.md).
 */
export function defaultPoolThreads(cores: number = availableParallelism()): number {
  return Math.max(1, Math.min(4, cores - 1));
}

const fromPoolError = (e: PoolError): PasserelleError =>
  new PasserelleError((e.code ?? "INTERNAL") as ErrorCode, e.message, { issues: e.issues ?? [] });

export class SheetPool {
  readonly #threads: Thread[] = [];
  readonly #signerIds = new WeakMap<Signer, number>();
  readonly #signers = new Map<number, Signer>();
  readonly #queue: Queued[] = [];
  #jobs = 0;
  #closed = false;

  /** @param threads workers (default {@link defaultPoolThreads}). */
  constructor(threads: number = defaultPoolThreads()) {
    for (let i = 0; i < Math.max(1, Math.floor(threads)); i++) this.#threads.push(this.#spawn());
  }

  /** Renders and signs `sheet` like `produceSignedSheet`, in a worker. */
  produce(sheet: ValidatedSheet, opts: ProduceOptions): Promise<SignedSheet> {
    if (this.#closed) return Promise.reject(new PasserelleError("UNAVAILABLE", "sheet pool closed"));
    let signerId = this.#signerIds.get(opts.signer);
    if (signerId === undefined) {
      signerId = this.#signers.size + 1;
      this.#signerIds.set(opts.signer, signerId);
      this.#signers.set(signerId, opts.signer);
    }
    const id = signerId;
    // The signing time is the submission's, however long the job waits for a worker.
    const nowMs = opts.clock.now().getTime();
    const message = (t: Thread): ProduceMessage => {
      const firstMeeting = !t.signers.has(id);
      t.signers.add(id);
      return {
        kind: "produce",
        job: ++this.#jobs,
        sheet: { form: sheet.form, ref: sheet.ref, data: sheet.data },
        nowMs,
        signer: { id, ...(firstMeeting ? { chain: opts.signer.certificateChain } : {}) },
        ...(opts.sheetId === undefined ? {} : { sheetId: opts.sheetId }),
        ...(opts.signerName === undefined ? {} : { signerName: opts.signerName }),
        ...(opts.testIns === undefined ? {} : { testIns: opts.testIns }),
      };
    };
    return new Promise<SignedSheet>((resolve, reject) => {
      this.#queue.push({ resolve, reject, message });
      this.#dispatch();
    });
  }

  /** Hands waiting jobs, oldest first, to the least busy workers that have room for one. */
  #dispatch(): void {
    while (this.#queue.length > 0 && !this.#closed) {
      const t = this.#threads.reduce((a, b) => (b.jobs.size < a.jobs.size ? b : a));
      if (t.jobs.size >= IN_FLIGHT_PER_WORKER) return;
      const q = this.#queue.shift() as Queued;
      const m = q.message(t);
      t.jobs.set(m.job, { resolve: q.resolve, reject: q.reject });
      t.worker.postMessage(m);
    }
  }

  /** CPU seconds the live workers have used (benches report it beside the event loop's). */
  async cpuSeconds(): Promise<number> {
    const used = await Promise.all(this.#threads.map((t) => t.worker.cpuUsage()));
    return used.reduce((n, u) => n + (u.user + u.system) / 1e6, 0);
  }

  /** Stops the workers; jobs in flight fail. */
  async close(): Promise<void> {
    this.#closed = true;
    for (const q of this.#queue.splice(0)) q.reject(new PasserelleError("UNAVAILABLE", "sheet pool closed"));
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
      if (i >= 0 && !this.#closed) {
        this.#threads[i] = this.#spawn();
        this.#dispatch();
      }
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
    this.#dispatch();
    if (m.kind === "failed") {
      job.reject(fromPoolError(m.error));
      return;
    }
    const { pdf } = m.signed;
    job.resolve({ ...m.signed, pdf: Buffer.from(pdf.buffer, pdf.byteOffset, pdf.byteLength) });
  }
}
