/**
 * Encrypted attachments, Matrix client-server API §11.12.4 "Sending encrypted attachments"
 * (https://spec.matrix.org/latest/client-server-api/#sending-encrypted-attachments): the file is
 * encrypted with AES-256-CTR under a fresh key and a random 64-bit IV prefix (the low 64 bits of
 * the counter block start at zero), uploaded as opaque bytes, and described by an `EncryptedFile`
 * (key as a JWK, unpadded base64 IV, SHA-256 of the ciphertext, `v: "v2"`) inside the encrypted
 * event — so the media repository never sees the plaintext, its type or its real name.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, timingSafeEqual } from "node:crypto";
import { PasserelleError } from "../core/errors.ts";

/** `EncryptedFile` (spec §11.12.4.1); `url` is the `mxc://` URI of the uploaded ciphertext. */
export interface EncryptedFile {
  readonly url: string;
  readonly key: {
    readonly kty: "oct";
    readonly key_ops: readonly string[];
    readonly alg: "A256CTR";
    readonly k: string;
    readonly ext: true;
  };
  readonly iv: string;
  readonly hashes: { readonly sha256: string };
  readonly v: "v2";
}

const unpadded = (b: Buffer): string => b.toString("base64").replace(/=+$/, "");

/** Encrypts `plaintext`; the caller uploads `ciphertext` and completes `file` with its URL. */
export function encryptAttachment(plaintext: Uint8Array): {
  ciphertext: Buffer;
  file: Omit<EncryptedFile, "url">;
} {
  const key = randomBytes(32);
  const iv = Buffer.concat([randomBytes(8), Buffer.alloc(8)]);
  const cipher = createCipheriv("aes-256-ctr", key, iv);
  const ciphertext = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return {
    ciphertext,
    file: {
      key: {
        kty: "oct",
        key_ops: ["encrypt", "decrypt"],
        alg: "A256CTR",
        k: key.toString("base64url"),
        ext: true,
      },
      iv: unpadded(iv),
      hashes: { sha256: unpadded(createHash("sha256").update(ciphertext).digest()) },
      v: "v2",
    },
  };
}

/** An `EncryptedFile` as received from the wire: fields present, values not yet checked. */
export interface WireEncryptedFile {
  readonly key: { readonly kty: string; readonly alg: string; readonly k: string };
  readonly iv: string;
  readonly hashes: { readonly sha256: string };
  readonly v: string;
}

function b64(s: string): Buffer {
  return Buffer.from(s.replace(/-/g, "+").replace(/_/g, "/"), "base64");
}

/**
 * Checks the ciphertext's SHA-256 against `file.hashes.sha256`, then decrypts.
 * @throws PasserelleError `VALIDATION_FAILED` for a malformed `EncryptedFile`, `SIGNATURE_INVALID` on a hash mismatch.
 */
export function decryptAttachment(ciphertext: Uint8Array, file: WireEncryptedFile): Buffer {
  const bad = (what: string): PasserelleError =>
    new PasserelleError("VALIDATION_FAILED", `EncryptedFile: ${what}`);
  if (file.v !== "v2") throw bad("unsupported version (expected v2)");
  if (file.key.alg !== "A256CTR" || file.key.kty !== "oct") throw bad("key.alg must be A256CTR");
  const key = b64(file.key.k);
  const iv = b64(file.iv);
  if (key.length !== 32) throw bad("key.k must be 256 bits");
  if (iv.length !== 16) throw bad("iv must be 128 bits");
  const expected = b64(file.hashes.sha256);
  const actual = createHash("sha256").update(ciphertext).digest();
  if (expected.length !== 32 || !timingSafeEqual(expected, actual)) {
    throw new PasserelleError(
      "SIGNATURE_INVALID",
      "EncryptedFile: ciphertext SHA-256 does not match hashes.sha256",
    );
  }
  const decipher = createDecipheriv("aes-256-ctr", key, iv);
  return Buffer.concat([decipher.update(ciphertext), decipher.final()]);
}

/** Hex SHA-256, the form used in the structured sheet event (`pdf_sha256`). */
export function sha256Hex(bytes: Uint8Array): string {
  return createHash("sha256").update(bytes).digest("hex");
}
