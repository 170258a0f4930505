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
  /**
   * `PASSERELLE_MATRIX_STRUCTURE_SERVERS`, e.g. `750712184=chu.example|chu.example:8448;…`: the
   * only servers the staff of a structure (by FINESS, its units included) may be on.
   */
  readonly structureServers: Readonly<Record<string, readonly string[]>>;
}

const KEY = "PASSERELLE_MATRIX_ALLOWED_SERVERS";
const BY_STRUCTURE = "PASSERELLE_MATRIX_STRUCTURE_SERVERS";
const FINESS = /^[0-9AB]{9}$/;

/** `FINESS=server|server;…`: each entry's servers canonical and within the allowlist. */
function parseStructureServers(
  env: RawConfig,
  allowed: "any" | readonly string[],
  issues: FieldIssue[],
): Record<string, readonly string[]> {
  const raw = value(env[BY_STRUCTURE]);
  const out: Record<string, string[]> = {};
  if (raw === undefined) return out;
  for (const [i, entry] of raw.split(";").entries()) {
    const [finess, list, extra] = entry.split("=").map((s) => s.trim());
    const servers = (list ?? "").split("|").map((s) => canonicalServerName(s.trim()));
    const ok =
      finess !== undefined &&
      FINESS.test(finess) &&
      extra === undefined &&
      servers.every((s) => s !== undefined && (allowed === "any" || allowed.includes(s)));
    if (!ok) {
      issues.push(
        issue(
          `${BY_STRUCTURE}[${i}]`,
          "structureServers",
          "must be FINESS=server|server, each server among PASSERELLE_MATRIX_ALLOWED_SERVERS",
          "doit être FINESS=serveur|serveur, chaque serveur parmi PASSERELLE_MATRIX_ALLOWED_SERVERS",
        ),
      );
    } else out[finess] = [...new Set(servers as string[])];
  }
  return out;
}

export function parseTrust(env: RawConfig, matrix: MatrixConfig, issues: FieldIssue[]): TrustConfig {
  const hubServer =
    matrix.mode === "embedded"
      ? EMBEDDED_SERVER_NAME
      : canonicalServerName(matrix.userId.slice(matrix.userId.indexOf(":") + 1));
  const own = hubServer === undefined ? [] : [hubServer];
  const allowedServers = parseAllowed(env, own, issues);
  return { allowedServers, structureServers: parseStructureServers(env, allowedServers, issues) };
}

function parseAllowed(
  env: RawConfig,
  own: readonly string[],
  issues: FieldIssue[],
): "any" | readonly string[] {
  const raw = value(env[KEY]);
  if (raw === undefined) return own;
  const entries = raw.split(",").map((s) => s.trim());
  if (entries.length === 1 && entries[0] === "*") return "any";
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
  return servers;
}
