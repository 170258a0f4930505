/**
 * The hub's files in `<dataDir>/matrix/`, all private to the service account (mode 0600, directory
 * 0700) and written atomically (temp file, fsync, rename, directory fsync):
 *
 * - `session.json` — `{ userId, deviceId, accessToken }` from the first `m.login.password` login
 *   (client-server API §5.5 "Login"). Reused at every start: the hub logs in again only when the
 *   server answers `M_UNKNOWN_TOKEN`, and then with the same `device_id`.
 * - `store-secret` — 32 random bytes (hex). The crypto store's `storageKey` is
 *   HKDF-SHA256(store-secret, info "passerelle/matrix-crypto-store/v1"): the values in the store
 *   are encrypted with it (ids and sender keys are not).
 * - `recovery-key` — the secret-storage key (spec §11.12.8 "Secret storage", key representation
 *   "recovery key"). It opens the cross-signing and key-backup secrets kept encrypted on the server.
 *   Production must escrow a copy offline (sealed envelope, HSM or vault): losing both the data
 *   dir and this key means a new cross-signing identity that recipients must trust again.
 * - `crypto/` — the journaled IndexedDB crypto store (see idb-journal.ts).
 *
 * Never back up and restore `crypto/` onto a device still in use (see README).
 */
import { hkdfSync, randomBytes } from "node:crypto";
import { closeSync, fsyncSync, openSync } from "node:fs";
import { chmod, mkdir, readFile, rename, writeFile } from "node:fs/promises";
import path from "node:path";
import { dataPaths } from "../config/index.ts";
import { PasserelleError } from "../core/errors.ts";

export interface HubSession {
  readonly userId: string;
  readonly deviceId: string;
  readonly accessToken: string;
}

export interface HubPaths {
  readonly dir: string;
  readonly session: string;
  readonly storeSecret: string;
  readonly recoveryKey: string;
  readonly cryptoDir: string;
}

export function hubPaths(dataDir: string): HubPaths {
  return dataPaths(dataDir).matrix;
}

/** Creates `<dataDir>/matrix` and `crypto/` (0700). */
export async function ensureHubDirs(p: HubPaths): Promise<void> {
  for (const d of [p.dir, p.cryptoDir]) {
    await mkdir(d, { recursive: true, mode: 0o700 });
    await chmod(d, 0o700);
  }
}

/** Writes `data` to `file` with mode 0600: temp file, fsync, rename, fsync of the directory. */
export async function writePrivateFile(file: string, data: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, data, { mode: 0o600, flush: true });
  await chmod(tmp, 0o600);
  await rename(tmp, file);
  const fd = openSync(path.dirname(file), "r");
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

async function readOptional(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw new PasserelleError("IO_ERROR", `matrix: cannot read ${path.basename(file)}`, { cause: e });
  }
}

export async function readSession(p: HubPaths): Promise<HubSession | undefined> {
  const text = await readOptional(p.session);
  if (text === undefined) return undefined;
  let v: Partial<Record<keyof HubSession, unknown>>;
  try {
    v = JSON.parse(text) as typeof v;
  } catch {
    throw new PasserelleError("CONFIG_INVALID", `matrix: ${p.session} is not valid JSON`);
  }
  if (typeof v.userId !== "string" || typeof v.deviceId !== "string" || typeof v.accessToken !== "string")
    throw new PasserelleError("CONFIG_INVALID", `matrix: ${p.session} lacks userId, deviceId or accessToken`);
  return { userId: v.userId, deviceId: v.deviceId, accessToken: v.accessToken };
}

export async function writeSession(p: HubPaths, s: HubSession): Promise<void> {
  const { userId, deviceId, accessToken } = s;
  await writePrivateFile(p.session, `${JSON.stringify({ userId, deviceId, accessToken }, null, 2)}\n`);
}

/** The crypto store's 32-byte storage key, derived from `store-secret` (created on first use). */
export async function storageKey(p: HubPaths): Promise<Uint8Array> {
  let hex = (await readOptional(p.storeSecret))?.trim();
  if (hex === undefined) {
    hex = randomBytes(32).toString("hex");
    await writePrivateFile(p.storeSecret, `${hex}\n`);
  }
  if (!/^[0-9a-f]{64}$/.test(hex))
    throw new PasserelleError("CONFIG_INVALID", `matrix: ${p.storeSecret} must hold 64 hex digits`);
  const key = hkdfSync(
    "sha256",
    Buffer.from(hex, "hex"),
    Buffer.alloc(0),
    "passerelle/matrix-crypto-store/v1",
    32,
  );
  return new Uint8Array(key);
}

export async function readRecoveryKey(p: HubPaths): Promise<string | undefined> {
  return (await readOptional(p.recoveryKey))?.trim();
}

export async function writeRecoveryKey(p: HubPaths, encoded: string): Promise<void> {
  await writePrivateFile(p.recoveryKey, `${encoded}\n`);
}
