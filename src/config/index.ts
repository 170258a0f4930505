/** Typed configuration: raw environment in, validated config out; errors name the key (CONFIG_INVALID). */
export { loadConfig, SQLITE_FILENAME } from "./config.ts";
export type { DatabaseConfig, PasserelleConfig, RawConfig } from "./config.ts";
export type { MatrixConfig, SignerConfig } from "./service.ts";
export type { EscalationConfig } from "./escalation.ts";
export type { HttpConfig, OidcConfig } from "./http.ts";
export type { AdtConfig } from "./adt.ts";
export type { LogConfig } from "./log.ts";
export { EMBEDDED_SERVER_NAME } from "./trust.ts";
export type { TrustConfig } from "./trust.ts";
export { DATA_FILES, dataPaths } from "./paths.ts";
export type { DataPaths } from "./paths.ts";
