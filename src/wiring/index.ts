/**
 * How the service's parts are assembled (src/app.ts): the homeserver, the hub, the ADT feed and
 * the circle commands, with logging and orderly shutdown. Adapters only — every rule lives in the
 * domain modules.
 */
export { Closers, codeOf } from "./log.ts";
export type { AppLog } from "./log.ts";
export { resolveHomeserver } from "./homeserver.ts";
export type { HubLogin, ResolvedHomeserver } from "./homeserver.ts";
export { openServiceHub } from "./hub.ts";
export { serveCircleCommands, startAdtFeed } from "./feeds.ts";
export type { AdtFeed } from "./feeds.ts";
