/**
 * The hub's own cross-signing identity, secret storage and key backup (client-server API §11.12.2
 * "Cross-signing", §11.12.8 "Secret storage", §11.12.5.3 "Server-side key backups").
 *
 * Clients that exclude "insecure" devices (matrix-js-sdk `OnlySignedDevicesIsolationMode`,
 * Element's "never send to unverified devices of verified users" and similar) only share room keys
 * with devices signed by their owner's self-signing key. So on its first start the hub:
 * 1. `bootstrapCrossSigning` — creates master, self-signing and user-signing keys, signs its own
 *    device and uploads them (`POST /keys/device_signing/upload`, user-interactive auth with an
 *    `m.login.password` auth dict when the server asks for it);
 * 2. `bootstrapSecretStorage` — a new default secret-storage key (the recovery key, saved in the
 *    data dir first), the cross-signing private keys stored encrypted in account data, and a new
 *    key backup version (`setupNewKeyBackup`) whose key goes to secret storage as well.
 * Later starts find everything ready in the persisted crypto store and change nothing: the master
 * key id is stable across restarts.
 */
import { CrossSigningKey, type CryptoApi } from "matrix-js-sdk/lib/crypto-api/index.js";
import { decodeRecoveryKey } from "matrix-js-sdk/lib/crypto-api/recovery-key.js";
import type { AuthDict, ICreateClientOpts, MatrixClient } from "matrix-js-sdk";
import { PasserelleError } from "../core/errors.ts";
import { readRecoveryKey, writeRecoveryKey, type HubPaths } from "./hub-secrets.ts";

export interface CrossSigningState {
  /** Public master cross-signing key (unpadded base64): the hub's identity. */
  readonly masterKeyId: string;
  /** True when this start created the identity (first start, or nothing usable was found). */
  readonly bootstrapped: boolean;
  /** Active key backup version, if any. */
  readonly backupVersion: string | null;
}

/** `getSecretStorageKey`: the recovery key from the data dir, for the default secret-storage key. */
export function secretStorageCallbacks(paths: HubPaths): NonNullable<ICreateClientOpts["cryptoCallbacks"]> {
  return {
    getSecretStorageKey: async ({ keys }) => {
      const encoded = await readRecoveryKey(paths);
      const keyId = Object.keys(keys)[0];
      if (encoded === undefined || keyId === undefined) return null;
      return [keyId, decodeRecoveryKey(encoded)];
    },
  };
}

/** UIA callback: first without auth (some servers allow the first upload), then with the password. */
function passwordAuth(userId: string, password: string | undefined) {
  return async <T>(makeRequest: (auth: AuthDict | null) => Promise<T>): Promise<T> => {
    try {
      return await makeRequest(null);
    } catch (e) {
      const err = e as { httpStatus?: number; data?: { session?: string } };
      if (err.httpStatus !== 401) throw e;
      if (password === undefined) {
        throw new PasserelleError(
          "CONFIG_INVALID",
          "matrix: the homeserver wants the hub's password to upload its cross-signing keys",
        );
      }
      return makeRequest({
        type: "m.login.password",
        identifier: { type: "m.id.user", user: userId },
        password,
        session: err.data?.session,
      });
    }
  };
}

async function ready(crypto: CryptoApi): Promise<boolean> {
  return (
    (await crypto.isCrossSigningReady()) &&
    (await crypto.isSecretStorageReady()) &&
    (await crypto.getSessionBackupPrivateKey()) !== null
  );
}

/** Makes sure the hub's device is cross-signed and its keys backed up; idempotent. */
export async function ensureCrossSigning(
  client: MatrixClient,
  paths: HubPaths,
  password: string | undefined,
): Promise<CrossSigningState> {
  const crypto = client.getCrypto();
  if (!crypto) throw new PasserelleError("IO_ERROR", "matrix: crypto is not initialised");
  const bootstrapped = !(await ready(crypto));
  if (bootstrapped) {
    await crypto.bootstrapCrossSigning({
      authUploadDeviceSigningKeys: passwordAuth(client.getSafeUserId(), password),
    });
    await crypto.bootstrapSecretStorage({
      setupNewSecretStorage: !(await crypto.isSecretStorageReady()),
      setupNewKeyBackup: (await crypto.getSessionBackupPrivateKey()) === null,
      createSecretStorageKey: async () => {
        const key = await crypto.createRecoveryKeyFromPassphrase();
        if (key.encodedPrivateKey === undefined)
          throw new PasserelleError("IO_ERROR", "matrix: no encoded recovery key");
        // Saved before the SDK uses it: a crash later leaves a key that opens what was stored.
        await writeRecoveryKey(paths, key.encodedPrivateKey);
        return key;
      },
    });
  }
  await crypto.checkKeyBackupAndEnable();
  const masterKeyId = await crypto.getCrossSigningKeyId(CrossSigningKey.Master);
  if (masterKeyId === null || !(await crypto.isCrossSigningReady()))
    throw new PasserelleError("IO_ERROR", "matrix: cross-signing is not ready after bootstrap");
  return { masterKeyId, bootstrapped, backupVersion: await crypto.getActiveSessionBackupVersion() };
}
