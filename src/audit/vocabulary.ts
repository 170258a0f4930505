import type { FieldIssue } from "../core/index.ts";
import { PasserelleError } from "../core/index.ts";

/**
 * The typed audit vocabulary (after ANS "Traçabilité des événements", which profiles FHIR
 * `AuditEvent`): what happened to a transfer, to the directory, and who accessed what. Every
 * event is made by ONE builder, {@link auditEvent}, in the manner of medplum's `auditevent.ts`.
 *
 * An event holds identifiers and hashes only — never a patient's name, INS or clinical text.
 * The type has no free-text field, the patient is a keyed pseudonym ({@link PatientRef}) that
 * only `patientPseudonym()` produces, and a run-time check rejects values that do not look like
 * identifiers (spaces, accents, bare words), naming the field but never echoing the value.
 */
/**
 * A transfer's delivery states, in progress order (`failed`, terminal, last). Reaching one is
 * recorded as the audit step of the same name (`transfer.sent`…), so src/transfers takes its
 * states from this list.
 */
export const DELIVERY_STATES = [
  "queued",
  "sent",
  "delivered",
  "read",
  "acknowledged",
  "answered",
  "failed",
] as const;

export const TRANSFER_STEPS = [
  "created",
  "validated",
  "signed",
  ...DELIVERY_STATES,
  "retried",
  "escalated",
  // An acknowledgement that proves no device: sent in clear (or by a device the hub cannot tie to
  // the sender's account). Recorded as a weak signal; the transfer is not acknowledged.
  "ack_unproven",
  // A recipient asked the hub to send the sheet again (`!renvoyer`); refused for anyone else.
  "resend_requested",
  // The same signed PDF sent again, encrypted for the recipient's current devices.
  "resent",
] as const;

export type TransferAction = `transfer.${(typeof TRANSFER_STEPS)[number]}`;
export type DirectoryAction = "member.added" | "member.changed" | "member.removed";
export type AccessAction =
  | "access.downloaded"
  | "access.verified"
  // HTTP API: a sheet's status was read
  | "access.viewed"
  // FHIR export: a transfer was exported as a FHIR document bundle
  | "access.exported";
/** Care circles (src/circles): a member joins or leaves a patient's circle; the patient objects. */
export type CircleAction =
  | "circle.joined"
  | "circle.left"
  | "circle.objection_recorded"
  | "circle.objection_lifted"
  | "circle.notice_suppressed";
/** ADT feed (src/adt): a message accepted, refused or seen again; a discharge letter missing by day's end. */
export type AdtAction = "adt.accepted" | "adt.rejected" | "adt.duplicate" | "adt.letter_missing";
/**
 * Hospital documents (src/documents): received (stored byte for byte, its SHA-256 in
 * `documentSha256`), received again (`duplicate`, nothing sent), routed (one entry per recipient:
 * `member` and the routing reason), queued « à orienter » (nobody reachable), masked to
 * professionals (`MASQUE_PS`), assigned by a coordinator, replaced by a new version, escalated.
 */
export type DocumentAction =
  | "document.received"
  | "document.duplicate"
  | "document.routed"
  | "document.queued_for_routing"
  | "document.masked"
  | "document.assigned"
  | "document.replaced"
  | "document.escalated";
export type AuditAction =
  TransferAction | DirectoryAction | AccessAction | CircleAction | AdtAction | DocumentAction;

/** Every action, for validation and documentation. */
export const AUDIT_ACTIONS: readonly AuditAction[] = [
  ...TRANSFER_STEPS.map((s): TransferAction => `transfer.${s}`),
  "member.added",
  "member.changed",
  "member.removed",
  "access.downloaded",
  "access.verified",
  // HTTP API
  "access.viewed",
  // FHIR export
  "access.exported",
  "circle.joined",
  "circle.left",
  "circle.objection_recorded",
  "circle.objection_lifted",
  "circle.notice_suppressed",
  "adt.accepted",
  "adt.rejected",
  "adt.duplicate",
  "adt.letter_missing",
  "document.received",
  "document.duplicate",
  "document.routed",
  "document.queued_for_routing",
  "document.masked",
  "document.assigned",
  "document.replaced",
  "document.escalated",
];
const ACTION_SET: ReadonlySet<string> = new Set(AUDIT_ACTIONS);

