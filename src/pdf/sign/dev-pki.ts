/**
 * A throw-away two-level PKI for development and tests: a self-signed CA and one organisation
 * signing certificate ("cachet") in a passphrase-protected PKCS#12 (RFC 7292). Never for
 * production — a real establishment uses its IGC-Santé organisation certificate (see certs/README.md).
 *
 * Naming (RFC 5280 §4.1.2.6): the signer subject is `C=FR, O=<organisation>, OU=1<FINESS>,
 * CN=<commonName>`, the OU holding the structure's national identifier (`1` + FINESS) as IGC-Santé
 * organisation certificates do; the verifier reads the FINESS back from it. Keys come from `node:crypto` (fast); forge builds the certificates and the PKCS#12.
 * The CA private key is never written anywhere: it only lives for the duration of this call.
 */
import { X509Certificate, generateKeyPairSync, randomBytes } from "node:crypto";
import { mkdir, rename, rm, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import forge from "node-forge";
import { systemClock, type Clock } from "../../core/clock.ts";
import { PasserelleError } from "../../core/errors.ts";

export interface DevPkiOptions {
  readonly outDir: string;
  /** Protects signer.p12 (PBES2/AES-256, readable by OpenSSL 3). */
  readonly passphrase: string;
  /** O= of both certificates, e.g. "CH de Montreuil". */
  readonly organisation: string;
  /** FINESS number (9 characters: 2-digit or 2A/2B department + 7 digits). */
  readonly finess: string;
  /** CN= of the signer; default "<organisation> – cachet Passerelle (DEV)". */
  readonly commonName?: string;
  readonly clock?: Clock;
  /** RSA modulus size of both keys; default 2048 (RSA-3072 signs ~3× slower). */
  readonly keyBits?: 2048 | 3072 | 4096;
  /** Replace existing files instead of failing with CONFLICT. */
  readonly overwrite?: boolean;
}

export interface DevPki {
  readonly caCertPath: string;
  readonly signerP12Path: string;
  readonly signerCertPath: string;
  readonly caCertPem: string;
  readonly signerCertPem: string;
  readonly signerSubject: string;
  readonly notAfter: Date;
}

const DAY = 86_400_000;
const utf8 = (shortName: string, value: string): forge.pki.CertificateField => ({
  shortName,
  value,
  valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class, // @types/node-forge types valueTagClass as Class, but it is a Type
});

function keyPair(bits: number): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey } {
  const { privateKey: pem } = generateKeyPairSync("rsa", {
    modulusLength: bits,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs1", format: "pem" },
  });
  const privateKey = forge.pki.privateKeyFromPem(pem);
  return { privateKey, publicKey: forge.pki.setRsaPublicKey(privateKey.n, privateKey.e) };
}

/** A positive 128-bit serial number in hex (RFC 5280 §4.1.2.2). */
const serial = (): string => "01" + randomBytes(15).toString("hex");

async function writeAtomic(path: string, data: string | Uint8Array, mode: number): Promise<void> {
  const tmp = `${path}.${randomBytes(6).toString("hex")}.tmp`;
  try {
    await writeFile(tmp, data, { mode, flag: "wx" });
    await rename(tmp, path);
  } catch (cause) {
    await rm(tmp, { force: true });
    throw new PasserelleError("IO_ERROR", `cannot write ${path}`, { cause });
  }
}

