/**
 * The documented CLI contract, run as a user would (the bin/passerelle wrapper in a subprocess),
 * checked by external verifiers: poppler's pdfsig (with the dev CA in an NSS database), openssl, qpdf.
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extractSignature } from "../../../src/pdf/verify/verify-locate.ts";
import { examplePath } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";

const BIN = path.resolve(import.meta.dirname, "../../../bin/passerelle");
let dir: string;
let cleanup: () => Promise<void>;

function sh(
  cmd: string,
  args: readonly string[],
  env: Record<string, string> = {},
): { out: string; code: number } {
  const r = spawnSync(cmd, args, {
    cwd: dir,
    encoding: "utf8",
    env: { ...process.env, ...env },
    timeout: 60_000,
  });
  return { out: `${r.stdout}${r.stderr}`, code: r.status ?? -1 };
}
const passerelle = (...args: string[]) => sh(BIN, args, { PASSERELLE_SIGNER_PASSPHRASE: "s3cret-dev" });

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  const init = passerelle("certs", "init", "--out", "pki");
  expect(init.code, init.out).toBe(0);
  const signed = passerelle(
    "sheet",
    "sign",
    examplePath("discharge"),
    "--out",
    "discharge.pdf",
    "--p12",
    "pki/signer.p12",
  );
  expect(signed.code, signed.out).toBe(0);
  mkdirSync(path.join(dir, "nss"));
  expect(sh("certutil", ["-N", "-d", "sql:nss", "--empty-password"]).code).toBe(0);
  expect(
    sh("certutil", ["-A", "-d", "sql:nss", "-n", "passerelle-dev-ca", "-t", "C,C,C", "-i", "pki/ca.pem"])
      .code,
  ).toBe(0);
});
afterAll(async () => cleanup());

describe("bin/passerelle certs init / sheet sign / sheet verify", () => {
  it("writes ca.pem and a passphrase-protected signer.p12 that openssl reads", () => {
    expect(sh("openssl", ["x509", "-in", "pki/ca.pem", "-noout", "-subject"]).code).toBe(0);
    expect(
      sh("openssl", ["pkcs12", "-in", "pki/signer.p12", "-passin", "pass:wrong", "-nokeys"]).code,
    ).not.toBe(0);
    const ok = sh("openssl", ["pkcs12", "-in", "pki/signer.p12", "-passin", "pass:s3cret-dev", "-nokeys"]);
    expect(ok.code, ok.out).toBe(0);
    expect(ok.out).toMatch(/OU ?= ?1699990016/);
  });

  it("produces a sheet pdfsig accepts as a valid, whole-document, trusted ETSI.CAdES.detached signature", () => {
    const r = sh("pdfsig", ["-nssdir", "sql:nss", "discharge.pdf"]);
    expect(r.out).toContain("Signature Type: ETSI.CAdES.detached");
    expect(r.out).toContain("Total document signed");
    expect(r.out).toContain("Signature Validation: Signature is Valid.");
    expect(r.out).toContain("Certificate Validation: Certificate is Trusted.");
  });

  it("produces a CMS signature openssl verifies against the CA over the signed byte ranges", () => {
    const pdf = readFileSync(path.join(dir, "discharge.pdf"));
    const { byteRange, cmsDer } = extractSignature(pdf);
    const [a, b, c, d] = byteRange as [number, number, number, number];
    writeFileSync(path.join(dir, "sig.der"), cmsDer);
    writeFileSync(
      path.join(dir, "content.bin"),
      Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]),
    );
    const r = sh("openssl", [
      "cms",
      "-verify",
      "-binary",
      "-inform",
      "DER",
      "-in",
      "sig.der",
      "-content",
      "content.bin",
      "-CAfile",
      "pki/ca.pem",
      "-purpose",
      "any",
      "-out",
      "/dev/null",
    ]);
    expect(r.out).toContain("Verification successful");
    expect(r.code).toBe(0);
  });

  it("passes qpdf --check and our own verify (exit 0)", () => {
    expect(sh("qpdf", ["--check", "discharge.pdf"]).code).toBe(0);
    const r = passerelle("sheet", "verify", "discharge.pdf", "--ca", "pki/ca.pem");
    expect(r.code, r.out).toBe(0);
    expect(r.out).toContain("VERDICT: VALID");
    expect(r.out).toContain('"form": "discharge@1"');
  });

  it("is caught by both pdfsig and our verifier when one signed byte changes", () => {
    const pdf = readFileSync(path.join(dir, "discharge.pdf"));
    const { byteRange } = extractSignature(pdf);
    const tampered = Buffer.from(pdf);
    const at = (byteRange[2] ?? 0) + 1000; // inside the second signed range
    tampered[at] = tampered[at]! ^ 0x01;
    writeFileSync(path.join(dir, "tampered.pdf"), tampered);
    const ours = passerelle("sheet", "verify", "tampered.pdf", "--ca", "pki/ca.pem");
    expect(ours.code).toBe(1);
    expect(ours.out).toContain("VERDICT: INVALID");
    const theirs = sh("pdfsig", ["-nssdir", "sql:nss", "tampered.pdf"]);
    expect(theirs.out).not.toContain("Signature is Valid");
  });
});
