/**
 * The browser-safe part of the forms module (no Node import), for the web app's bundle: the same
 * ajv set-up, schema labels and issue messages as the server, so a sheet the browser accepts is
 * one the server accepts, with the same French messages.
 */
export { createAjv, isIsoDate, isIsoDateTime } from "./ajv.ts";
export type { Field, FormDefinition, Localized, ScalarField, Section } from "./definition.ts";
export { issuesFromAjv } from "./issues.ts";
export { fieldLabels } from "./schema.ts";
