/**
 * How the service's parts are assembled (src/app.ts): the homeserver, the hub, the ADT feed and
 * the circle commands, with logging and orderly shutdown. Adapters only — every rule lives in the
 * domain modules.
 */
export { Closers, codeOf } from "./log.ts";
export type { AppLog } from "./log.ts";
export { externalLogin, resolveHomeserver } from "./homeserver.ts";
export type { DemoAccount, HubLogin, ResolvedHomeserver } from "./homeserver.ts";
export { openEvidenceHub, openServiceHub } from "./hub.ts";
export type { EvidenceHubOptions } from "./hub.ts";
export { serveCircleCommands, startAdtFeed } from "./feeds.ts";
export type { AdtFeed } from "./feeds.ts";
export { startOutbox, withSheetPool } from "./outbox.ts";
export { startHttp } from "./http.ts";
export type { HttpServices } from "./http.ts";
export { documentServices } from "./documents.ts";
