/**
 * A local Synapse (the Matrix reference homeserver) run as a child process, for the integration
 * tests and for the demo run when no homeserver is configured. Synapse comes from PyPI, installed
 * into `.venv/synapse` by `scripts/synapse.sh` (pinned version, cached).
 *
 * Life cycle: {@link DevHomeserver.create} generates a config in a directory (sqlite database,
 * media store and log all inside it), {@link DevHomeserver.start} spawns Synapse and waits for
 * `GET /_matrix/client/versions`, {@link DevHomeserver.stop} sends SIGTERM then SIGKILL. The same
 * server can be stopped and started again (same data, same port) — "homeserver down" scenarios.
 */
import { spawn, execFile, type ChildProcess } from "node:child_process";
import { openSync, closeSync } from "node:fs";
import { writeFile, access } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import { promisify } from "node:util";
import { PasserelleError } from "../core/errors.ts";
import { freePort } from "../core/net.ts";
import { synapseOverrides, type FederationOptions } from "./dev-homeserver-config.ts";
import { registerWithSharedSecret, type RegisteredUser } from "./shared-secret-register.ts";

const run = promisify(execFile);
const ROOT = path.resolve(import.meta.dirname, "../..");

/** Runs `scripts/synapse.sh` (installs Synapse on first use) and returns the venv's python. */
export async function ensureSynapse(): Promise<string> {
  try {
    const { stdout } = await run("bash", [path.join(ROOT, "scripts/synapse.sh")], {
      timeout: 15 * 60_000,
      maxBuffer: 1 << 20,
    });
    return stdout.trim().split("\n").at(-1) ?? "";
  } catch (e) {
    throw new PasserelleError("IO_ERROR", "could not install Synapse (scripts/synapse.sh)", {
      cause: e,
    });
  }
}

export interface DevHomeserverOptions {
  /** Directory for the config, signing key, sqlite database, media store and logs. */
  readonly dir: string;
  /** Python of the Synapse virtualenv; default: {@link ensureSynapse}. */
  readonly python?: string;
  readonly serverName?: string;
  /** Listening port on 127.0.0.1; default: a free port chosen once, kept across restarts. */
  readonly port?: number;
  /** Federation over TLS with other local homeservers (tests); none by default. */
  readonly federation?: FederationOptions;
}

export class DevHomeserver {
  readonly dir: string;
  readonly serverName: string;
  readonly port: number;
  readonly baseUrl: string;
  /** Secret of the admin registration API (`registration_shared_secret`). */
  readonly sharedSecret: string;
  /** Synapse's stdout and stderr go here (its own log is `homeserver.log` beside it), never to the caller's output. */
  readonly logFile: string;
  readonly #python: string;
  #child: ChildProcess | undefined;

  private constructor(o: { dir: string; python: string; serverName: string; port: number; secret: string }) {
    this.dir = o.dir;
    this.serverName = o.serverName;
    this.port = o.port;
    this.baseUrl = `http://127.0.0.1:${o.port}`;
    this.sharedSecret = o.secret;
    this.logFile = path.join(o.dir, "synapse.log");
    this.#python = o.python;
  }

  /** Generates `homeserver.yaml` (Synapse's own generator) and `passerelle.yaml` (our overrides). */
  static async create(options: DevHomeserverOptions): Promise<DevHomeserver> {
    const python = options.python ?? (await ensureSynapse());
    const serverName = options.serverName ?? "localhost";
    const port = options.port ?? (await freePort());
    const secret = randomBytes(24).toString("hex");
    const hs = new DevHomeserver({ dir: options.dir, python, serverName, port, secret });
    await run(
      python,
      [
        "-m",
        "synapse.app.homeserver",
        "--server-name",
        serverName,
        "--config-path",
        hs.#configs[0],
        "--data-directory",
        options.dir,
        "--generate-config",
        "--report-stats=no",
      ],
      { cwd: options.dir, timeout: 120_000 },
    ).catch((e: unknown) => {
      throw new PasserelleError("IO_ERROR", "Synapse could not generate its configuration", { cause: e });
    });
    const overrides = synapseOverrides({
      dir: options.dir,
      port,
      sharedSecret: secret,
      ...(options.federation === undefined ? {} : { federation: options.federation }),
    });
    // JSON is YAML: no YAML writer needed.
    await writeFile(hs.#configs[1], JSON.stringify(overrides, null, 2));
    return hs;
  }

  get #configs(): [string, string] {
    return [path.join(this.dir, "homeserver.yaml"), path.join(this.dir, "passerelle.yaml")];
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  /** The Synapse process id while it runs (benches read its CPU time in /proc). */
  get pid(): number | undefined {
    return this.#child?.pid;
  }

  /** Spawns Synapse and resolves once `/_matrix/client/versions` answers (or rejects after `timeoutMs`). */
  async start(timeoutMs = 60_000): Promise<void> {
    if (this.#child) return;
    await access(this.#configs[1]);
    const fd = openSync(this.logFile, "a");
    const [main, extra] = this.#configs;
    const child = spawn(this.#python, ["-m", "synapse.app.homeserver", "-c", main, "-c", extra], {
      cwd: this.dir,
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    this.#child = child;
    let exited: string | undefined;
    child.once("exit", (code, signal) => {
      exited = `exited (${signal ?? String(code)})`;
      if (this.#child === child) this.#child = undefined;
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (exited !== undefined) {
        throw new PasserelleError("IO_ERROR", `Synapse ${exited} during start-up; see ${this.logFile}`);
      }
      try {
        const r = await fetch(`${this.baseUrl}/_matrix/client/versions`, {
          signal: AbortSignal.timeout(2_000),
        });
        if (r.ok) return;
      } catch {
        // not listening yet
      }
      if (Date.now() > deadline) {
        await this.stop();
        throw new PasserelleError(
          "IO_ERROR",
          `Synapse did not answer within ${timeoutMs} ms; see ${this.logFile}`,
        );
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves when the process has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    const child = this.#child;
    if (!child) return;
    const gone = new Promise<void>((resolve) =>
      child.once("exit", () => {
        resolve();
      }),
    );
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill("SIGTERM");
    const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
    await gone;
    clearTimeout(timer);
    this.#child = undefined;
  }

  /** Registers a user through the shared-secret admin API; see {@link registerWithSharedSecret}. */
  registerUser(localpart: string, password: string, admin = false): Promise<RegisteredUser> {
    return registerWithSharedSecret(this.baseUrl, this.sharedSecret, { localpart, password, admin });
  }
}
