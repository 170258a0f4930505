/**
 * The EU DSS validator (ETSI EN 319 102-1 validation, DSS default policy, offline) on a hospital
 * PDF signed by the hospital and then sealed by Passerelle: both signatures are found as
 * PAdES-BASELINE-B, intact and cryptographically valid; the only failures DSS reports are the
 * missing revocation data of the dev certificates (a B-B signature carries none). Skipped when
 * the DSS jars are absent: `scripts/validators-fetch.sh` brings them (java and mvn needed).
 */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealPdf } from "../../../src/pdf/seal/index.ts";
import { signPdf } from "../../../src/pdf/sign/sign.ts";
import { P12Signer } from "../../../src/pdf/sign/signer.ts";
import { makePki, PASSPHRASE, renderSample, type TestPki } from "../../unit/pdf/sign-fixtures.ts";

const run = promisify(execFile);
const LIB = resolve(".cache/dss/lib");
const available = existsSync(join(LIB, "dss-validation-6.2.jar"));

interface DssSignature {
  readonly format: string;
  readonly indication: string;
  readonly signedBy: string;
  readonly intact: boolean;
  readonly cryptoValid: boolean;
  readonly errors: string;
}

async function dss(pdfPath: string, cas: readonly string[]): Promise<DssSignature[]> {
  const { stdout } = await run(
    "java",
    ["-cp", `${LIB}/*`, resolve("test/dss/DssValidate.java"), pdfPath, ...cas],
    { maxBuffer: 16 * 1024 * 1024, timeout: 120_000 },
  );
  return stdout
    .split("\n")
    .filter((l) => l.startsWith("signature "))
    .map((l) => {
      const field = (k: string): string => new RegExp(`${k}=(.*?)(?= \\w+=|$)`).exec(l)?.[1] ?? "";
      return {
        format: field("format"),
        indication: field("indication"),
        signedBy: field("signedBy"),
        intact: field("intact") === "true",
        cryptoValid: field("cryptoValid") === "true",
        errors: field("errors"),
      };
    });
}

let dir: string;
let passerelle: TestPki;
let hospital: TestPki;
let sealedPath: string;
let tamperedPath: string;

beforeAll(async () => {
  if (!available) return;
  dir = await mkdtemp(join(tmpdir(), "passerelle-dss-"));
  passerelle = await makePki({ organisation: "CPTS Passerelle" });
  hospital = await makePki({ organisation: "CH Hôpital émetteur" });
  const hospitalSigned = await signPdf(
    await renderSample(),
    await P12Signer.fromFile(hospital.signerP12Path, PASSPHRASE),
  );
  const sealed = await sealPdf(
    hospitalSigned,
    await P12Signer.fromFile(passerelle.signerP12Path, PASSPHRASE),
    {
      signingTime: new Date(Date.now() - 60_000),
      name: "Passerelle",
    },
  );
  sealedPath = join(dir, "sealed.pdf");
  await writeFile(sealedPath, sealed);
  const tampered = Buffer.from(sealed);
  tampered[200] = (tampered[200] ?? 0) ^ 0x01;
  tamperedPath = join(dir, "tampered.pdf");
  await writeFile(tamperedPath, tampered);
});
afterAll(async () => {
  if (!available) return;
  await rm(dir, { recursive: true, force: true });
  await passerelle.cleanup();
  await hospital.cleanup();
});

describe.skipIf(!available)("EU DSS validator on a sealed hospital PDF", () => {
  it("reports the hospital's and Passerelle's signatures, PAdES-BASELINE-B, intact and valid", async () => {
    const sigs = await dss(sealedPath, [passerelle.caCertPath, hospital.caCertPath]);
    expect(sigs).toHaveLength(2);
    expect(sigs.map((s) => s.signedBy)).toEqual([
      expect.stringContaining("CH Hôpital émetteur"),
      expect.stringContaining("CPTS Passerelle"),
    ]);
    for (const s of sigs) {
      expect(s.format).toBe("PAdES-BASELINE-B");
      expect(s.intact).toBe(true);
      expect(s.cryptoValid).toBe(true);
      // Dev certificates have no CRL/OCSP: DSS's default policy then stops at INDETERMINATE.
      expect(["TOTAL_PASSED", "INDETERMINATE"]).toContain(s.indication);
      expect(
        s.errors.replace(
          /The certificate validation is not conclusive!|No revocation data found for the certificate!|[[\], ]/g,
          "",
        ),
      ).toBe("");
    }
  }, 180_000);

  it("a flipped byte of the original: DSS finds both signatures no longer intact", async () => {
    const sigs = await dss(tamperedPath, [passerelle.caCertPath, hospital.caCertPath]);
    expect(sigs).toHaveLength(2);
    expect(sigs.map((s) => s.intact)).toEqual([false, false]);
  }, 180_000);
});
