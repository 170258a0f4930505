/**
 * Cross-checks our PAdES signatures with independent implementations: poppler's pdfsig (NSS),
 * OpenSSL's CMS verifier and qpdf's structural check; and PKCS#12 interoperability with OpenSSL 3.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import PDFDocument from "pdfkit";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createDevPki, type DevPki } from "../../../src/pdf/sign/dev-pki.ts";
import { addSignaturePlaceholder } from "../../../src/pdf/sign/placeholder.ts";
import { signPdf } from "../../../src/pdf/sign/sign.ts";
import { P12Signer } from "../../../src/pdf/sign/signer.ts";
import { extractSignature, verifyPdf } from "../../../src/pdf/verify/verify.ts";
import { collectPdf } from "../../../src/pdf/render/index.ts";

const run = promisify(execFile);
const PASSPHRASE = "integration-passphrase";

/** Runs a tool and returns stdout+stderr and the exit status (never throws on a non-zero status). */
async function tool(cmd: string, args: readonly string[]): Promise<{ out: string; status: number }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
    return { out: stdout + stderr, status: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return {
      out: `${err.stdout ?? ""}${err.stderr ?? ""}`,
      status: typeof err.code === "number" ? err.code : 1,
    };
  }
}

async function render(): Promise<Buffer> {
  const doc = new PDFDocument({ pdfVersion: "1.7", info: { Title: "Fiche de liaison (test)" } });
  const bytes = collectPdf(doc);
  doc.fontSize(16).text("Fiche de liaison — test d'intégration");
  doc.fontSize(10).text("Document de test, sans donnée patient. ".repeat(40));
  doc.file(Buffer.from(JSON.stringify({ form: "test", ok: true })), {
    name: "fiche.json",
    type: "application/json",
  });
  addSignaturePlaceholder(doc, { signingTime: new Date(), reason: "Test d'intégration", name: "Passerelle" });
  doc.end();
  return bytes;
}

