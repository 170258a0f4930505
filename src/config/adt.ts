import { resolve } from "node:path";
import type { FieldIssue } from "../core/index.ts";
import type { RawConfig } from "./config.ts";
import { integerSetting, issue, value } from "./issues.ts";

/**
 * The MLLP listener of the ADT feed, on when `PASSERELLE_MLLP_PORT` is set:
 * `PASSERELLE_MLLP_HOST` (default 127.0.0.1), `PASSERELLE_MLLP_ENCODING` (`utf-8` or `latin1`:
 * the character set of a message whose MSH-18 is empty; MSH-18 wins when given), and MLLP over
 * TLS with `PASSERELLE_MLLP_TLS_CERT` + `PASSERELLE_MLLP_TLS_KEY`.
 */
export interface AdtConfig {
  readonly port: number;
  readonly host: string;
  readonly encoding: "utf-8" | "latin1";
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
}

export function parseAdtConfig(env: RawConfig, cwd: string, issues: FieldIssue[]): AdtConfig | undefined {
  if (value(env.PASSERELLE_MLLP_PORT) === undefined) return undefined;
  const port = integerSetting(
    env,
    "PASSERELLE_MLLP_PORT",
    {
      fallback: 0,
      min: 0,
      max: 65535,
      digits: 5,
      rule: "port",
      en: "must be a TCP port (0–65535)",
      fr: "doit être un port TCP (0–65535)",
    },
    issues,
  );
  const encoding = value(env.PASSERELLE_MLLP_ENCODING) ?? "utf-8";
  if (encoding !== "utf-8" && encoding !== "latin1") {
    issues.push(
      issue("PASSERELLE_MLLP_ENCODING", "enum", "must be utf-8 or latin1", "doit être utf-8 ou latin1"),
    );
  }
  const cert = value(env.PASSERELLE_MLLP_TLS_CERT);
  const key = value(env.PASSERELLE_MLLP_TLS_KEY);
  if ((cert === undefined) !== (key === undefined)) {
    issues.push(
      issue(
        cert === undefined ? "PASSERELLE_MLLP_TLS_CERT" : "PASSERELLE_MLLP_TLS_KEY",
        "requires",
        "TLS needs both PASSERELLE_MLLP_TLS_CERT and PASSERELLE_MLLP_TLS_KEY",
        "TLS demande PASSERELLE_MLLP_TLS_CERT et PASSERELLE_MLLP_TLS_KEY",
      ),
    );
  }
  return {
    port,
    host: value(env.PASSERELLE_MLLP_HOST) ?? "127.0.0.1",
    encoding: encoding === "latin1" ? "latin1" : "utf-8",
    ...(cert === undefined || key === undefined
      ? {}
      : { tls: { certFile: resolve(cwd, cert), keyFile: resolve(cwd, key) } }),
  };
}
