/**
 * A real PostgreSQL for the integration tests and the benchmark (no mocks): Debian's server
 * binaries (`initdb`, `pg_ctl` on PATH, or /usr/lib/postgresql/<version>/bin — the newest),
 * a cluster in a fresh temporary directory, listening on 127.0.0.1 on a free port with its unix
 * socket in that directory, stopped and deleted by `stop()`.
 *
 * initdb refuses to run as root: when the tests run as root (CI containers), the cluster belongs
 * to the `postgres` system user that Debian's package creates (or to a `passerelle-pg` user this
 * helper creates with useradd when there is none) and the server commands run through
 * `runuser -u <user> --`. The superuser role is `passerelle`, trust authentication on loopback.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import knexFactory from "knex";
import type { CliIo } from "../../src/cli/index.ts";
import type { DatabaseConfig } from "../../src/config/index.ts";
import { freePort } from "../../src/core/net.ts";

export interface PostgresServer {
  /** postgres://passerelle@127.0.0.1:PORT/postgres */
  readonly adminUrl: string;
  readonly port: number;
  /** A fresh empty database, for one test. */
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

export function findPostgresBin(): string | undefined {
  const fromEnv = process.env.PG_BIN;
  if (fromEnv !== undefined && existsSync(join(fromEnv, "initdb"))) return fromEnv;
  const root = "/usr/lib/postgresql";
  if (existsSync(root)) {
    const versions = readdirSync(root)
      .filter((v) => existsSync(join(root, v, "bin", "initdb")))
      .sort((a, b) => Number(b) - Number(a));
    if (versions[0] !== undefined) return join(root, versions[0], "bin");
  }
  const which = spawnSync("sh", ["-c", "command -v initdb"], { encoding: "utf8" });
  const path = which.stdout.trim();
  return path === "" ? undefined : join(path, "..");
}

function runAsUser(): { user: string; uid: number; gid: number } | undefined {
  if (process.getuid?.() !== 0) return undefined;
  for (const user of ["postgres", "passerelle-pg"]) {
    const r = spawnSync("id", ["-u", user], { encoding: "utf8" });
    if (r.status === 0) {
      const gid = Number(execFileSync("id", ["-g", user], { encoding: "utf8" }).trim());
      return { user, uid: Number(r.stdout.trim()), gid };
    }
  }
  execFileSync("useradd", ["--system", "--no-create-home", "--shell", "/usr/sbin/nologin", "passerelle-pg"]);
  return runAsUser();
}

/** Starts a throw-away PostgreSQL. `durable: false` (tests) turns fsync off for speed. */
export async function startPostgres(options: { durable?: boolean } = {}): Promise<PostgresServer> {
  const bin = findPostgresBin();
  if (bin === undefined) {
    throw new Error(
      "PostgreSQL server binaries not found — run scripts/system-deps.sh (Debian package postgresql)",
    );
  }
  const as = runAsUser();
  // As root, the cluster's owner must reach the directory: /tmp (world-traversable), not a private TMPDIR.
  const dir = mkdtempSync(join(as === undefined ? tmpdir() : "/tmp", "passerelle-pg-"));
  const data = join(dir, "data");
  if (as !== undefined) chownSync(dir, as.uid, as.gid);
  const run = (cmd: string, args: string[]): void => {
    const [file, argv] =
      as === undefined ? [join(bin, cmd), args] : ["runuser", ["-u", as.user, "--", join(bin, cmd), ...args]];
    const r = spawnSync(file, argv, { encoding: "utf8", cwd: dir });
    if (r.status !== 0) throw new Error(`${cmd} failed (${String(r.status)}): ${r.stderr}${r.stdout}`);
  };
  run("initdb", ["-D", data, "-U", "passerelle", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"]);
  let port = 0;
  for (let attempt = 0; ; attempt++) {
    port = await freePort();
    const opts = [
      `-p ${port}`,
      `-k ${dir}`,
      "-c listen_addresses=127.0.0.1",
      "-c max_connections=100",
      ...(options.durable === true
        ? []
        : ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]),
    ].join(" ");
    try {
      run("pg_ctl", ["-D", data, "-o", opts, "-l", join(dir, "server.log"), "-w", "-t", "60", "start"]);
      break;
    } catch (e) {
      if (attempt >= 2) throw e;
    }
  }
  const adminUrl = `postgres://passerelle@127.0.0.1:${port}/postgres`;
  const admin = knexFactory({ client: "pg", connection: adminUrl, pool: { min: 0, max: 2 } });
  let n = 0;
  return {
    adminUrl,
    port,
    async createDatabase() {
      const name = `t_${process.pid}_${++n}`;
      await admin.raw(`create database ${name}`);
      return `postgres://passerelle@127.0.0.1:${port}/${name}`;
    },
    async stop() {
      await admin.destroy();
      try {
        run("pg_ctl", ["-D", data, "-m", "fast", "-w", "stop"]);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** One engine of the integration matrix: makes a fresh, empty database config per call. */
export interface EngineUnderTest {
  readonly name: "sqlite" | "postgres";
  setup(): Promise<void>;
  fresh(): Promise<DatabaseConfig>;
  teardown(): Promise<void>;
}

/** sqlite (temp files) and PostgreSQL (a server started by `setup`), for `describe.each`. */
export function engines(): EngineUnderTest[] {
  let pg: PostgresServer | undefined;
  const dirs: string[] = [];
  return [
    {
      name: "sqlite",
      setup: () => Promise.resolve(),
      fresh: () => {
        const d = mkdtempSync(join(tmpdir(), "passerelle-sqlite-"));
        dirs.push(d);
        return Promise.resolve({ engine: "sqlite", filename: join(d, "passerelle.sqlite") });
      },
      teardown: () => {
        for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
        return Promise.resolve();
      },
    },
    {
      name: "postgres",
      setup: async () => {
        pg = await startPostgres();
      },
      fresh: async () => {
        if (pg === undefined) throw new Error("postgres not started");
        return { engine: "postgres", url: await pg.createDatabase() };
      },
      teardown: async () => {
        await pg?.stop();
        pg = undefined;
      },
    },
  ];
}

/** A CLI io capturing output, for in-process `runCli` calls. */
export function captureIo(env: Record<string, string | undefined>, cwd: string) {
  const out: string[] = [];
  const err: string[] = [];
  const io: CliIo = { out: (l) => out.push(l), err: (l) => err.push(l), env, isTTY: false, cwd };
  return { io, out, err };
}

/** The environment selecting a database and data directory. */
export function envFor(config: DatabaseConfig, dataDir: string): Record<string, string> {
  return config.engine === "postgres"
    ? { DATABASE_URL: config.url, PASSERELLE_DATA_DIR: dataDir }
    : { DATABASE_URL: `sqlite:${config.filename}`, PASSERELLE_DATA_DIR: dataDir };
}
