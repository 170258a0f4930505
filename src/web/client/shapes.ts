/**
 * What the web app reads from the API, normalised defensively (the API is the contract; a missing
 * member shows as "—", never as a crash).
 */
import type { FormDefinition } from "../../forms/browser.ts";

export type Json = Record<string, unknown>;

export const isRecord = (v: unknown): v is Json => typeof v === "object" && v !== null && !Array.isArray(v);
export const str = (v: unknown): string | undefined => (typeof v === "string" ? v : undefined);
export const num = (v: unknown): number | undefined =>
  typeof v === "number" && Number.isFinite(v) ? v : undefined;

/** A list from `[...]` or `{ items | members | transfers | forms | data: [...] }`. */
export function listOf(body: unknown): Json[] {
  if (Array.isArray(body)) return body.filter(isRecord);
  if (isRecord(body)) {
    for (const k of ["items", "members", "transfers", "forms", "data", "history", "events"]) {
      const v = body[k];
      if (Array.isArray(v)) return v.filter(isRecord);
    }
  }
  return [];
}

export interface Me {
  readonly name: string;
  readonly role: string;
  readonly roles: readonly string[];
  readonly rpps?: string;
}

/** `GET /me`: `{ actor, issuer, roles, member?: { displayName, rpps, … } }`. */
export function meOf(body: unknown): Me {
  const b = isRecord(body) ? body : {};
  const member = isRecord(b.member) ? b.member : {};
  const roles = Array.isArray(b.roles) ? b.roles.filter((r): r is string => typeof r === "string") : [];
  const role = str(b.role) ?? roles[0] ?? "";
  const rpps = str(member.rpps) ?? str(b.rpps);
  return {
    name: str(member.displayName) ?? str(b.name) ?? str(b.actor) ?? "",
    role,
    roles: roles.length > 0 ? roles : role === "" ? [] : [role],
    ...(rpps === undefined ? {} : { rpps }),
  };
}

export interface FormEntry {
  readonly ref: string;
  readonly title: string;
}

export function formEntryOf(f: Json): FormEntry {
  const title = f.title;
  const ref = str(f.ref) ?? str(f.form) ?? `${str(f.id) ?? ""}@${String(num(f.version) ?? 1)}`;
  return { ref, title: isRecord(title) ? (str(title.fr) ?? ref) : (str(title) ?? ref) };
}

/** `GET /forms/{form}`: `{ definition, schema }`. */
export function formDetailOf(body: unknown): { definition: FormDefinition; schema: Json } | undefined {
  if (!isRecord(body)) return undefined;
  const definition = isRecord(body.definition) ? body.definition : body;
  const schema = isRecord(body.schema)
    ? body.schema
    : isRecord(body.jsonSchema)
      ? body.jsonSchema
      : undefined;
  if (!Array.isArray(definition.sections) || schema === undefined) return undefined;
  return { definition: definition as unknown as FormDefinition, schema };
}

export interface Member {
  readonly rpps: string;
  readonly name: string;
  readonly profession: string;
  readonly speciality?: string;
}

export function memberOf(m: Json): Member {
  const speciality = str(m.specialityLabel) ?? str(m.speciality);
  return {
    rpps: str(m.rpps) ?? "",
    name: str(m.displayName) ?? str(m.name) ?? "",
    profession: str(m.professionCode) ?? str(m.profession) ?? "",
    ...(speciality === undefined ? {} : { speciality }),
  };
}

export interface TransferRow {
  readonly id: string;
  /** The short human reference (e.g. `LDL-7K3Q-2FX`); the id when the API gave none. */
  readonly reference: string;
  readonly kind: string;
  readonly form: string;
  /** Only for the roles that handle sheets. */
  readonly patient?: { readonly lastName: string; readonly firstName?: string; readonly birthDate?: string };
  readonly state: string;
  readonly overdue: boolean;
  readonly createdAt?: string;
  readonly sentAt?: string;
  readonly recipients: readonly { readonly ref: string; readonly name?: string }[];
  /** Why each recipient of a hospital document was chosen (`GET /transfers/{id}` only). */
  readonly routing: readonly RoutingLine[];
  /** The transfer of the version this one replaces, and of the version that replaces it. */
  readonly replaces?: TransferLink;
  readonly replacedBy?: TransferLink;
}

export interface RoutingLine {
  readonly rpps: string;
  readonly source: string;
  readonly reason: string;
}

export interface TransferLink {
  readonly id: string;
  /** The short reference; the start of the id when the API gave none. */
  readonly reference: string;
}

function linkOf(id: unknown, reference: unknown): TransferLink | undefined {
  const i = str(id);
  return i === undefined ? undefined : { id: i, reference: str(reference) ?? i.slice(0, 12) };
}

export function transferOf(body: Json): TransferRow {
  const t = isRecord(body.transfer) ? { ...body, ...body.transfer } : body;
  const recipients = Array.isArray(t.recipients) ? t.recipients.filter(isRecord) : [];
  const createdAt = str(t.createdAt);
  const sentAt = str(t.sentAt);
  const id = str(t.id) ?? str(t.transferId) ?? "";
  const p = isRecord(t.patient) ? t.patient : undefined;
  const lastName = p === undefined ? undefined : str(p.lastName);
  const firstName = p === undefined ? undefined : str(p.firstName);
  const birthDate = p === undefined ? undefined : str(p.birthDate);
  const routing = Array.isArray(t.routing) ? t.routing.filter(isRecord) : [];
  const replaces = linkOf(t.replaces, t.replacesReference);
  const replacedBy = linkOf(t.replacedBy, t.replacedByReference);
  return {
    id,
    reference: str(t.reference) ?? id.slice(0, 12),
    kind: str(t.kind) ?? (str(t.form) ?? "").replace(/@\d+$/, ""),
    form: str(t.form) ?? str(t.kind) ?? "",
    ...(lastName === undefined
      ? {}
      : {
          patient: {
            lastName,
            ...(firstName === undefined ? {} : { firstName }),
            ...(birthDate === undefined ? {} : { birthDate }),
          },
        }),
    state: str(t.state) ?? "",
    overdue: t.overdue === true,
    ...(createdAt === undefined ? {} : { createdAt }),
    ...(sentAt === undefined ? {} : { sentAt }),
    recipients: recipients.map((r) => {
      const name = str(r.name);
      return {
        ref: (str(r.rpps) ?? str(r.memberRef) ?? "").replace(/^rpps:/, ""),
        ...(name === undefined ? {} : { name }),
      };
    }),
    routing: routing.map((l) => ({
      rpps: str(l.rpps) ?? "",
      source: str(l.source) ?? "",
      reason: str(l.reason) ?? "",
    })),
    ...(replaces === undefined ? {} : { replaces }),
    ...(replacedBy === undefined ? {} : { replacedBy }),
  };
}
