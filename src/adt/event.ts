/**
 * An ADT event as Passerelle uses it, whether it came as HL7 v2.5 over MLLP (IHE PAM France,
 * parsed in `hl7.ts`) or as JSON through the API (validated by {@link validateAdtEvent}): the
 * trigger, the message's control id, the patient (INS and the identity traits the notice prints),
 * the stay (facility, visit number, unit, dates) and the ZBE movement.
 */
import type { FieldIssue } from "../core/index.ts";
import { fieldError, PasserelleError } from "../core/index.ts";
import { checkIdentifier } from "../forms/index.ts";

/** Supported triggers: A01 admit, A02 transfer, A03 discharge, A11 cancel admit, A13 cancel discharge. */
export const ADT_TRIGGERS = ["A01", "A02", "A03", "A11", "A13"] as const;
export type AdtTrigger = (typeof ADT_TRIGGERS)[number];

/** OIDs of the national health identifier (INS): INS-NIR and INS-NIA (ANS, référentiel INS). */
export const INS_OIDS = { nir: "1.2.250.1.213.1.4.8", nia: "1.2.250.1.213.1.4.9" } as const;
/**
 * Assigning authorities of the INS-NIR "de test" and "de démonstration" (fictional patients, as in the
 * ANS example messages; FR Core profile fr-core-patient-ins): refused by the feed.
 */
export const INS_TEST_OIDS = { test: "1.2.250.1.213.1.4.10", demo: "1.2.250.1.213.1.4.11" } as const;

export interface AdtEvent {
  readonly trigger: AdtTrigger;
  /** MSH-10, unique per sender: a message seen again with the same id is a duplicate. */
  readonly controlId: string;
  /** MSH-3 / MSH-4 (sending application and facility). */
  readonly sender: string;
  /** When the movement happened (ZBE-2, else EVN-6, else EVN-2), RFC 3339. */
  readonly occurredAt: string;
  readonly patient: {
    /** The INS (15 characters, check key verified). */
    readonly ins: string;
    readonly lastName: string;
    readonly firstNames: string;
    /** `YYYY-MM-DD` */
    readonly birthDate: string;
  };
  readonly stay: {
    /** Facility id: the FINESS where the message gives one (PV1-3.4 / MSH-4). */
    readonly facility: string;
    readonly facilityName?: string;
    /** PV1-19 visit number (the stay). */
    readonly visit: string;
    /** Unit code (ZBE-7 medical ward, else PV1-3.1 point of care). */
    readonly unit: string;
    readonly unitName?: string;
    readonly admittedAt?: string;
    readonly dischargedAt?: string;
  };
  /** The stay's professionals from the ROL segments (see `physicians.ts`), when the message has any. */
  readonly physicians?: readonly StayPhysician[];
  /** ZBE: movement id, action (INSERT, UPDATE, CANCEL) and, for a cancellation, the trigger cancelled. */
  readonly movement?: {
    readonly id: string;
    readonly action: "INSERT" | "UPDATE" | "CANCEL";
    readonly originalTrigger?: string;
  };
}

