/** Typed builders for sheets in tests: the example sheets of liaison-forms/examples, and variations. */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { FormKind, FormRegistry, ValidatedSheet } from "../../src/forms/index.ts";
import { DEFAULT_FORMS_DIR, loadFormRegistry, validateSheet } from "../../src/forms/index.ts";

export const EXAMPLE_KINDS: readonly FormKind[] = [
  "admission",
  "discharge",
  "teleexpertise-request",
  "teleexpertise-answer",
  "admission-notice",
  "discharge-notice",
];

export function examplePath(kind: FormKind): string {
  return path.join(DEFAULT_FORMS_DIR, "examples", `${kind}.json`);
}

/** A fresh, mutable copy of an example sheet (`{ form, data }`). */
export function exampleSheet(kind: FormKind): {
  form: string;
  data: Record<string, Record<string, unknown>>;
} {
  return JSON.parse(readFileSync(examplePath(kind), "utf8")) as {
    form: string;
    data: Record<string, Record<string, unknown>>;
  };
}

let registry: Promise<FormRegistry> | undefined;
export function forms(): Promise<FormRegistry> {
  registry ??= loadFormRegistry();
  return registry;
}

export async function validatedExample(kind: FormKind): Promise<ValidatedSheet> {
  return validateSheet(exampleSheet(kind), await forms());
}
