export { PasserelleError, HTTP_STATUS, fieldError, isPasserelleError } from "./errors.ts";
export type { ErrorCode, FieldIssue } from "./errors.ts";
export { systemClock, fixedClock } from "./clock.ts";
export { assertPrivate } from "./private-files.ts";
export type { Clock } from "./clock.ts";
export { silentLog, LOG_LEVELS } from "./log.ts";
export type { Log, LogFields, LogFn, LogLevel } from "./log.ts";
export { Signal } from "./signal.ts";
