/**
 * `passerelle serve` as a child process (node src/main.ts serve, as bin/passerelle runs it) on an
 * external homeserver, for restart tests: ready when it prints its `homeserver:` line (start-up,
 * including the evidence catch-up, is done then). Its log lines (stderr, JSON) are kept.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";

const MAIN = path.resolve(import.meta.dirname, "../../../src/main.ts");

export interface ServeProcess {
  readonly child: ChildProcess;
  readonly logs: string[];
  /** SIGKILL (a crash) or SIGTERM (a clean stop); resolves when the process has exited. */
  stop(signal: "SIGKILL" | "SIGTERM"): Promise<void>;
}

/** Starts `serve` with `env` (homeserver, hub account, data dir, database, signer) and waits until ready. */
export async function startServe(env: Record<string, string>, timeoutMs = 90_000): Promise<ServeProcess> {
  const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, "serve"], {
    env: { ...process.env, ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const logs: string[] = [];
  createInterface({ input: child.stderr }).on("line", (l) => logs.push(l));
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
  });
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => {
      reject(new Error(`serve not ready within ${timeoutMs} ms: ${logs.slice(-5).join(" | ")}`));
    }, timeoutMs);
    createInterface({ input: child.stdout }).on("line", (l) => {
      if (l.startsWith("homeserver:")) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.once("exit", (code) => {
      clearTimeout(timer);
      reject(new Error(`serve exited early (${String(code)}): ${logs.slice(-5).join(" | ")}`));
    });
  });
  return {
    child,
    logs,
    async stop(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      await exited;
    },
  };
}