export type Outcome = "success" | "failure";

declare const patientRefBrand: unique symbol;
/** A keyed pseudonym of a patient's INS (64 hex chars); made only by `patientPseudonym()`. */
export type PatientRef = string & { readonly [patientRefBrand]: true };

/** Identifiers an event may carry. Matrix ids for actor, room and event; opaque ids otherwise. */
export interface AuditSubject {
  /** Liaison sheet id. */
  readonly sheet?: string;
  /** Transfer id (one hand-off, possibly several sends). */
  readonly transfer?: string;
  /** Matrix room id (`!…:server`, or `!…` from room version 12). */
  readonly room?: string;
  /** Matrix event id (`$…`). */
  readonly event?: string;
  /** Directory member (`rpps:…`, `adeli:…`, `member:…`). */
  readonly member?: string;
  /** Matrix device id that sent an acknowledgement (client-server API §11.12 "End-to-end encryption"). */
  readonly device?: string;
}

interface Common extends AuditSubject {
  /** Who acted: a Matrix user id (`@u:server`) or `rpps:…`, `adeli:…`, `system:…`, `cli:…`. */
  readonly actor: string;
  readonly outcome?: Outcome;
  /** Stable lower-case failure code (e.g. `matrix.timeout`), never a message. */
  readonly reason?: string;
  /** SHA-256 (hex) of the signed PDF, where there is one. */
  readonly pdfSha256?: string;
  /** SHA-256 (hex) of a hospital document as received (src/documents), byte for byte. */
  readonly documentSha256?: string;
  readonly patient?: PatientRef;
}

/** What the builder needs for an action: transfers name their transfer, directory events their member. */
export type AuditEventInput<A extends AuditAction> = A extends TransferAction
  ? Common & { readonly transfer: string }
  : A extends DirectoryAction
    ? Common & { readonly member: string }
    : A extends CircleAction
      ? Common & { readonly patient: PatientRef }
      : A extends AdtAction
        ? Common
        : A extends DocumentAction
          ? Common & { readonly documentSha256: string; readonly patient: PatientRef }
          : Common & ({ readonly sheet: string } | { readonly transfer: string });

/** A validated event, ready to append: the chain adds seq, time and hashes. */
export interface AuditEvent extends AuditSubject {
  readonly action: AuditAction;
  readonly actor: string;
  readonly outcome: Outcome;
  readonly reason?: string;
  readonly pdfSha256?: string;
  readonly documentSha256?: string;
  readonly patient?: string;
}

/** An appended entry: the event plus its place in the hash chain. */
export interface AuditEntry extends AuditEvent {
  readonly seq: number;
  /** ISO 8601 UTC (`Date.toISOString()`). */
  readonly time: string;
  readonly prevHash: string;
  readonly hash: string;
}

const OPAQUE = /^(?=[^\s]*\d)[A-Za-z0-9][A-Za-z0-9._:=+-]{0,254}$/;
/** Field → pattern. Opaque ids must contain a digit: a bare word (a surname) is refused. */
export const FIELD_PATTERNS = {
  actor: /^(@[A-Za-z0-9._=/+-]+:[A-Za-z0-9.:[\]-]+|(rpps|adeli|system|cli|api):[A-Za-z0-9._@:-]{1,200})$/,
  sheet: OPAQUE,
  transfer: OPAQUE,
  room: /^![A-Za-z0-9._=/+-]+(:[A-Za-z0-9.:[\]-]+)?$/,
  event: /^\$[A-Za-z0-9._=/+:-]{1,254}$/,
  member: /^(rpps:\d{11}|adeli:[0-9A-F]{9}|member:\d{1,12})$/,
  // Device ids are opaque strings chosen by the server or the client (Synapse: ten capital letters,
  // so no digit is required here); no space, at most 64 characters.
  device: /^[A-Za-z0-9._=+/-]{1,64}$/,
  pdfSha256: /^[0-9a-f]{64}$/,
  documentSha256: /^[0-9a-f]{64}$/,
  patient: /^[0-9a-f]{64}$/,
  reason: /^[a-z][a-z0-9_.-]{0,63}$/,
} as const satisfies Record<string, RegExp>;

