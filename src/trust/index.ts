/** The trust policy: which homeservers the CPTS's members may be on (Matrix server names). */
export { canonicalServerName, parseServerName, serverOfUserId } from "./server-name.ts";
export type { ServerName } from "./server-name.ts";
export { TRUST_ANY, trustError, trustPolicy } from "./policy.ts";
export type { TrustPolicy, TrustRefusal } from "./policy.ts";
