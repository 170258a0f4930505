/** Typed configuration: raw environment in, validated config out; errors name the key (CONFIG_INVALID). */
export { loadConfig } from "./config.ts";
export type { DatabaseConfig, PasserelleConfig } from "./config.ts";
export type { MatrixConfig, SignerConfig } from "./service.ts";
export type { HttpConfig, OidcConfig } from "./http.ts";
export { EMBEDDED_SERVER_NAME } from "./trust.ts";
export { DATA_FILES, dataPaths } from "./paths.ts";
export type { DataPaths } from "./paths.ts";
