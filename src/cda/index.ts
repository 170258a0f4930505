/**
 * CDA R2 documents of the ANS CI-SIS content models: the writer (LDL-SES, LDL-EES, TLM-DA, TLM-CR
 * from a validated sheet) and the conformance check against the ANS kit.
 */
export { hasCdaModel, sheetToCda } from "./write.ts";
export type { CdaDocument, CdaOptions, CdaVolet } from "./write.ts";
export { checkCdaFiles, conforms, findKit, voletOf } from "./check/index.ts";
export type { CdaCheckReport, SchematronAssert } from "./check/index.ts";
