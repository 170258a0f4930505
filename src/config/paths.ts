/**
 * Where everything lives under the data directory (`PASSERELLE_DATA_DIR`): the one place that
 * names its files. Secrets are mode 0600 and directories 0700 (their owners create them).
 */
import path from "node:path";

/** File names at the top of the data directory. */
export const DATA_FILES = {
  sqlite: "passerelle.sqlite",
  auditSigningKey: "audit-signing-key.pem",
  pseudonymKey: "patient-pseudonym.key",
  apiTokenKey: "api-token-key.pem",
} as const;

export interface DataPaths {
  readonly dataDir: string;
  /** The SQLite database (when no PostgreSQL URL is configured). */
  readonly sqlite: string;
  /** Ed25519 key signing the audit trail's checkpoints. */
  readonly auditSigningKey: string;
  /** HMAC key of patient pseudonyms. */
  readonly pseudonymKey: string;
  /** Ed25519 key of the local token issuer. */
  readonly apiTokenKey: string;
  /** The hub's Matrix session, crypto store and secrets. */
  readonly matrix: {
    readonly dir: string;
    readonly session: string;
    readonly storeSecret: string;
    readonly recoveryKey: string;
    readonly cryptoDir: string;
    /** The hub's password on the embedded homeserver. */
    readonly hubPassword: string;
  };
  /** The development PKI (dev signer mode). */
  readonly pki: {
    readonly dir: string;
    readonly passphrase: string;
    readonly signerP12: string;
    readonly caPem: string;
  };
  /** The embedded homeserver's Synapse directory. */
  readonly synapse: string;
}

/** The paths under `dataDir` (an absolute directory, as `loadConfig` resolves it). */
export function dataPaths(dataDir: string): DataPaths {
  const at = (...parts: string[]): string => path.join(dataDir, ...parts);
  const matrix = at("matrix");
  const pki = at("pki");
  return {
    dataDir,
    sqlite: at(DATA_FILES.sqlite),
    auditSigningKey: at(DATA_FILES.auditSigningKey),
    pseudonymKey: at(DATA_FILES.pseudonymKey),
    apiTokenKey: at(DATA_FILES.apiTokenKey),
    matrix: {
      dir: matrix,
      session: path.join(matrix, "session.json"),
      storeSecret: path.join(matrix, "store-secret"),
      recoveryKey: path.join(matrix, "recovery-key"),
      cryptoDir: path.join(matrix, "crypto"),
      hubPassword: path.join(matrix, "hub-password"),
    },
    pki: {
      dir: pki,
      passphrase: path.join(pki, "passphrase"),
      signerP12: path.join(pki, "signer.p12"),
      caPem: path.join(pki, "ca.pem"),
    },
    synapse: at("synapse"),
  };
}
