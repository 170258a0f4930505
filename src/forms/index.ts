/**
 * Liaison forms: declarative definitions (`liaison-forms/<id>.v<version>.json`), their JSON
 * Schemas and sheet validation.
 *
 * The forms implement the city–hospital liaison letters of the Code de la santé publique:
 * - discharge letter (lettre de liaison à la sortie): art. R1112-1-2 CSP, created by décret
 *   n° 2016-995 du 20 juillet 2016, ANS CI-SIS model LDL-SES (LOINC 11490-0);
 * - admission letter (lettre de liaison à l'entrée): art. R1112-1-1 CSP, ANS CI-SIS model LDL-EES;
 * - tele-expertise request and answer (avenant 9 to the convention médicale, 2022).
 *
 * Errors are {@link PasserelleError}s: `UNKNOWN_FORM`, `VALIDATION_FAILED` (issues with dotted
 * paths such as `data.patient.ins`, stable rules such as `ins.key`, French and English messages
 * that never contain the input), `INVALID_JSON`, `FORM_DEFINITION_INVALID`.
 */
export type {
  Field,
  FieldType,
  FormDefinition,
  FormKind,
  FormRef,
  IdentifierType,
  Localized,
  ScalarField,
  Section,
  SheetInput,
} from "./definition.ts";
export { formRef } from "./definition.ts";

/** Identifier checks (RPPS, ADELI, FINESS, INS-NIR, SIRET) and check-key computation. */
export {
  checkIdentifier,
  computeCheckKey,
  withCheckKey,
  type IdentifierCheck,
  type IdentifierFailure,
} from "./identifiers.ts";

/** Loading and resolving form definitions (`"discharge@1"`, or `"discharge"` for the latest). */
export { DEFAULT_FORMS_DIR, createFormRegistry, loadFormRegistry } from "./registry.ts";
export type { DefinitionSource, FormRegistry } from "./registry.ts";

/** JSON Schema of a sheet for a form (served by the HTTP API). */
export { formJsonSchema, type JsonSchema } from "./schema.ts";

/** Sheet validation, per décret 2016-995 / R1112-1-2 CSP and the ANS LDL-SES/LDL-EES models. */
export { parseSheetJson, sheetIssues, validateSheet } from "./validate.ts";
export type { SheetData, ValidatedSheet } from "./validate.ts";
export { issuesFromAjv } from "./issues.ts";
/** The sheet vocabulary (formats, `x-identifier`) for another ajv instance; identifiers as JSON Schema. */
export { addSheetVocabulary, isIsoDate, isIsoDateTime } from "./ajv.ts";
export { IDENTIFIER_EXAMPLES, IDENTIFIER_PATTERNS, identifierSchema } from "./identifier-schema.ts";
