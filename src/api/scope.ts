/**
 * Who sees which transfer: the coordinator all of the CPTS; a recipient (or specialist)
 * the transfers addressed to them or to their structure; a sender their unit's and their own; an
 * auditor none (audit only). A transfer outside the caller's scope is answered 404, as if absent.
 */
import { fieldError } from "../core/index.ts";
import type { TransferScope } from "../transfers/index.ts";
import { canSeeTransfer } from "../transfers/index.ts";
import type { Principal } from "./principal.ts";
import { hasRole } from "./principal.ts";
import type { ApiServices } from "./services.ts";

/** The sending unit recorded for a sender's transfers: their directory structure. */
export const senderUnitOf = (p: Principal): string | undefined =>
  p.member?.structureId === undefined ? undefined : `structure:${String(p.member.structureId)}`;

/**
 * Whether the follow-up list shows the caller each transfer's patient: the professionals who write
 * or receive sheets (sender, recipient, specialist). The coordinator oversees states and delays;
 * opening one transfer (audited) shows its sheet.
 */
export const readsSheets = (p: Principal): boolean => hasRole(p, "sender", "recipient", "specialist");

export function scopeOf(p: Principal): TransferScope {
  if (hasRole(p, "coordinator")) return { all: true };
  const unit = senderUnitOf(p);
  const recipient = hasRole(p, "recipient", "specialist") && p.member !== undefined;
  const scope: TransferScope = {
    ...(hasRole(p, "sender")
      ? { senderActor: p.actor, ...(unit === undefined ? {} : { senderUnit: unit }) }
      : {}),
    ...(recipient ? { recipientMemberId: p.member.id } : {}),
    ...(recipient && p.member.structureId !== undefined
      ? { recipientStructureId: p.member.structureId }
      : {}),
  };
  if (Object.keys(scope).length === 0) {
    throw fieldError("FORBIDDEN", "this role cannot read transfers", "authorization", "role", {
      en: "sender, recipient, specialist or coordinator required",
      fr: "rôle sans accès aux transferts",
    });
  }
  return scope;
}

/** Throws `NOT_FOUND` unless the caller may see the transfer. */
export async function assertVisible(services: ApiServices, p: Principal, transferId: string): Promise<void> {
  if (!(await canSeeTransfer(services.db.knex, scopeOf(p), transferId))) {
    throw fieldError("NOT_FOUND", "transfer not found", "id", "notFound", {
      en: "no such transfer",
      fr: "transfert introuvable",
    });
  }
}
