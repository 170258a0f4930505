/**
 * The liaison forms Passerelle knows: one JSON file per form and version in `liaison-forms/`
 * (`<id>.v<version>.json`), each checked when loaded, resolved by reference `"discharge@1"` (or
 * `"discharge"`: the latest version).
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { fieldError, PasserelleError } from "../core/errors.ts";
import { checkDefinition } from "./check-definition.ts";
import type { FormDefinition, FormRef } from "./definition.ts";
import { formRef } from "./definition.ts";
import { jsonSyntaxError } from "./json-syntax.ts";

/** `liaison-forms/` at the repository root. */
export const DEFAULT_FORMS_DIR = path.resolve(import.meta.dirname, "../../liaison-forms");

export interface FormRegistry {
  /** Every loaded definition, sorted by id then version. */
  readonly forms: readonly FormDefinition[];
  /** `"discharge@1"` → that definition; `"discharge"` → its latest version; else `UNKNOWN_FORM`. */
  resolve(ref: string): FormDefinition;
}

/** One definition as read from a file, not yet checked. */
export interface DefinitionSource {
  readonly file: string;
  readonly definition: unknown;
}

const REF = /^([a-z][a-z-]{0,63})(?:@([1-9]\d{0,5}))?$/;

/** Reads and checks every `*.json` file directly in `dir` (sub-folders such as `examples/` are skipped). */
export async function loadFormRegistry(dir: string = DEFAULT_FORMS_DIR): Promise<FormRegistry> {
  let names: string[];
  try {
    const entries = await readdir(dir, { withFileTypes: true });
    names = entries.filter((e) => e.isFile() && e.name.endsWith(".json")).map((e) => e.name);
  } catch (cause) {
    throw new PasserelleError("IO_ERROR", `cannot read the form directory ${dir}`, { cause });
  }
  const sources = await Promise.all(
    names.sort().map(async (file): Promise<DefinitionSource> => {
      const text = await readFile(path.join(dir, file), "utf8");
      try {
        return { file, definition: JSON.parse(text) as unknown };
      } catch {
        const at = jsonSyntaxError(text);
        const where = at === undefined ? "" : ` at line ${at.line}, column ${at.column}`;
        throw new PasserelleError("FORM_DEFINITION_INVALID", `${file}: invalid JSON${where}`);
      }
    }),
  );
  return createFormRegistry(sources);
}

/** Checks definitions (file names included) and indexes them; throws `FORM_DEFINITION_INVALID`. */
export function createFormRegistry(sources: readonly DefinitionSource[]): FormRegistry {
  const byRef = new Map<FormRef, FormDefinition>();
  for (const { file, definition } of sources) {
    const problems = checkDefinition(definition);
    if (problems.length > 0) {
      const first = problems[0];
      const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
      throw new PasserelleError(
        "FORM_DEFINITION_INVALID",
        `${file}: ${first?.path === "" ? "(root)" : (first?.path ?? "")}: ${first?.message ?? ""}${more}`,
        {
          issues: problems.map((p) => ({
            path: p.path,
            rule: "definition",
            message: { fr: `${file} : ${p.path} : ${p.message}`, en: `${file}: ${p.path}: ${p.message}` },
          })),
        },
      );
    }
    const def = deepFreeze(definition as FormDefinition);
    const ref = formRef(def);
    const expected = `${def.id}.v${def.version}.json`;
    if (path.basename(file) !== expected) {
      throw new PasserelleError("FORM_DEFINITION_INVALID", `${file}: must be named ${expected}`);
    }
    if (byRef.has(ref)) throw new PasserelleError("FORM_DEFINITION_INVALID", `${file}: ${ref} defined twice`);
    byRef.set(ref, def);
  }
  const forms = [...byRef.values()].sort((a, b) => a.id.localeCompare(b.id) || a.version - b.version);
  return {
    forms,
    resolve(ref: string): FormDefinition {
      const m = REF.exec(ref);
      const found =
        m === null
          ? undefined
          : m[2] === undefined
            ? forms.filter((f) => f.id === m[1]).at(-1)
            : byRef.get(ref as FormRef);
      if (found === undefined) {
        // The name asked for is never repeated (it is the client's text); the known ones are listed.
        const known = [...byRef.keys()].join(", ");
        throw fieldError("UNKNOWN_FORM", `unknown form; known: ${known}`, "form", "unknownForm", {
          fr: `formulaire inconnu (connus : ${known})`,
          en: `unknown form (known: ${known})`,
        });
      }
      return found;
    },
  };
}

export function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
