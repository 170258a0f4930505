/** Conformance of CDA documents to the ANS CI-SIS kit (schema + schematrons on Saxon-HE). */
export { checkCdaFiles, conforms } from "./check.ts";
export type { CdaCheckReport, SchematronAssert } from "./check.ts";
export { findKit, schematronsFor, voletOf, VOLETS, REPO_ROOT } from "./kit.ts";
export type { Volet } from "./kit.ts";
