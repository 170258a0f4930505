import { readFile } from "node:fs/promises";
import { existsSync } from "node:fs";
import type { DataPaths } from "../config/index.ts";
import type { LoadedSigner } from "../pdf/index.ts";
import { createDevPki, loadP12Signer } from "../pdf/index.ts";
import { DEMO_HOSPITAL } from "./cpts.ts";
import { fileSecret } from "./secrets.ts";

/**
 * The dev-mode signer (no `PASSERELLE_SIGNER_P12`): a development PKI for the demo hospital, made
 * once in `<data>/pki` with a random passphrase kept beside it (0600), and its CA to verify with.
 */
export async function devSigner(pki: DataPaths["pki"]): Promise<LoadedSigner> {
  const passphrase = await fileSecret(pki.passphrase);
  if (!existsSync(pki.signerP12)) {
    await createDevPki({
      outDir: pki.dir,
      passphrase,
      organisation: DEMO_HOSPITAL.name,
      finess: DEMO_HOSPITAL.finess,
    });
  }
  const loaded = await loadP12Signer(pki.signerP12, passphrase);
  return { ...loaded, caPem: await readFile(pki.caPem, "utf8") };
}
