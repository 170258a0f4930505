/**
 * PDF liaison sheets: rendering (pdfkit, PDF/A-3b with the structured data and the CDA R2 document
 * as associated files), PAdES B-B signing (ETSI EN 319 142-1; CMS per RFC 5652 with
 * signing-certificate-v2, RFC 5035) and verification. Folders: `render/`, `sign/`, `verify/`,
 * `sheet/` (the pipeline that renders and signs a validated sheet).
 */
export { renderCdaPdf } from "./cda-render/index.ts";
export { SheetPool } from "./pool/index.ts";
export { EMBEDDED_DATA_NAME, renderSheet } from "./render/index.ts";
export { sealPdf } from "./seal/index.ts";
export { EMBEDDED_CDA_NAME, embedsCda, produceSignedSheet } from "./sheet/index.ts";
export type { SignedSheet } from "./sheet/index.ts";
export { P12Signer, createDevPki, loadP12Signer } from "./sign/index.ts";
export type { LoadedSigner, Signer } from "./sign/index.ts";
export { extractEmbeddedFiles, verifyPdf } from "./verify/index.ts";
export type { VerificationReport } from "./verify/index.ts";
