/**
 * A pool of benchmark workers (node:worker_threads). Each worker module sets up its own state
 * (keys, caches: nothing is shared between threads) and calls {@link serveBench} with named
 * functions; the main thread then warms up or measures one of them in every worker at once and
 * gets one {@link Sample} per worker. Worker modules may be `.ts`: Node strips types in workers too.
 */
import { Worker, parentPort } from "node:worker_threads";
import { runFor, warmUp, type BenchFn, type Sample } from "./timing.ts";

interface Request {
  readonly id: number;
  readonly op: "warmup" | "measure";
  readonly name: string;
  readonly seconds: number;
  /** Warm-up only: at least this many calls, within maxSeconds. */
  readonly minCalls?: number;
  readonly maxSeconds?: number;
}

type Reply =
  | { readonly kind: "ready" }
  | { readonly kind: "done"; readonly id: number; readonly sample: Sample }
  | { readonly kind: "failed"; readonly id: number; readonly error: string };

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null;

function isRequest(v: unknown): v is Request {
  return (
    isObject(v) &&
    typeof v.id === "number" &&
    (v.op === "warmup" || v.op === "measure") &&
    typeof v.name === "string" &&
    typeof v.seconds === "number"
  );
}

function isReply(v: unknown): v is Reply {
  return isObject(v) && (v.kind === "ready" || v.kind === "done" || v.kind === "failed");
}

/** Worker side: answers warm-up and measure requests for `fns` until the pool closes. */
export function serveBench(fns: Readonly<Record<string, BenchFn>>): void {
  const port = parentPort;
  if (port === null) throw new Error("serveBench must run in a worker thread");
  let queue = Promise.resolve();
  port.on("message", (message: unknown) => {
    if (!isRequest(message)) return;
    queue = queue.then(async () => {
      const fn = fns[message.name];
      try {
        if (fn === undefined) throw new Error(`unknown bench function ${message.name}`);
        const sample =
          message.op === "warmup"
            ? await warmUp(fn, message.seconds, message.minCalls, message.maxSeconds)
            : await runFor(fn, message.seconds);
        port.postMessage({ kind: "done", id: message.id, sample } satisfies Reply);
      } catch (error) {
        const text = error instanceof Error ? (error.stack ?? error.message) : String(error);
        port.postMessage({ kind: "failed", id: message.id, error: text } satisfies Reply);
      }
    });
  });
  port.postMessage({ kind: "ready" } satisfies Reply);
}

interface Pending {
  resolve(sample: Sample): void;
  reject(error: Error): void;
}

class PoolWorker {
  readonly #worker: Worker;
  readonly #pending = new Map<number, Pending>();
  #nextId = 0;
  readonly ready: Promise<void>;

  constructor(url: URL, workerData: unknown) {
    this.#worker = new Worker(url, { workerData });
    this.ready = new Promise<void>((resolve, reject) => {
      const fail = (error: Error): void => {
        reject(error);
        for (const p of this.#pending.values()) p.reject(error);
        this.#pending.clear();
      };
      this.#worker.on("error", fail);
      this.#worker.on("exit", (code) => {
        fail(new Error(`bench worker exited with code ${String(code)}`));
      });
      this.#worker.on("message", (message: unknown) => {
        if (!isReply(message)) return;
        if (message.kind === "ready") {
          resolve();
          return;
        }
        const pending = this.#pending.get(message.id);
        this.#pending.delete(message.id);
        if (message.kind === "done") pending?.resolve(message.sample);
        else pending?.reject(new Error(`bench worker failed:\n${message.error}`));
      });
    });
  }

  request(
    op: Request["op"],
    name: string,
    seconds: number,
    limits: { minCalls?: number; maxSeconds?: number } = {},
  ): Promise<Sample> {
    const id = this.#nextId++;
    return new Promise<Sample>((resolve, reject) => {
      this.#pending.set(id, { resolve, reject });
      this.#worker.postMessage({ id, op, name, seconds, ...limits } satisfies Request);
    });
  }

  async terminate(): Promise<void> {
    this.#worker.removeAllListeners("exit");
    await this.#worker.terminate();
  }
}

export class BenchPool {
  readonly size: number;
  readonly #workers: readonly PoolWorker[];

  private constructor(workers: readonly PoolWorker[]) {
    this.#workers = workers;
    this.size = workers.length;
  }

  /** Starts `size` workers running `url` with `workerData`; resolves once all called serveBench. */
  static async start(url: URL, size: number, workerData: unknown): Promise<BenchPool> {
    const workers = Array.from({ length: size }, () => new PoolWorker(url, workerData));
    try {
      await Promise.all(workers.map((w) => w.ready));
    } catch (error) {
      await Promise.all(workers.map((w) => w.terminate()));
      throw error;
    }
    return new BenchPool(workers);
  }

  /** Warms `name` up in every worker at once: ≥ `seconds` and ≥ `minCalls` calls, within `maxSeconds`. */
  async warmUp(name: string, seconds: number, minCalls = 2, maxSeconds?: number): Promise<Sample[]> {
    const limits = maxSeconds === undefined ? { minCalls } : { minCalls, maxSeconds };
    return Promise.all(this.#workers.map((w) => w.request("warmup", name, seconds, limits)));
  }

  /** Runs `name` for `seconds` in every worker at once; one sample per worker. */
  async measure(name: string, seconds: number): Promise<Sample[]> {
    return Promise.all(this.#workers.map((w) => w.request("measure", name, seconds)));
  }

  async close(): Promise<void> {
    await Promise.all(this.#workers.map((w) => w.terminate()));
  }
}

/** Aggregate rate of concurrent samples: the sum of each worker's own rate. */
export const poolRate = (samples: readonly Sample[]): number => samples.reduce((sum, s) => sum + s.rate, 0);
