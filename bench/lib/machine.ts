/** What the machine was doing around a bench: load average and Linux CPU pressure (PSI). */
import { readFileSync } from "node:fs";
import os from "node:os";

export interface Busyness {
  /** 1, 5 and 15 minute load averages. */
  readonly loadavg: readonly number[];
  /**
   * Share of the last 10 s / 60 s during which some runnable task waited for a CPU
   * (/proc/pressure/cpu "some"), in %; undefined where PSI is not available.
   */
  readonly cpuPressure: { readonly avg10: number; readonly avg60: number } | undefined;
}

export function busyness(): Busyness {
  let cpuPressure: Busyness["cpuPressure"];
  try {
    const some = /^some avg10=([\d.]+) avg60=([\d.]+)/m.exec(readFileSync("/proc/pressure/cpu", "utf8"));
    if (some) cpuPressure = { avg10: Number(some[1]), avg60: Number(some[2]) };
  } catch {
    cpuPressure = undefined;
  }
  return { loadavg: os.loadavg(), cpuPressure };
}

export function describeBusyness(b: Busyness): string {
  const load = `load average ${b.loadavg.map((l) => l.toFixed(2)).join(" ")} (1/5/15 min)`;
  return b.cpuPressure === undefined
    ? load
    : `${load}, CPU pressure ${b.cpuPressure.avg10.toFixed(0)} % / ${b.cpuPressure.avg60.toFixed(0)} % ` +
        "(share of the last 10 s / 60 s in which a task waited for a CPU)";
}

/** CPU seconds used so far by this process (every thread, the worker pool's too) and by `pid`. */
export interface CpuClock {
  readonly self: number;
  /** NaN when `pid` is unknown or /proc is not readable. */
  readonly other: number;
}

/** Clock ticks per second of /proc/<pid>/stat (USER_HZ, 100 on Linux). */
const USER_HZ = 100;

export function cpuClock(pid: number | undefined): CpuClock {
  const u = process.cpuUsage();
  let other = NaN;
  if (pid !== undefined) {
    try {
      // Fields after the command name (which may hold spaces, hence the last ")"): utime is the
      // 14th field and stime the 15th of the whole line (proc(5)).
      const stat = readFileSync(`/proc/${String(pid)}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      other = (Number(fields[11]) + Number(fields[12])) / USER_HZ;
    } catch {
      other = NaN;
    }
  }
  return { self: (u.user + u.system) / 1e6, other };
}
