import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes } from "node:crypto";
import type { KeyObject } from "node:crypto";
import { link, mkdir, readFile, stat, unlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { calculateJwkThumbprint } from "jose";
import type { JWK } from "jose";
import { DATA_FILES, dataPaths } from "../config/index.ts";
import { PasserelleError, assertPrivate } from "../core/index.ts";

/** File names inside the data directory. Both are secrets: mode 0600, never committed. */
export const SIGNING_KEY_FILE = DATA_FILES.auditSigningKey;
export const PSEUDONYM_KEY_FILE = DATA_FILES.pseudonymKey;

/** The hub's checkpoint-signing key: Ed25519, identified by its JWK thumbprint (RFC 7638). */
export interface SigningKey {
  readonly kid: string;
  readonly privateKey: KeyObject;
  /** Public JWK (`kty: OKP`, `crv: Ed25519`, `x`, `kid`) — safe to publish and export. */
  readonly publicJwk: JWK;
}

/**
 * Reads a secret file, or creates it atomically if absent: written to a temporary file with mode
 * 0600 then hard-linked into place, so two instances starting together agree on one secret.
 * A secret readable by group or others is refused (`BAD_KEYSTORE`), as ssh does.
 */
export async function loadOrCreateSecret(path: string, make: () => Buffer | string): Promise<Buffer> {
  try {
    return await readSecret(path);
  } catch (e) {
    if (!isNotFound(e)) throw e;
  }
  const dir = join(path, "..");
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`;
  await writeFile(tmp, make(), { mode: 0o600, flag: "wx" });
  try {
    await link(tmp, path);
  } catch (e) {
    if (!(e instanceof Error && "code" in e && e.code === "EEXIST")) throw ioError(path, e);
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  return readSecret(path);
}

async function readSecret(path: string): Promise<Buffer> {
  await stat(path); // ENOENT when absent: the caller creates it
  await assertPrivate(path, "BAD_KEYSTORE");
  return readFile(path);
}

const isNotFound = (e: unknown): boolean => e instanceof Error && "code" in e && e.code === "ENOENT";
const ioError = (path: string, e: unknown): PasserelleError =>
  new PasserelleError("IO_ERROR", `cannot write ${path}`, { cause: e });

/**
 * Loads the Ed25519 private key (PKCS#8 PEM, RFC 8410) kept at `path`, generating it on first
 * start (see {@link loadOrCreateSecret}); `BAD_KEYSTORE`, naming the file `name`, when it is not
 * a PEM private key or not an Ed25519 one.
 */
export async function loadOrCreateEd25519Key(path: string, name: string): Promise<KeyObject> {
  const pem = await loadOrCreateSecret(path, () =>
    generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }),
  );
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch (e) {
    throw new PasserelleError("BAD_KEYSTORE", `${name} is not a PEM private key`, { cause: e });
  }
  if (privateKey.asymmetricKeyType !== "ed25519") {
    throw new PasserelleError("BAD_KEYSTORE", `${name} is not an Ed25519 key`);
  }
  return privateKey;
}

/** Loads the hub's signing key from the data directory, generating it on first start. */
export async function loadSigningKey(dataDir: string): Promise<SigningKey> {
  return signingKeyFrom(await loadOrCreateEd25519Key(dataPaths(dataDir).auditSigningKey, SIGNING_KEY_FILE));
}

/** Wraps an Ed25519 private key (tests and benchmarks make them in memory). */
export async function signingKeyFrom(privateKey: KeyObject): Promise<SigningKey> {
  const jwk = createPublicKey(privateKey).export({ format: "jwk" }) as JWK;
  const base: JWK = { kty: jwk.kty, crv: jwk.crv, x: jwk.x };
  const kid = await calculateJwkThumbprint(base, "sha256");
  return { kid, privateKey, publicJwk: { ...base, kid, alg: "EdDSA", use: "sig" } };
}

/** A fresh in-memory signing key. */
export function generateSigningKey(): Promise<SigningKey> {
  return signingKeyFrom(generateKeyPairSync("ed25519").privateKey);
}

/** Loads the 32-byte key of patient pseudonyms from the data directory, generating it on first start. */
export async function loadPseudonymKey(dataDir: string): Promise<Buffer> {
  const raw = await loadOrCreateSecret(dataPaths(dataDir).pseudonymKey, () =>
    randomBytes(32).toString("base64url"),
  );
  const key = Buffer.from(raw.toString("utf8").trim(), "base64url");
  if (key.length !== 32) {
    throw new PasserelleError("BAD_KEYSTORE", `${PSEUDONYM_KEY_FILE} must hold 32 bytes in base64url`);
  }
  return key;
}
