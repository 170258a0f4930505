import { checkIdentifier } from "../forms/index.ts";
import type { FieldIssue } from "../core/index.ts";
import { PasserelleError } from "../core/index.ts";
import { isKnownProfession } from "./professions.ts";
import type { Role, StructureKind } from "./types.ts";
import { ROLES, STRUCTURE_KINDS } from "./types.ts";

/** Collects field issues; {@link Issues.throwIfAny} raises one `VALIDATION_FAILED` naming every field. */
export class Issues {
  readonly list: FieldIssue[] = [];
  add(path: string, rule: string, en: string, fr: string): void {
    this.list.push({ path, rule, message: { en, fr } });
  }
  throwIfAny(what: string): void {
    if (this.list.length > 0) {
      throw new PasserelleError(
        "VALIDATION_FAILED",
        `invalid ${what}: ${this.list.map((i) => i.path).join(", ")}`,
        {
          issues: this.list,
        },
      );
    }
  }
}

const FAILURE_TEXT = {
  length: ["has the wrong length", "n'a pas la bonne longueur"],
  charset: ["has unexpected characters", "contient des caractères inattendus"],
  structure: ["is not well formed", "est mal formé"],
  key: ["has a bad check key", "a une clé de contrôle fausse"],
} as const;

/** Checks an RPPS, ADELI, FINESS or SIRET; adds an issue `<path>` with rule `<type>.<failure>`. */
export function checkId(
  issues: Issues,
  path: string,
  type: "rpps" | "adeli" | "finess" | "siret",
  value: string,
): boolean {
  const r = checkIdentifier(type, value);
  if (r.ok) return true;
  const [en, fr] = FAILURE_TEXT[r.reason];
  issues.add(path, `${type}.${r.reason}`, `${type.toUpperCase()} ${en}`, `${type.toUpperCase()} ${fr}`);
  return false;
}

export function checkProfession(issues: Issues, path: string, code: string): void {
  if (!isKnownProfession(code)) {
    issues.add(path, "profession.unknown", "unknown profession code", "code profession inconnu");
  }
}

const MATRIX_USER = /^@[a-zA-Z0-9._=/+-]+:[A-Za-z0-9.-]+(:\d{1,5})?$/;
export function checkMatrixId(issues: Issues, path: string, id: string): void {
  if (id.length > 255 || !MATRIX_USER.test(id)) {
    issues.add(
      path,
      "matrixId",
      "must be a Matrix user id (@user:server)",
      "doit être un identifiant Matrix (@user:serveur)",
    );
  }
}

export function checkRoles(issues: Issues, path: string, roles: readonly string[]): Role[] {
  const ok: Role[] = [];
  for (const r of roles) {
    if ((ROLES as readonly string[]).includes(r)) ok.push(r as Role);
    else
      issues.add(path, "enum", `must be one of ${ROLES.join(", ")}`, `doit être parmi ${ROLES.join(", ")}`);
  }
  return [...new Set(ok)];
}

export function checkKind(issues: Issues, path: string, kind: string): StructureKind {
  if ((STRUCTURE_KINDS as readonly string[]).includes(kind)) return kind as StructureKind;
  issues.add(
    path,
    "enum",
    `must be one of ${STRUCTURE_KINDS.join(", ")}`,
    `doit être parmi ${STRUCTURE_KINDS.join(", ")}`,
  );
  return "other";
}

export function checkText(issues: Issues, path: string, value: string | undefined, max: number): void {
  if (value === undefined || value.trim() === "") {
    issues.add(path, "required", "is required", "est obligatoire");
  } else if (value.length > max) {
    issues.add(path, "maxLength", `at most ${max} characters`, `au plus ${max} caractères`);
  }
}

export const POSTCODE = /^\d{5}$/;
export const COMMUNE = /^(\d{5}|2[AB]\d{3})$/;
