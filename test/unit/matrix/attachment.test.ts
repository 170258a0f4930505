import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { decryptAttachment, encryptAttachment, sha256Hex } from "../../../src/matrix/attachment.ts";
import { roomName } from "../../../src/matrix/hub-transport.ts";

describe("encrypted attachments (EncryptedFile v2)", () => {
  const pdf = Buffer.from("%PDF-1.7\n… lettre de liaison …\n%%EOF\n");

  it("round-trips, with a JWK A256CTR key, a 128-bit IV whose counter half is zero, and the ciphertext hash", () => {
    const { ciphertext, file } = encryptAttachment(pdf);
    expect(ciphertext.equals(pdf)).toBe(false);
    expect(file).toMatchObject({
      v: "v2",
      key: { kty: "oct", alg: "A256CTR", ext: true, key_ops: ["encrypt", "decrypt"] },
    });
    expect(Buffer.from(file.key.k, "base64url")).toHaveLength(32);
    const iv = Buffer.from(file.iv, "base64");
    expect(iv).toHaveLength(16);
    expect(iv.subarray(8).equals(Buffer.alloc(8))).toBe(true);
    expect(file.iv).not.toMatch(/=/);
    expect(file.hashes.sha256).toBe(
      createHash("sha256").update(ciphertext).digest("base64").replace(/=+$/, ""),
    );
    expect(decryptAttachment(ciphertext, file).equals(pdf)).toBe(true);
  });

  it("uses a fresh key and IV each time", () => {
    const a = encryptAttachment(pdf).file;
    const b = encryptAttachment(pdf).file;
    expect(a.key.k).not.toBe(b.key.k);
    expect(a.iv).not.toBe(b.iv);
  });

  it("refuses a tampered ciphertext before decrypting", () => {
    const { ciphertext, file } = encryptAttachment(pdf);
    ciphertext[3] = (ciphertext[3] ?? 0) ^ 1;
    expect(() => decryptAttachment(ciphertext, file)).toThrow(
      expect.objectContaining({ code: "SIGNATURE_INVALID" }),
    );
  });

  it("rejects malformed EncryptedFile objects with a clear error", () => {
    const { ciphertext, file } = encryptAttachment(pdf);
    expect(() => decryptAttachment(ciphertext, { ...file, v: "v1" })).toThrow(/unsupported version/);
    expect(() => decryptAttachment(ciphertext, { ...file, key: { ...file.key, k: "AAAA" } })).toThrow(
      /256 bits/,
    );
    expect(() => decryptAttachment(ciphertext, { ...file, iv: "AAAA" })).toThrow(/128 bits/);
  });

  it("sha256Hex is the hex digest", () => {
    expect(sha256Hex(Buffer.from("abc"))).toBe(
      "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad",
    );
  });
});

describe("neutral names", () => {
  it("room names carry only the reference; anything that could be a name is refused", () => {
    expect(roomName("A1B2-C3")).toBe("Passerelle · T-A1B2-C3");
    for (const bad of ["", "Jean Dupont", "1970-01-01 x", "é", "x".repeat(33)]) {
      expect(() => roomName(bad)).toThrow(expect.objectContaining({ code: "VALIDATION_FAILED" }));
    }
  });
});