let dir: string;
let pki: DevPki;
let signedPath: string;
let tamperedPath: string;
let nssDir: string;
let signed: Buffer;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "passerelle-sig-it-"));
  pki = await createDevPki({
    outDir: join(dir, "pki"),
    passphrase: PASSPHRASE,
    organisation: "CH Intégration",
    finess: "750712184",
  });
  signed = await signPdf(await render(), await P12Signer.fromFile(pki.signerP12Path, PASSPHRASE));
  signedPath = join(dir, "signed.pdf");
  await writeFile(signedPath, signed);
  const [, len1 = 0] = extractSignature(signed).byteRange;
  const tampered = Buffer.from(signed);
  const pos = Math.floor(len1 / 2);
  tampered[pos] = (tampered[pos] ?? 0) ^ 0x01;
  tamperedPath = join(dir, "tampered.pdf");
  await writeFile(tamperedPath, tampered);

  nssDir = join(dir, "nss");
  await mkdir(nssDir);
  for (const args of [
    ["-N", "-d", `sql:${nssDir}`, "--empty-password"],
    ["-A", "-d", `sql:${nssDir}`, "-n", "passerelle-dev-ca", "-t", "C,C,C", "-i", pki.caCertPath],
  ]) {
    const r = await tool("certutil", args);
    if (r.status !== 0) throw new Error(`certutil ${args[0] ?? ""} failed: ${r.out}`);
  }
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe("PAdES signature checked by external tools", () => {
  it("pdfsig: valid, whole document, ETSI.CAdES.detached", async () => {
    const { out } = await tool("pdfsig", [signedPath]);
    expect(out).toContain("Signature is Valid");
    expect(out).toContain("Total document signed");
    expect(out).toContain("ETSI.CAdES.detached");
    expect(out).toContain("CH Intégration");
  });

  it("pdfsig with the dev CA in a fresh NSS database: certificate is trusted", async () => {
    const { out } = await tool("pdfsig", ["-nssdir", `sql:${nssDir}`, signedPath]);
    expect(out).toContain("Signature is Valid");
    expect(out).toContain("Certificate is Trusted");
  });

  it("openssl cms -verify accepts the extracted signature over the signed bytes", async () => {
    const { byteRange, cmsDer } = extractSignature(signed);
    const [a = 0, b = 0, c = 0, d = 0] = byteRange;
    const sigPath = join(dir, "sig.der");
    const contentPath = join(dir, "signed-bytes.bin");
    await writeFile(sigPath, cmsDer);
    await writeFile(contentPath, Buffer.concat([signed.subarray(a, a + b), signed.subarray(c, c + d)]));
    const args = ["cms", "-verify", "-binary", "-inform", "DER", "-in", sigPath, "-content", contentPath];
    const r = await tool("openssl", [
      ...args,
      "-CAfile",
      pki.caCertPath,
      "-purpose",
      "any",
      "-out",
      "/dev/null",
    ]);
    expect(r.out).toContain("Verification successful");
    expect(r.status).toBe(0);
    const printed = await tool("openssl", ["cms", "-cmsout", "-print", "-inform", "DER", "-in", sigPath]);
    expect(printed.out).toContain("signingCertificateV2");
    expect(printed.out).not.toContain("signingTime");
  });

  it("qpdf --check finds no errors", async () => {
    const r = await tool("qpdf", ["--check", signedPath]);
    expect(r.status).toBe(0);
    expect(r.out).toContain("No syntax or stream encoding errors");
  });

  it("a flipped byte in the signed range is reported invalid by pdfsig and by verifyPdf", async () => {
    const { out } = await tool("pdfsig", ["-nssdir", `sql:${nssDir}`, tamperedPath]);
    expect(out).not.toContain("Signature is Valid");
    expect(out).toMatch(/Digest Mismatch|Signature is Invalid/);
    const report = await verifyPdf(await readFile(tamperedPath), { trustedCas: [pki.caCertPem] });
    expect(report.valid).toBe(false);
    expect(report.issues.map((i) => i.code)).toContain("digest-mismatch");
    expect((await verifyPdf(signed, { trustedCas: [pki.caCertPem] })).valid).toBe(true);
  });
});

describe("PKCS#12 interoperability with OpenSSL 3", () => {
  it("openssl reads the dev signer.p12", async () => {
    const r = await tool("openssl", [
      "pkcs12",
      "-in",
      pki.signerP12Path,
      "-passin",
      `pass:${PASSPHRASE}`,
      "-nokeys",
    ]);
    expect(r.status).toBe(0);
    expect(r.out).toContain("OU = 1750712184");
  });

  it("P12Signer loads a keystore exported by openssl (AES-256/PBKDF2/SHA-256 MAC) and its signatures verify", async () => {
    const keyPath = join(dir, "k.pem");
    const certPath = join(dir, "c.pem");
    const p12Path = join(dir, "openssl.p12");
    let r = await tool("openssl", [
      "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", keyPath, "-out", certPath,
      "-days", "2", "-subj", "/C=FR/O=Openssl Test/CN=openssl signer",
    ]); // prettier-ignore
    expect(r.status).toBe(0);
    r = await tool("openssl", [
      "pkcs12", "-export", "-inkey", keyPath, "-in", certPath, "-out", p12Path, "-passout", `pass:${PASSPHRASE}`,
    ]); // prettier-ignore
    expect(r.status).toBe(0);
    await rm(keyPath);
    const signer = await P12Signer.fromFile(p12Path, PASSPHRASE);
    await expect(P12Signer.fromFile(p12Path, "wrong")).rejects.toMatchObject({ code: "BAD_PASSPHRASE" });
    const pdf = await signPdf(await render(), signer);
    const report = await verifyPdf(pdf, { trustedCas: [await readFile(certPath, "utf8")] });
    expect(report.signatureValid).toBe(true);
    expect(report.signer?.commonName).toBe("openssl signer");
    const path = join(dir, "openssl-signed.pdf");
    await writeFile(path, pdf);
    expect((await tool("pdfsig", [path])).out).toContain("Signature is Valid");
  });
});
