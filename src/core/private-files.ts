/**
 * Files and folders that hold secrets or patient data must not be open to other users: a mode
 * with any group or other bit (`& 0o077`) is refused, as ssh refuses a private key readable by
 * others. Used for the keys (`BAD_KEYSTORE`) and the sqlite database and its folder
 * (`CONFIG_INVALID`), so the service refuses to start rather than serve from a shared file.
 */
import { stat } from "node:fs/promises";
import type { ErrorCode } from "./errors.ts";
import { PasserelleError } from "./errors.ts";

/** Throws `code` when `path` exists and is open to group or others; resolves `false` when absent. */
export async function assertPrivate(path: string, code: ErrorCode): Promise<boolean> {
  let mode: number;
  try {
    mode = (await stat(path)).mode;
  } catch (e) {
    if (e instanceof Error && "code" in e && e.code === "ENOENT") return false;
    throw new PasserelleError("IO_ERROR", `cannot read the mode of ${path}`, { cause: e });
  }
  if ((mode & 0o077) !== 0) {
    const dir = (mode & 0o170000) === 0o040000;
    throw new PasserelleError(
      code,
      `${path} is readable by other users (mode ${(mode & 0o777).toString(8)}); run chmod ${dir ? "700" : "600"}`,
    );
  }
  return true;
}
