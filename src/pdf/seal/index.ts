/**
 * Sealing a PDF Passerelle did not produce (a hospital's own document) with Passerelle's PAdES B-B
 * signature, as an incremental update that leaves the original bytes untouched (ISO 32000-1 §7.5.6).
 */
export { sealPdf, addSealPlaceholder } from "./seal.ts";
export type { SealOptions } from "./seal.ts";
