/**
 * Who sent a piece of evidence or a request about a transfer: the directory member behind the
 * Matrix user and, when there is one, that member's recipient row. Evidence and requests from
 * anyone else are refused and audited as a failure (`not_recipient`), naming the member when the
 * directory knows them (ANS "Traçabilité des événements": refusals are traced too).
 */
import type { AuditEvent, AuditEventInput, TransferAction } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import type { Member } from "../../directory/index.ts";
import { DirectoryRepository, memberAuditId } from "../../directory/index.ts";
import type { Queryable } from "../../storage/index.ts";
import { TransferRepository } from "../record/index.ts";
import type { TransferRecipient } from "../record/index.ts";

export interface Sender {
  readonly member: Member | undefined;
  readonly recipient: TransferRecipient | undefined;
}

/** The member behind `matrixUserId` and their recipient row on `transferId` (none for a non-recipient). */
export async function senderOf(q: Queryable, transferId: string, matrixUserId: string): Promise<Sender> {
  const member = await new DirectoryRepository(q).findByMatrixId(matrixUserId);
  const recipient =
    member === undefined
      ? undefined
      : (await new TransferRepository(q).recipients(transferId)).find((r) => r.memberId === member.id);
  return { member, recipient };
}

/** The audit entry of `action` refused because its sender (`member`, when known) is no recipient. */
export function notRecipient(
  action: TransferAction,
  base: AuditEventInput<TransferAction>,
  member: Member | undefined,
): AuditEvent {
  return auditEvent(action, {
    ...base,
    outcome: "failure",
    reason: "not_recipient",
    ...(member === undefined ? {} : { member: memberAuditId(member) }),
  });
}
