import { readFileSync } from "node:fs";
import path from "node:path";
import { isPasserelleError } from "../../../src/core/index.ts";
import type { PasserelleError } from "../../../src/core/index.ts";
import {
  DEFAULT_FORMS_DIR,
  loadFormRegistry,
  parseSheetJson,
  validateSheet,
} from "../../../src/forms/index.ts";
import type { FormRegistry } from "../../../src/forms/index.ts";

export type Obj = Record<string, unknown>;
export interface Sheet {
  form: string;
  data: Obj;
}

/** The object at a dotted path (`treatments.atDischarge.3`). */
export const obj = (root: unknown, at: string): Obj =>
  at.split(".").reduce<unknown>((o, k) => (o as Obj)[k], root) as Obj;

/** A fresh copy of `liaison-forms/examples/<id>.json`. */
export const example = (id: string): Sheet =>
  parseSheetJson(readFileSync(path.join(DEFAULT_FORMS_DIR, "examples", `${id}.json`), "utf8")) as Sheet;

export const registry: FormRegistry = await loadFormRegistry();

/** The error `validateSheet` throws for `input`. */
export function failure(input: unknown): PasserelleError {
  try {
    validateSheet(input, registry);
  } catch (e) {
    if (isPasserelleError(e)) return e;
    throw e;
  }
  throw new Error("expected the sheet to be rejected");
}

export const issuesOf = (input: unknown): { path: string; rule: string }[] =>
  failure(input).issues.map(({ path: p, rule }) => ({ path: p, rule }));
