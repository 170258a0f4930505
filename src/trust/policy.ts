/**
 * The CPTS's trust policy: the homeservers its members' Matrix accounts may live on. The hub
 * invites, sends to, accepts invitations from and answers only Matrix users whose server name
 * (Matrix specification, Appendices, "Server Name"; see server-name.ts) is on the list. The hub's
 * own server is always on it. `any` switches the check off (every server is trusted).
 *
 * Members can be restricted further by structure: the staff of an establishment (by FINESS; a
 * unit inherits its hospital's restriction) may be required to be on given servers only — say the
 * hospital's own — rather than on any allowed one.
 *
 * Matrix has no federation-wide list of trusted servers: this is a local allowlist, the equivalent
 * of Synapse's `federation_domain_whitelist` at the level of the hub, not of the homeserver.
 */
import { PasserelleError } from "../core/errors.ts";
import { canonicalServerName, serverOfUserId } from "./server-name.ts";

/** Why a Matrix user id is outside the policy (stable reason codes, audited). */
export type TrustRefusal =
  "trust.user_id_invalid" | "trust.server_not_allowed" | "trust.structure_server_not_allowed";

export interface TrustPolicy {
  /** The allowed server names (canonical, the hub's own included), or `any`. */
  readonly servers: "any" | readonly string[];
  /** Why `userId` is refused, or undefined when the policy allows it. */
  refusal(userId: string): TrustRefusal | undefined;
  allows(userId: string): boolean;
  /**
   * Why a member is refused: {@link refusal}, or her server is not among those of a structure she
   * belongs to (`finess`: her structure's and its parents' FINESS numbers).
   */
  memberRefusal(userId: string, finess: readonly string[]): TrustRefusal | undefined;
}

/**
 * The policy allowing `servers` (server names; invalid ones are ignored — the configuration
 * loader refuses them first) plus the server of `hubUserId`.
 */
export function trustPolicy(
  servers: "any" | readonly string[],
  hubUserId?: string,
  byStructure: Readonly<Record<string, readonly string[]>> = {},
): TrustPolicy {
  const hub = hubUserId === undefined ? undefined : serverOfUserId(hubUserId);
  const allowed =
    servers === "any"
      ? "any"
      : [...new Set([...servers.map(canonicalServerName), hub].filter((s): s is string => s !== undefined))];
  const set = new Set(allowed === "any" ? [] : allowed);
  const refusal = (userId: string): TrustRefusal | undefined => {
    const server = serverOfUserId(userId);
    if (server === undefined) return "trust.user_id_invalid";
    return allowed === "any" || set.has(server) ? undefined : "trust.server_not_allowed";
  };
  const structures = new Map(
    Object.entries(byStructure).map(([finess, names]) => [
      finess,
      new Set(names.map(canonicalServerName).filter((s): s is string => s !== undefined)),
    ]),
  );
  const memberRefusal = (userId: string, finess: readonly string[]): TrustRefusal | undefined => {
    const r = refusal(userId);
    if (r !== undefined) return r;
    const server = serverOfUserId(userId) ?? "";
    return finess.some((f) => structures.get(f)?.has(server) === false)
      ? "trust.structure_server_not_allowed"
      : undefined;
  };
  return { servers: allowed, refusal, allows: (userId) => refusal(userId) === undefined, memberRefusal };
}

/** Every server trusted: for tests and tools that run without a configuration. */
export const TRUST_ANY: TrustPolicy = trustPolicy("any");

const TEXT: Readonly<Record<TrustRefusal, { en: string; fr: string }>> = {
  "trust.server_not_allowed": {
    en: "the Matrix account is on a homeserver outside the trust policy",
    fr: "le compte Matrix est sur un serveur hors de la politique de confiance",
  },
  "trust.structure_server_not_allowed": {
    en: "the Matrix account is not on a homeserver allowed for the member's structure",
    fr: "le compte Matrix n’est pas sur un serveur autorisé pour la structure du membre",
  },
  "trust.user_id_invalid": {
    en: "not a Matrix user id",
    fr: "pas un identifiant Matrix",
  },
};

/**
 * The error for a refused user: `TRUST_POLICY` (HTTP 422) naming `path` (`to[0]`, `invite`, …) and
 * the rule, never the user id.
 */
export function trustError(path: string, refusal: TrustRefusal, what = "nothing was sent"): PasserelleError {
  const text = TEXT[refusal];
  return new PasserelleError("TRUST_POLICY", `${path}: ${text.en}; ${what}`, {
    issues: [{ path, rule: refusal, message: text }],
  });
}
