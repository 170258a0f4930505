/**
 * Sheet validation: the form's JSON Schema compiled by ajv (all errors, no coercion, closed
 * objects), identifier check keys through the `x-identifier` keyword, errors as a
 * `VALIDATION_FAILED` {@link PasserelleError} whose issues never quote the input.
 */
import type { Ajv, ValidateFunction } from "ajv";
import { createAjv } from "./ajv.ts";
import type { FieldIssue } from "../core/errors.ts";
import { fieldError, PasserelleError } from "../core/errors.ts";
import type { FormDefinition, FormRef, Localized } from "./definition.ts";
import { formRef } from "./definition.ts";
import { issuesFromAjv } from "./issues.ts";
import { jsonSyntaxError } from "./json-syntax.ts";
import type { FormRegistry } from "./registry.ts";
import { deepFreeze } from "./registry.ts";
import { fieldLabels, formJsonSchema } from "./schema.ts";

/** Sheet data once validated: sections keyed by id, deeply frozen. */
export type SheetData = Readonly<Record<string, Readonly<Record<string, unknown>>>>;

export interface ValidatedSheet {
  readonly form: FormDefinition;
  readonly ref: FormRef;
  readonly data: SheetData;
}

let sharedAjv: Ajv | undefined;
const compiled = new WeakMap<
  FormDefinition,
  { validate: ValidateFunction; labels: ReadonlyMap<string, Localized> }
>();

function compiledFor(def: FormDefinition): {
  validate: ValidateFunction;
  labels: ReadonlyMap<string, Localized>;
} {
  let c = compiled.get(def);
  if (c === undefined) {
    sharedAjv ??= createAjv();
    c = { validate: sharedAjv.compile(formJsonSchema(def)), labels: fieldLabels(def) };
    compiled.set(def, c);
  }
  return c;
}

/** Issues of a sheet `{ form, data }` against `def` (empty when valid). Validators are cached per definition. */
export function sheetIssues(def: FormDefinition, sheet: unknown): FieldIssue[] {
  const { validate, labels } = compiledFor(def);
  return validate(sheet) ? [] : issuesFromAjv(validate.errors ?? [], labels);
}

function failed(issues: readonly FieldIssue[]): PasserelleError {
  const paths = [...new Set(issues.map((i) => i.path || "(root)"))];
  const shown = paths.slice(0, 5).join(", ") + (paths.length > 5 ? ", …" : "");
  return new PasserelleError("VALIDATION_FAILED", `sheet is invalid: ${issues.length} issue(s) at ${shown}`, {
    issues,
  });
}

const isRecord = (v: unknown): v is Record<string, unknown> =>
  typeof v === "object" && v !== null && !Array.isArray(v);

/**
 * Validates a sheet `{ form: "discharge@1", data: { <section>: { <field>: value } } }`: resolves
 * its form in `registry` (`UNKNOWN_FORM`), checks it (`VALIDATION_FAILED` with issues) and returns
 * a deeply frozen copy of its data.
 */
export function validateSheet(input: unknown, registry: FormRegistry): ValidatedSheet {
  if (!isRecord(input)) {
    throw failed([
      {
        path: "",
        rule: "type",
        message: { fr: "une fiche doit être un objet JSON", en: "a sheet must be a JSON object" },
      },
    ]);
  }
  if (typeof input.form !== "string") {
    const rule = input.form === undefined ? "required" : "type";
    throw failed([
      {
        path: "form",
        rule,
        message: {
          fr: "« form » : référence du formulaire attendue (ex. discharge@1)",
          en: '"form": form reference expected (e.g. discharge@1)',
        },
      },
    ]);
  }
  const form = registry.resolve(input.form);
  const ref = formRef(form);
  const issues = sheetIssues(form, { ...input, form: ref });
  if (issues.length > 0) throw failed(issues);
  return { form, ref, data: deepFreeze(structuredClone(input.data) as SheetData) };
}

/** `JSON.parse` for sheets: `INVALID_JSON` with line and column, never a slice of the text. */
export function parseSheetJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    let at: ReturnType<typeof jsonSyntaxError>;
    try {
      at = jsonSyntaxError(text);
    } catch {
      at = undefined; // nesting too deep for the scanner: position unknown
    }
    const where = at === undefined ? "" : ` at line ${at.line}, column ${at.column} (offset ${at.offset})`;
    const fr = at === undefined ? "" : ` ligne ${at.line}, colonne ${at.column}`;
    throw fieldError("INVALID_JSON", `invalid JSON${where}`, "", "json", {
      fr: `JSON invalide${fr}`,
      en: `invalid JSON${where}`,
    });
  }
}