/** Creates ca.pem, signer.p12 and signer.pem in `outDir` (files written atomically, p12 mode 0600). */
export async function createDevPki(opts: DevPkiOptions): Promise<DevPki> {
  if (opts.passphrase.length === 0) {
    throw new PasserelleError("CONFIG_INVALID", "the passphrase must not be empty");
  }
  if (!/^(\d{2}|2A|2B)\d{7}$/.test(opts.finess)) {
    throw new PasserelleError(
      "CONFIG_INVALID",
      "finess must be 9 characters: department (2 digits, 2A, 2B) + 7 digits",
    );
  }
  if (opts.organisation.trim() === "") {
    throw new PasserelleError("CONFIG_INVALID", "organisation is required");
  }
  const caCertPath = join(opts.outDir, "ca.pem");
  const signerP12Path = join(opts.outDir, "signer.p12");
  const signerCertPath = join(opts.outDir, "signer.pem");
  if (!opts.overwrite) {
    for (const path of [caCertPath, signerP12Path, signerCertPath]) {
      if (
        await stat(path).then(
          () => true,
          () => false,
        )
      ) {
        throw new PasserelleError("CONFLICT", `${path} already exists (pass overwrite to replace it)`);
      }
    }
  }
  const now = (opts.clock ?? systemClock).now().getTime();
  const bits = opts.keyBits ?? 2048;
  const ca = keyPair(bits);
  const signer = keyPair(bits);

  const caCert = forge.pki.createCertificate();
  caCert.publicKey = ca.publicKey;
  caCert.serialNumber = serial();
  caCert.validity.notBefore = new Date(now - DAY);
  caCert.validity.notAfter = new Date(now + 10 * 365 * DAY);
  const caSubject = [
    { shortName: "C", value: "FR" },
    utf8("O", opts.organisation),
    utf8("CN", `Passerelle DEV CA – ${opts.organisation} (NOT FOR PRODUCTION)`),
  ];
  caCert.setSubject(caSubject);
  caCert.setIssuer(caSubject);
  caCert.setExtensions([
    { name: "basicConstraints", cA: true, pathLenConstraint: 0, critical: true },
    { name: "keyUsage", keyCertSign: true, cRLSign: true, critical: true },
    { name: "subjectKeyIdentifier" },
  ]);
  caCert.sign(ca.privateKey, forge.md.sha256.create());

  const signerCert = forge.pki.createCertificate();
  signerCert.publicKey = signer.publicKey;
  signerCert.serialNumber = serial();
  signerCert.validity.notBefore = new Date(now - DAY);
  signerCert.validity.notAfter = new Date(now + 3 * 365 * DAY);
  signerCert.setSubject([
    { shortName: "C", value: "FR" },
    utf8("O", opts.organisation),
    utf8("OU", `1${opts.finess}`),
    utf8("CN", opts.commonName ?? `${opts.organisation} – cachet Passerelle (DEV)`),
  ]);
  signerCert.setIssuer(caSubject);
  signerCert.setExtensions([
    { name: "basicConstraints", cA: false, critical: true },
    { name: "keyUsage", digitalSignature: true, nonRepudiation: true, critical: true },
    // NSS (pdfsig) checks signers for the email-signer usage: emailProtection must be present when an
    // EKU is. 1.3.6.1.5.5.7.3.36 is id-kp-documentSigning (RFC 9336).
    { name: "extKeyUsage", emailProtection: true, "1.3.6.1.5.5.7.3.36": true },
    { name: "subjectKeyIdentifier" },
    { name: "authorityKeyIdentifier", keyIdentifier: caCert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  signerCert.sign(ca.privateKey, forge.md.sha256.create());

  const p12 = forge.pkcs12.toPkcs12Asn1(signer.privateKey, [signerCert, caCert], opts.passphrase, {
    algorithm: "aes256",
    friendlyName: "passerelle-signer",
    generateLocalKeyId: true,
  });
  const caCertPem = forge.pki.certificateToPem(caCert);
  const signerCertPem = forge.pki.certificateToPem(signerCert);

  await mkdir(opts.outDir, { recursive: true, mode: 0o700 });
  await writeAtomic(signerP12Path, Buffer.from(forge.asn1.toDer(p12).getBytes(), "binary"), 0o600);
  await writeAtomic(caCertPath, caCertPem, 0o644);
  await writeAtomic(signerCertPath, signerCertPem, 0o644);
  return {
    caCertPath,
    signerP12Path,
    signerCertPath,
    caCertPem,
    signerCertPem,
    signerSubject: new X509Certificate(signerCertPem).subject.split("\n").reverse().join(", "),
    notAfter: signerCert.validity.notAfter,
  };
}
