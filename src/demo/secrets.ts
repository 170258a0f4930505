import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";

/**
 * A random secret kept in a 0600 file, created on first use (passphrases and passwords of the
 * embedded default). Never printed, never in git (the data directory is git-ignored).
 */
export async function fileSecret(file: string): Promise<string> {
  try {
    return (await readFile(file, "utf8")).trim();
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== "ENOENT") throw e;
  }
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const secret = randomBytes(24).toString("base64url");
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, secret + "\n", { mode: 0o600 });
  await rename(tmp, file);
  return secret;
}