/** A professional of the stay (ROL-3 role code, ROL-4 RPPS); `removed` for ROL-2 `DE`. */
export interface StayPhysician {
  readonly role: string;
  readonly rpps: string;
  readonly removed?: boolean;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;
const DATETIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** Length in Unicode code points (a surrogate pair is one), as JSON Schema's `maxLength` counts. */
const codePoints = (v: string): number =>
  v.length - (v.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0);

/** Validates the JSON form of an event (API); throws `VALIDATION_FAILED` naming every bad field, never a value. */
export function validateAdtEvent(input: unknown): AdtEvent {
  const issues: FieldIssue[] = [];
  const bad = (path: string, rule: string, en: string, fr: string): void => {
    issues.push({ path, rule, message: { en, fr } });
  };
  const obj = (v: unknown): Record<string, unknown> | undefined =>
    typeof v === "object" && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : undefined;
  const root = obj(input);
  if (root === undefined) {
    throw fieldError("VALIDATION_FAILED", "event: must be an object", "event", "type", {
      en: "must be an object",
      fr: "doit être un objet",
    });
  }
  const str = (
    o: Record<string, unknown> | undefined,
    path: string,
    max: number,
    required = true,
  ): string | undefined => {
    const key = path.split(".").at(-1) ?? path;
    const v = o?.[key];
    if (v === undefined && !required) return undefined;
    // Length in Unicode code points, as JSON Schema's maxLength counts (the API documents it so).
    if (typeof v !== "string" || v.trim() === "" || codePoints(v) > max) {
      bad(
        path,
        "string",
        `must be a non-empty string of at most ${max} characters`,
        `chaîne de 1 à ${max} caractères`,
      );
      return undefined;
    }
    return v;
  };
  const when = (
    o: Record<string, unknown> | undefined,
    path: string,
    required: boolean,
  ): string | undefined => {
    const v = str(o, path, 40, required);
    if (v !== undefined && (!DATETIME.test(v) || Number.isNaN(Date.parse(v)))) {
      bad(
        path,
        "datetime",
        "must be an RFC 3339 date-time with offset",
        "date-heure RFC 3339 avec décalage attendue",
      );
    }
    return v;
  };
  const trigger = root.trigger;
  if (typeof trigger !== "string" || !(ADT_TRIGGERS as readonly string[]).includes(trigger)) {
    bad(
      "trigger",
      "enum",
      `must be one of ${ADT_TRIGGERS.join(", ")}`,
      `doit être l'un de ${ADT_TRIGGERS.join(", ")}`,
    );
  }
  const controlId = str(root, "controlId", 64);
  const sender = str(root, "sender", 200);
  const occurredAt = when(root, "occurredAt", true);
  const p = obj(root.patient);
  if (p === undefined) bad("patient", "required", "required", "obligatoire");
  const ins = str(p, "patient.ins", 15);
  if (ins !== undefined) {
    const c = checkIdentifier("ins", ins);
    if (!c.ok) bad("patient.ins", `ins.${c.reason}`, "not a valid INS", "INS invalide");
  }
  const lastName = str(p, "patient.lastName", 100);
  const firstNames = str(p, "patient.firstNames", 150);
  const birthDate = str(p, "patient.birthDate", 10);
  if (birthDate !== undefined && !DATE.test(birthDate))
    bad("patient.birthDate", "date", "YYYY-MM-DD", "AAAA-MM-JJ");
  const s = obj(root.stay);
  if (s === undefined) bad("stay", "required", "required", "obligatoire");
  const facility = str(s, "stay.facility", 64);
  const facilityName = str(s, "stay.facilityName", 200, false);
  const visit = str(s, "stay.visit", 64);
  const unit = str(s, "stay.unit", 64);
  const unitName = str(s, "stay.unitName", 200, false);
  const admittedAt = when(s, "stay.admittedAt", false);
  const dischargedAt = when(s, "stay.dischargedAt", trigger === "A03");
  if (issues.length > 0) {
    throw new PasserelleError(
      "VALIDATION_FAILED",
      `invalid ADT event: ${issues.map((i) => i.path).join(", ")}`,
      {
        issues,
      },
    );
  }
  return {
    trigger: trigger as AdtTrigger,
    controlId: controlId ?? "",
    sender: sender ?? "",
    occurredAt: occurredAt ?? "",
    patient: {
      ins: ins ?? "",
      lastName: lastName ?? "",
      firstNames: firstNames ?? "",
      birthDate: birthDate ?? "",
    },
    stay: {
      facility: facility ?? "",
      visit: visit ?? "",
      unit: unit ?? "",
      ...(facilityName === undefined ? {} : { facilityName }),
      ...(unitName === undefined ? {} : { unitName }),
      ...(admittedAt === undefined ? {} : { admittedAt }),
      ...(dischargedAt === undefined ? {} : { dischargedAt }),
    },
  };
}
