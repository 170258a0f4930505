/**
 * PAdES baseline B-B signing (ETSI EN 319 142-1, SubFilter ETSI.CAdES.detached): the signature
 * placeholder (ISO 32000-1 §12.8), the detached CMS SignedData (RFC 5652 §5) with exactly the
 * content-type, message-digest and signing-certificate-v2 (RFC 5035) signed attributes, written
 * with a small DER writer (ITU-T X.690); the `Signer` seam and its PKCS#12 implementation
 * (RFC 7292); a throw-away development PKI. Certificates are read with the verifier's reader
 * (`verify/`), so the SignerInfo names its certificate byte for byte as a verifier reads it.
 */
export { createDevPki } from "./dev-pki.ts";
export { loadP12Signer } from "./load-signer.ts";
export type { LoadedSigner } from "./load-signer.ts";
export {
  BYTE_RANGE_MARKER,
  DEFAULT_SIGNATURE_LENGTH,
  addSignaturePlaceholder,
  placeholderLength,
} from "./placeholder.ts";
export type { SignaturePlaceholderOptions } from "./placeholder.ts";
export { signPdf } from "./sign.ts";
export { P12Signer } from "./signer.ts";
export type { Signer } from "./signer.ts";
