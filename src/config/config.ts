import { isAbsolute, resolve } from "node:path";
import type { FieldIssue } from "../core/index.ts";
import { PasserelleError } from "../core/index.ts";
import type { EscalationConfig } from "./escalation.ts";
import { parseEscalation } from "./escalation.ts";
import type { AdtConfig } from "./adt.ts";
import { parseAdtConfig } from "./adt.ts";
import { integerSetting, issue } from "./issues.ts";
import type { LogConfig } from "./log.ts";
import { parseLog } from "./log.ts";
import type { HttpConfig } from "./http.ts";
import { parseHttp } from "./http.ts";
import type { MatrixConfig, SignerConfig } from "./service.ts";
import { parseMatrix, parseSigner } from "./service.ts";
import type { TrustConfig } from "./trust.ts";
import { parseTrust } from "./trust.ts";
import { DATA_FILES, dataPaths } from "./paths.ts";

/**
 * The raw input: environment variables as the process sees them (strings or absent). Nothing in
 * it is trusted; {@link loadConfig} turns it into a {@link PasserelleConfig} or throws.
 */
export type RawConfig = Readonly<Record<string, string | undefined>>;

/** Where the data lives: an embedded sqlite file (default) or a PostgreSQL server. */
export type DatabaseConfig =
  | { readonly engine: "sqlite"; readonly filename: string }
  | { readonly engine: "postgres"; readonly url: string };

/** The validated configuration of the service (raw input: {@link RawConfig}). */
export interface PasserelleConfig {
  /** Absolute path of `PASSERELLE_DATA_DIR` (default `./data`): sqlite file, audit keys. */
  readonly dataDir: string;
  readonly database: DatabaseConfig;
  readonly audit: {
    /** A signed checkpoint every N entries (`PASSERELLE_AUDIT_CHECKPOINT_EVERY`, default 1000). */
    readonly checkpointEvery: number;
  };
  readonly matrix: MatrixConfig;
  /** The homeservers the CPTS's members may be on (`PASSERELLE_MATRIX_ALLOWED_SERVERS`). */
  readonly trust: TrustConfig;
  readonly signer: SignerConfig;
  readonly outbox: {
    /** Transfers the outbox worker sends at once (`PASSERELLE_OUTBOX_CONCURRENCY`, 1–256, default 16). */
    readonly concurrency: number;
  };
  /** Escalation delays and scheduler interval (`PASSERELLE_ESCALATION_*`). */
  readonly escalation: EscalationConfig;
  readonly http: HttpConfig;
  /** The ADT feed's MLLP listener (src/config/adt.ts); absent when `PASSERELLE_MLLP_PORT` is not set. */
  readonly adt?: AdtConfig;
  /** The operational log (`PASSERELLE_LOG_LEVEL`, src/config/log.ts). */
  readonly log: LogConfig;
}

/** File name of the default sqlite database inside the data directory. */
export const SQLITE_FILENAME = DATA_FILES.sqlite;

/**
 * Validates the environment. Errors are `CONFIG_INVALID` with one issue per bad key, naming the
 * key (never echoing its value: `DATABASE_URL` may hold a password).
 */
export function loadConfig(env: RawConfig, cwd: string = process.cwd()): PasserelleConfig {
  const issues: FieldIssue[] = [];
  const dataDirRaw = env.PASSERELLE_DATA_DIR?.trim();
  if (dataDirRaw === "") {
    issues.push(issue("PASSERELLE_DATA_DIR", "nonEmpty", "must not be empty", "ne doit pas être vide"));
  }
  const dataDir = resolve(cwd, dataDirRaw === undefined || dataDirRaw === "" ? "./data" : dataDirRaw);

  let database: DatabaseConfig = { engine: "sqlite", filename: dataPaths(dataDir).sqlite };
  const url = env.DATABASE_URL?.trim();
  if (url !== undefined && url !== "") {
    const parsed = parseDatabaseUrl(url, cwd);
    if (parsed === undefined) {
      issues.push(
        issue(
          "DATABASE_URL",
          "scheme",
          "must be postgres://… , postgresql://… or sqlite:PATH",
          "doit être postgres://…, postgresql://… ou sqlite:CHEMIN",
        ),
      );
    } else {
      database = parsed;
    }
  }

  const checkpointEvery = integerSetting(
    env,
    "PASSERELLE_AUDIT_CHECKPOINT_EVERY",
    {
      fallback: 1000,
      min: 1,
      max: Infinity,
      digits: 9,
      rule: "positiveInteger",
      en: "must be a positive integer",
      fr: "doit être un entier positif",
    },
    issues,
  );
  const concurrency = integerSetting(
    env,
    "PASSERELLE_OUTBOX_CONCURRENCY",
    {
      fallback: 16,
      min: 1,
      max: 256,
      digits: 3,
      rule: "range",
      en: "must be an integer from 1 to 256",
      fr: "doit être un entier de 1 à 256",
    },
    issues,
  );

  const matrix = parseMatrix(env, issues);
  const trust = parseTrust(env, matrix, issues);
  const signer = parseSigner(env, cwd, issues);
  const escalation = parseEscalation(env, issues);
  const http = parseHttp(env, issues);
  const adt = parseAdtConfig(env, cwd, issues);
  const log = parseLog(env, issues);

  if (issues.length > 0) {
    throw new PasserelleError(
      "CONFIG_INVALID",
      `invalid configuration: ${issues.map((i) => i.path).join(", ")}`,
      { issues },
    );
  }
  return {
    dataDir,
    database,
    audit: { checkpointEvery },
    matrix,
    trust,
    signer,
    outbox: { concurrency },
    escalation,
    http,
    ...(adt === undefined ? {} : { adt }),
    log,
  };
}

function parseDatabaseUrl(url: string, cwd: string): DatabaseConfig | undefined {
  if (/^postgres(ql)?:\/\/./i.test(url)) {
    try {
      new URL(url);
    } catch {
      return undefined;
    }
    return { engine: "postgres", url };
  }
  const m = /^sqlite:(?:\/\/)?(.+)$/i.exec(url);
  if (m?.[1] !== undefined) {
    const path = m[1];
    return { engine: "sqlite", filename: isAbsolute(path) ? path : resolve(cwd, path) };
  }
  return undefined;
}
