import { PasserelleError } from "../core/index.ts";

/** Network errors, and PostgreSQL classes 08 (connection exception) and 57P (server shutting down). */
const UNREACHABLE = new Set([
  "ECONNREFUSED",
  "ENOTFOUND",
  "ETIMEDOUT",
  "EHOSTUNREACH",
  "ECONNRESET",
  "EPIPE",
]);
const isUnreachable = (code: string | undefined, e: unknown): boolean =>
  (code !== undefined && (UNREACHABLE.has(code) || code.startsWith("08") || code.startsWith("57P"))) ||
  /Connection terminated|connection ended/i.test(message(e));

/**
 * Maps a driver error to a {@link PasserelleError} with a clear, data-free message: the database
 * is down or unreachable, locked by another writer, or rejected a constraint. Passerelle errors
 * pass through unchanged. The driver's text is kept only as `cause` (never printed by the CLI).
 */
export function toStorageError(e: unknown, during: string): PasserelleError {
  if (e instanceof PasserelleError) return e;
  const code = errorCode(e);
  const sqlite = primarySqliteCode(code);
  if (isUnreachable(code, e)) {
    return new PasserelleError(
      "IO_ERROR",
      `database unreachable (${code ?? "connection lost"}) while ${during}`,
      {
        cause: e,
      },
    );
  }
  if (sqlite === "SQLITE_BUSY" || sqlite === "SQLITE_LOCKED" || code === "55P03") {
    return new PasserelleError("IO_ERROR", `database is locked by another writer while ${during}`, {
      cause: e,
    });
  }
  if (sqlite === "SQLITE_NOTADB" || sqlite === "SQLITE_CORRUPT") {
    return new PasserelleError(
      "IO_ERROR",
      `the database file is not a valid sqlite database while ${during}`,
      {
        cause: e,
      },
    );
  }
  if (sqlite === "SQLITE_CANTOPEN" || sqlite === "SQLITE_READONLY" || sqlite === "SQLITE_IOERR") {
    return new PasserelleError("IO_ERROR", `database file cannot be written (${sqlite}) while ${during}`, {
      cause: e,
    });
  }
  if (
    code === "23505" ||
    code === "SQLITE_CONSTRAINT_UNIQUE" ||
    code === "SQLITE_CONSTRAINT_PRIMARYKEY" ||
    (code === "SQLITE_CONSTRAINT" && /UNIQUE|PRIMARY/.test(message(e)))
  ) {
    return new PasserelleError("CONFLICT", `duplicate key while ${during}`, { cause: e });
  }
  if (e instanceof Error && e.name === "KnexTimeoutError") {
    return new PasserelleError("IO_ERROR", `database connection timed out while ${during}`, { cause: e });
  }
  return new PasserelleError("INTERNAL", `database error (${code ?? "unknown"}) while ${during}`, {
    cause: e,
  });
}

/**
 * The primary result code of an sqlite error: better-sqlite3 reports extended codes
 * (`SQLITE_IOERR_FSYNC`, `SQLITE_CONSTRAINT_UNIQUE`: https://sqlite.org/rescode.html), whose
 * primary code is the part before the second underscore.
 */
function primarySqliteCode(code: string | undefined): string | undefined {
  return code?.startsWith("SQLITE_") ? /^SQLITE_[A-Z]+/.exec(code)?.[0] : undefined;
}

function errorCode(e: unknown): string | undefined {
  if (typeof e !== "object" || e === null) return undefined;
  if ("code" in e && typeof e.code === "string") return e.code;
  if ("errors" in e && Array.isArray(e.errors)) return errorCode(e.errors[0]);
  return undefined;
}

function message(e: unknown): string {
  return e instanceof Error ? e.message : "";
}
