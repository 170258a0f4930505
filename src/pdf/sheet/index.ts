/**
 * The signed-sheet pipeline behind `sheet sign`, the transfers and the benchmarks: renders a
 * validated sheet, embeds its CI-SIS CDA R2 document as a PDF/A-3 associated file (relationship
 * Alternative, ISO 19005-3 Annex E) for the structured models (LDL-SES, LDL-EES, TLM-DA), then
 * signs it PAdES B-B (ETSI EN 319 142-1).
 */
export { EMBEDDED_CDA_NAME, embedsCda, produceSignedSheet } from "./sheet.ts";
export type { ProduceOptions, SignedSheet } from "./sheet.ts";
