/** Typed configuration of storage, directory and audit: raw environment in, validated config out. */
export { loadConfig, SQLITE_FILENAME } from "./config.ts";
export type { DatabaseConfig, PasserelleConfig, RawConfig } from "./config.ts";
