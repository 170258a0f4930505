import { createHash, verify, X509Certificate } from "node:crypto";
import { readFile, stat } from "node:fs/promises";
import forge from "node-forge";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevPki } from "../../../../src/pdf/sign/dev-pki.ts";
import { P12Signer } from "../../../../src/pdf/sign/signer.ts";
import { PASSPHRASE, makePki, type TestPki } from "../sign-fixtures.ts";

let pki: TestPki;
beforeAll(async () => {
  pki = await makePki();
});
afterAll(() => pki.cleanup());

describe("P12Signer", () => {
  it("loads the key and orders the chain signer first", async () => {
    const signer = await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE);
    expect(signer.certificateChain).toHaveLength(2);
    const [leaf, ca] = signer.certificateChain.map((der) => new X509Certificate(der));
    expect(leaf!.subject).toContain("OU=1420784878");
    expect(leaf!.checkIssued(ca!)).toBe(true);
    expect(signer.certificate.fingerprint256).toBe(leaf!.fingerprint256);
  });

  it("signs with RSA PKCS#1 v1.5 / SHA-256, any number of times", async () => {
    const signer = await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE);
    for (let i = 0; i < 20; i++) {
      const data = Buffer.from(`attributes ${String(i)}`);
      const sig = await signer.sign(data);
      expect(verify("sha256", data, signer.certificate.publicKey, sig)).toBe(true);
    }
  });

  it("rejects a wrong passphrase with BAD_PASSPHRASE", async () => {
    await expect(P12Signer.fromFile(pki.signerP12Path, "wrong")).rejects.toMatchObject({
      code: "BAD_PASSPHRASE",
    });
  });

  it("rejects what is not a PKCS#12 keystore with BAD_KEYSTORE", async () => {
    expect(() => P12Signer.fromBuffer(Buffer.from("not a keystore"), PASSPHRASE)).toThrow(
      expect.objectContaining({ code: "BAD_KEYSTORE" }),
    );
    const pem = await readFile(pki.caCertPath);
    expect(() => P12Signer.fromBuffer(pem, PASSPHRASE)).toThrow(
      expect.objectContaining({ code: "BAD_KEYSTORE" }),
    );
  });

  it("rejects a keystore without a private key with BAD_KEYSTORE", () => {
    const cert = forge.pki.certificateFromPem(pki.signerCertPem);
    const p12 = forge.pkcs12.toPkcs12Asn1(null, [cert], PASSPHRASE, { algorithm: "aes256" });
    const der = Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary");
    expect(() => P12Signer.fromBuffer(der, PASSPHRASE)).toThrow(
      expect.objectContaining({ code: "BAD_KEYSTORE", message: "the keystore holds no private key" }),
    );
  });

  it("reports IO_ERROR for a missing file", async () => {
    await expect(P12Signer.fromFile(`${pki.dir}/absent.p12`, PASSPHRASE)).rejects.toMatchObject({
      code: "IO_ERROR",
    });
  });
});

describe("createDevPki", () => {
  it("writes a CA, a protected PKCS#12 (0600) and the signer certificate", async () => {
    expect((await stat(pki.signerP12Path)).mode & 0o777).toBe(0o600);
    const ca = new X509Certificate(pki.caPem);
    const leaf = new X509Certificate(pki.signerCertPem);
    expect(ca.ca).toBe(true);
    expect(leaf.ca).toBe(false);
    expect(leaf.verify(ca.publicKey)).toBe(true);
    expect(leaf.keyUsage).toContain("1.3.6.1.5.5.7.3.4"); // emailProtection, needed by NSS/pdfsig
    expect(leaf.subject.split("\n")).toEqual([
      "C=FR",
      "O=Centre hospitalier de Test-Étienne",
      "OU=1420784878",
      "CN=Centre hospitalier de Test-Étienne – cachet Passerelle (DEV)",
    ]);
    const p12 = await readFile(pki.signerP12Path);
    expect(p12.includes(Buffer.from("PRIVATE KEY"))).toBe(false);
    expect(createHash("sha256").update(leaf.raw).digest("hex")).toHaveLength(64);
  });

  it("refuses to overwrite existing files unless asked", async () => {
    const base = { outDir: pki.dir, passphrase: PASSPHRASE, organisation: "X", finess: "420784878" } as const;
    await expect(createDevPki(base)).rejects.toMatchObject({ code: "CONFLICT" });
    await expect(createDevPki({ ...base, finess: "12345" })).rejects.toMatchObject({
      code: "CONFIG_INVALID",
    });
    await expect(createDevPki({ ...base, passphrase: "" })).rejects.toMatchObject({ code: "CONFIG_INVALID" });
  });
});
