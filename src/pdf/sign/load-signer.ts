/**
 * The establishment's signer from its PKCS#12 file (RFC 7292): the key and certificate that sign
 * every sheet (PAdES B-B), with the certificate's common name for display.
 */
import { P12Signer } from "./signer.ts";
import type { Signer } from "./signer.ts";

export interface LoadedSigner {
  readonly signer: Signer;
  /** The signing certificate's common name. */
  readonly name: string;
  /** PEM of the CA to verify the service's sheets with (the dev CA in dev mode). */
  readonly caPem?: string;
}

/** Opens a PKCS#12 file with its passphrase. */
export async function loadP12Signer(p12Path: string, passphrase: string): Promise<LoadedSigner> {
  const signer = await P12Signer.fromFile(p12Path, passphrase);
  return { signer, name: commonName(signer) };
}

function commonName(s: P12Signer): string {
  return (
    s.certificate.subject
      .split("\n")
      .find((l) => l.startsWith("CN="))
      ?.slice(3) ?? ""
  );
}
