/**
 * CPU time per thread of this process (Linux /proc/self/task/<tid>/stat, utime + stime), grouped
 * into the JavaScript threads (the main thread and node:worker_threads, named "WorkerThread") and
 * V8's helper threads ("V8Worker": concurrent and parallel GC, concurrent compilation of optimised
 * code). Tells a run whose helpers took a second core (free for one thread on an idle machine,
 * taken from the other workers in a pool) from one that stayed on its own thread.
 */
import { readFileSync, readdirSync } from "node:fs";
import os from "node:os";

export interface ThreadCpu {
  /** CPU ms of the main thread and the worker threads (JavaScript, and what it calls synchronously). */
  readonly jsMs: number;
  /** CPU ms of V8's helper threads (GC, optimising compilers). */
  readonly v8HelpersMs: number;
  /** CPU ms of every other thread (libuv pool, inspector, signal handling). */
  readonly otherMs: number;
}

const TICK_MS = 1000 / 100; // USER_HZ is 100 on Linux

/** Cumulative CPU per thread group since the process started; undefined where /proc is unavailable. */
export function threadCpu(): ThreadCpu | undefined {
  if (os.platform() !== "linux") return undefined;
  let jsMs = 0;
  let v8HelpersMs = 0;
  let otherMs = 0;
  let tids: string[];
  try {
    tids = readdirSync("/proc/self/task");
  } catch {
    return undefined;
  }
  for (const tid of tids) {
    try {
      const comm = readFileSync(`/proc/self/task/${tid}/comm`, "utf8").trim();
      const stat = readFileSync(`/proc/self/task/${tid}/stat`, "utf8");
      // Fields after "(comm) ": state is field 3; utime and stime are fields 14 and 15.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const ms = (Number(fields[11]) + Number(fields[12])) * TICK_MS;
      if (tid === String(process.pid) || comm === "WorkerThread") jsMs += ms;
      else if (comm.startsWith("V8Worker")) v8HelpersMs += ms;
      else otherMs += ms;
    } catch {
      // The thread ended between the listing and the read: its time is lost, a few ticks at most.
    }
  }
  return { jsMs, v8HelpersMs, otherMs };
}

/** CPU per thread group between two readings (a thread that ended in between is not counted). */
export function threadCpuSince(start: ThreadCpu | undefined): ThreadCpu | undefined {
  const now = threadCpu();
  if (start === undefined || now === undefined) return undefined;
  return {
    jsMs: Math.max(0, now.jsMs - start.jsMs),
    v8HelpersMs: Math.max(0, now.v8HelpersMs - start.v8HelpersMs),
    otherMs: Math.max(0, now.otherMs - start.otherMs),
  };
}
