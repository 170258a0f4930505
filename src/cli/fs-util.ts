import { randomBytes } from "node:crypto";
import { mkdir, readFile, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { ioError } from "./args.ts";

/** Writes a file atomically (temp file + rename): a failure never leaves a partial output. */
export async function writeAtomic(file: string, content: Uint8Array | string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(tmp, content, { mode: 0o644 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw ioError(`cannot write ${path.basename(file)}`, e);
  }
}

export async function readInput(file: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (e) {
    throw ioError(`cannot read ${path.basename(file)}`, e);
  }
}
