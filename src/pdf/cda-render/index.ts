/**
 * A hospital's CDA R2 document rendered as a readable, signed PDF/A-3b with the original CDA
 * embedded unchanged (ISO 19005-3 associated file).
 */
export { renderCdaPdf } from "./render-cda.ts";
export type { CdaPdfOptions, SignedCdaPdf } from "./render-cda.ts";
