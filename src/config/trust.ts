import type { FieldIssue } from "../core/index.ts";
import { canonicalServerName } from "../trust/index.ts";
import type { RawConfig } from "./config.ts";
import type { MatrixConfig } from "./service.ts";
import { issue, value } from "./issues.ts";

/** Server name of the embedded default's Synapse (src/demo/homeserver.ts). */
export const EMBEDDED_SERVER_NAME = "localhost";

/**
 * The trust policy's settings (src/trust): `PASSERELLE_MATRIX_ALLOWED_SERVERS`, a comma-separated
 * list of Matrix server names (`cpts.example,chu.example:8448`), or `*` for every server. Unset or
 * empty: the hub's own server only. The hub's server is always allowed: the server of
 * `PASSERELLE_MATRIX_USER_ID`, or the embedded default's (`localhost`).
 */
export interface TrustConfig {
  /** Canonical server names, the hub's own first; or `any`. */
  readonly allowedServers: "any" | readonly string[];
}

const KEY = "PASSERELLE_MATRIX_ALLOWED_SERVERS";

export function parseTrust(env: RawConfig, matrix: MatrixConfig, issues: FieldIssue[]): TrustConfig {
  const hubServer =
    matrix.mode === "embedded"
      ? EMBEDDED_SERVER_NAME
      : canonicalServerName(matrix.userId.slice(matrix.userId.indexOf(":") + 1));
  const own = hubServer === undefined ? [] : [hubServer];
  const raw = value(env[KEY]);
  if (raw === undefined) return { allowedServers: own };
  const entries = raw.split(",").map((s) => s.trim());
  if (entries.length === 1 && entries[0] === "*") return { allowedServers: "any" };
  const servers = [...own];
  for (const [i, entry] of entries.entries()) {
    const name = canonicalServerName(entry);
    if (name === undefined) {
      issues.push(
        issue(
          `${KEY}[${i}]`,
          "serverName",
          "must be a Matrix server name (host or host:port), or * alone for every server",
          "doit être un nom de serveur Matrix (hôte ou hôte:port), ou * seul pour tous les serveurs",
        ),
      );
    } else if (!servers.includes(name)) servers.push(name);
  }
  return { allowedServers: servers };
}