type CheckedField = keyof typeof FIELD_PATTERNS;
const CHECKED = Object.keys(FIELD_PATTERNS) as CheckedField[];

/**
 * Validates an event at run time (also re-run by the store on append, so a caller cannot bypass
 * the builder with a cast). Throws `VALIDATION_FAILED` naming `audit.<field>`, without the value.
 */
export function assertAuditEvent(e: AuditEvent): void {
  const issues: FieldIssue[] = [];
  const bad = (path: string, rule: string, en: string, fr: string): void => {
    issues.push({ path: `audit.${path}`, rule, message: { en, fr } });
  };
  if (!ACTION_SET.has(e.action)) bad("action", "enum", "unknown audit action", "action d'audit inconnue");
  if (!["success", "failure"].includes(e.outcome)) {
    bad("outcome", "enum", "must be success or failure", "doit être success ou failure");
  }
  const known = new Set<string>(["action", "outcome", ...CHECKED]);
  for (const k of Object.keys(e)) {
    if (!known.has(k)) bad(k, "unknownField", "is not an audit field", "n'est pas un champ d'audit");
  }
  for (const f of CHECKED) {
    const v: unknown = e[f];
    if (v === undefined) continue;
    if (typeof v !== "string" || !FIELD_PATTERNS[f].test(v)) {
      bad(
        f,
        "auditId",
        "is not a well-formed identifier or hash",
        "n'est pas un identifiant ou une empreinte valide",
      );
    }
  }
  if (e.action.startsWith("transfer.") && e.transfer === undefined) {
    bad(
      "transfer",
      "required",
      "transfer events name their transfer",
      "un événement de transfert nomme son transfert",
    );
  }
  if (e.action.startsWith("member.") && e.member === undefined) {
    bad(
      "member",
      "required",
      "directory events name their member",
      "un événement d'annuaire nomme son membre",
    );
  }
  if (e.action.startsWith("access.") && e.sheet === undefined && e.transfer === undefined) {
    bad(
      "sheet",
      "required",
      "access events name a sheet or a transfer",
      "un accès nomme une fiche ou un transfert",
    );
  }
  if (issues.length > 0) {
    throw new PasserelleError("VALIDATION_FAILED", "invalid audit event", { issues });
  }
}

const INPUT_KEYS: ReadonlySet<string> = new Set(["actor", "outcome", ...CHECKED]);

/** THE builder: the only way domain code makes an audit event. Fields are copied, never spread; an unknown one is refused. */
export function auditEvent<A extends AuditAction>(action: A, input: AuditEventInput<A>): AuditEvent {
  const i: Common = input;
  const e: Record<string, string> = { action, actor: i.actor, outcome: i.outcome ?? "success" };
  for (const k of Object.keys(i)) if (!INPUT_KEYS.has(k)) e[k] = "(unknown field)"; // refused below
  for (const f of [
    "sheet",
    "transfer",
    "room",
    "event",
    "member",
    "device",
    "pdfSha256",
    "documentSha256",
    "patient",
    "reason",
  ] as const) {
    const v = i[f];
    if (v !== undefined) e[f] = v;
  }
  const event = Object.freeze(e) as unknown as AuditEvent;
  assertAuditEvent(event);
  return event;
}
