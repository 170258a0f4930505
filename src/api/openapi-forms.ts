/**
 * The form-dependent schemas of the OpenAPI document, built from the form registry with the same
 * generator as the sheet validation (`formJsonSchema`, src/forms): one `SheetData-<id>-v<n>` per
 * form, `FormName` (the known forms), `Sheet` whose `data` is the form's schema by `if`/`then`,
 * and `AnswerData` (the answer section of the tele-expertise answer form).
 *
 * Two variants: `document` (served) says everything; `server` (what `checkBody` compiles) leaves
 * a sheet's `data` and the form name to `validateSheet`, which checks them with the very same
 * schemas and names fields with their labels (`UNKNOWN_FORM` for a form the registry lacks).
 */
import type { FormDefinition, FormRegistry } from "../forms/index.ts";
import { formJsonSchema, formRef } from "../forms/index.ts";

type Schema = Record<string, unknown>;
export type SchemaVariant = "document" | "server";

const ref = <const N extends string>(name: N) => ({ $ref: `#/components/schemas/${name}` as const });
/** A form reference's shape: `discharge@1`, or `discharge` for the latest version. */
export const FORM_REF_PATTERN = "^[a-z][a-z-]{0,63}(@[1-9][0-9]{0,5})?$";
const TELEEXPERTISE_REQUEST = "teleexpertise-request";
const TELEEXPERTISE_ANSWER = "teleexpertise-answer";

export const sheetDataName = (def: FormDefinition): string => `SheetData-${def.id}-v${String(def.version)}`;

/** The latest version of each form id. */
function latest(forms: FormRegistry): Map<string, FormDefinition> {
  const out = new Map<string, FormDefinition>();
  for (const f of forms.forms) {
    const seen = out.get(f.id);
    if (seen === undefined || seen.version < f.version) out.set(f.id, f);
  }
  return out;
}

/** The names a form is known by: `id@version`, and `id` alone for its latest version. */
function namesOf(def: FormDefinition, newest: Map<string, FormDefinition>): string[] {
  return newest.get(def.id) === def ? [formRef(def), def.id] : [formRef(def)];
}

/** Every accepted form name (the `FormName` enum). */
export function formNames(forms: FormRegistry): string[] {
  const newest = latest(forms);
  return forms.forms.flatMap((d) => namesOf(d, newest));
}

/** The names of the forms with id `id` (any version). */
function namesOfId(forms: FormRegistry, id: string): string[] {
  const newest = latest(forms);
  return forms.forms.filter((d) => d.id === id).flatMap((d) => namesOf(d, newest));
}

function dataSchema(def: FormDefinition): Schema {
  const props = formJsonSchema(def).properties as Record<string, Schema>;
  return props.data ?? { type: "object" };
}

/** The answer section of the newest tele-expertise answer form; `answeredAt` defaults to now. */
function answerData(forms: FormRegistry): Schema {
  const def = latest(forms).get(TELEEXPERTISE_ANSWER);
  const sections = def === undefined ? undefined : (dataSchema(def).properties as Record<string, Schema>);
  const answer = sections?.answer;
  if (answer === undefined) return { type: "object" };
  const required = (answer.required as string[] | undefined) ?? [];
  return {
    ...answer,
    required: required.filter((r) => r !== "answeredAt"),
    description: `The answer section of ${def === undefined ? TELEEXPERTISE_ANSWER : formRef(def)}; answeredAt defaults to now.`,
  };
}

/** `FormName`: the known forms (both variants). */
export const formNameSchema = (forms: FormRegistry) =>
  ({
    type: "string",
    enum: formNames(forms),
    description: "A known form: id@version, or the id alone for its latest version.",
  }) as const;

/**
 * The form-dependent schemas as `checkBody` compiles them (`server`): the same for every registry,
 * so their TypeScript types are known (`FromSchema`).
 */
export const serverFormSchemas = () =>
  ({
    Sheet: {
      type: "object",
      properties: {
        form: { type: "string", pattern: FORM_REF_PATTERN, maxLength: 80 },
        data: { type: "object" },
      },
      required: ["form", "data"],
      additionalProperties: false,
    },
    AnswerData: { type: "object" },
    SentSheet: ref("Sheet"),
  }) as const;

export function formSchemas(forms: FormRegistry, variant: SchemaVariant): Record<string, Schema> {
  const newest = latest(forms);
  const server = serverFormSchemas();
  const out: Record<string, Schema> = {};
  for (const def of forms.forms) out[sheetDataName(def)] = dataSchema(def);
  out.FormName = formNameSchema(forms);
  const sheetProps = { form: ref("FormName"), data: { type: "object" } };
  out.Sheet =
    variant === "document"
      ? {
          type: "object",
          properties: sheetProps,
          required: ["form", "data"],
          additionalProperties: false,
          allOf: forms.forms.map((def) => ({
            if: { properties: { form: { enum: namesOf(def, newest) } }, required: ["form"] },
            then: { properties: { data: ref(sheetDataName(def)) } },
          })),
          description: "A liaison sheet: its form and the data that form's schema (SheetData-…) describes.",
        }
      : server.Sheet;
  out.AnswerData = variant === "document" ? answerData(forms) : server.AnswerData;
  // A tele-expertise request may name its expert instead of `to`/`toUnit` (see CreateTransferRequest).
  out.ExpertNamed = {
    type: "object",
    properties: {
      sheet: {
        type: "object",
        properties: {
          form: { enum: namesOfId(forms, TELEEXPERTISE_REQUEST) },
          data: {
            type: "object",
            properties: { expert: { type: "object", required: ["rpps"] } },
            required: ["expert"],
          },
        },
        required: ["form", "data"],
      },
    },
    required: ["sheet"],
  };
  /** Sending needs the patient's INS, optional in some forms' drafts. */
  out.SentSheet =
    variant === "document"
      ? {
          allOf: [
            ref("Sheet"),
            {
              properties: {
                data: {
                  properties: { patient: { type: "object", required: ["ins"] } },
                  required: ["patient"],
                },
              },
            },
          ],
          description: "A sheet to send: data.patient.ins is required whatever the form.",
        }
      : server.SentSheet;
  return out;
}
