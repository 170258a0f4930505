import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import path from "node:path";
import type { SignerConfig } from "../config/index.ts";
import type { Signer } from "../pdf/index.ts";
import { P12Signer, createDevPki } from "../pdf/index.ts";
import { DEMO_HOSPITAL } from "./cpts.ts";
import { fileSecret } from "./secrets.ts";

export interface LoadedSigner {
  readonly signer: Signer;
  readonly name: string;
  /** PEM of the CA to verify the service's sheets with (the dev CA in dev mode). */
  readonly caPem?: string;
}

/**
 * The establishment's signer: its PKCS#12 (`PASSERELLE_SIGNER_P12`), or in dev mode a development
 * PKI made once in `<data>/pki` with a random passphrase kept beside it (0600).
 */
export async function loadSigner(config: SignerConfig, dataDir: string): Promise<LoadedSigner> {
  if (config.mode === "p12") {
    const signer = await P12Signer.fromFile(config.p12Path, config.passphrase);
    return { signer, name: commonName(signer) };
  }
  const dir = path.join(dataDir, "pki");
  const passphrase = await fileSecret(path.join(dir, "passphrase"));
  if (!existsSync(path.join(dir, "signer.p12"))) {
    await createDevPki({
      outDir: dir,
      passphrase,
      organisation: DEMO_HOSPITAL.name,
      finess: DEMO_HOSPITAL.finess,
    });
  }
  const signer = await P12Signer.fromFile(path.join(dir, "signer.p12"), passphrase);
  return { signer, name: commonName(signer), caPem: await readFile(path.join(dir, "ca.pem"), "utf8") };
}

function commonName(s: P12Signer): string {
  return (
    s.certificate.subject
      .split("\n")
      .find((l) => l.startsWith("CN="))
      ?.slice(3) ?? ""
  );
}
