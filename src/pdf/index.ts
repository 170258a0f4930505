/**
 * PDF liaison sheets: rendering (pdfkit, PDF/A-3b with the structured data and the CDA R2 document
 * as associated files),
 * PAdES B-B signing (ETSI EN 319 142-1; CMS per RFC 5652 with signing-certificate-v2, RFC 5035)
 * and verification.
 */
export { renderSheet, EMBEDDED_DATA_NAME } from "./render.ts";
export type { RenderOptions, EmbeddedSheetData, AssociatedFile } from "./render.ts";
export { produceSignedSheet, embedsCda, EMBEDDED_CDA_NAME } from "./sheet.ts";
export type { SignedSheet, ProduceOptions } from "./sheet.ts";
export { addSignaturePlaceholder } from "./placeholder.ts";
export { signPdf } from "./sign.ts";
export { P12Signer } from "./signer.ts";
export type { Signer } from "./signer.ts";
export { loadP12Signer } from "./load-signer.ts";
export type { LoadedSigner } from "./load-signer.ts";
export { verifyPdf, verifyPdfSignatures, extractEmbeddedFiles, extractSignature } from "./verify.ts";
export type { VerificationReport, VerifyIssue, SignerIdentity, EmbeddedFile } from "./verify.ts";
export { createDevPki } from "./dev-pki.ts";
export type { DevPki, DevPkiOptions } from "./dev-pki.ts";
export { sealPdf } from "./seal/index.ts";
export type { SealOptions } from "./seal/index.ts";
export { renderCdaPdf } from "./cda-render/index.ts";
export type { CdaPdfOptions, SignedCdaPdf } from "./cda-render/index.ts";
