/**
 * Client-side validation: the form's JSON Schema, as served by `GET /api/v1/forms/{form}`,
 * compiled by the same ajv set-up as the server (`src/forms/ajv.ts`), with the same French messages
 * (`src/forms/issues.ts`). The server validates again; its errors are shown the same way.
 */
import type { ValidateFunction } from "ajv";
import type { FormDefinition } from "../../forms/browser.ts";
import { createAjv, fieldLabels, issuesFromAjv } from "../../forms/browser.ts";
import type { IssueLike } from "./form-build.ts";

export type SheetCheck = (sheet: { form: string; data: unknown }) => IssueLike[];

/** A checker for one form; if the schema cannot be compiled, the server alone validates. */
export function sheetChecker(def: FormDefinition, schema: Record<string, unknown>): SheetCheck {
  let validate: ValidateFunction;
  try {
    validate = createAjv().compile(schema);
  } catch {
    return () => [];
  }
  const labels = fieldLabels(def);
  return (sheet) =>
    validate(sheet)
      ? []
      : issuesFromAjv(validate.errors ?? [], labels).map((i) => ({ path: i.path, message: i.message.fr }));
}
