/** Audit of a transfer refused before anything was stored or sent. */
import type { PatientRef } from "../../audit/index.ts";
import { auditEvent } from "../../audit/index.ts";
import type { TransferContext } from "../record/index.ts";

/** Appends `transfer.failed` (outcome failure, a reason code, no message) for a refused transfer. */
export async function refuse(
  ctx: TransferContext,
  r: { transferId: string; actor: string; reason: string; patient?: PatientRef; member?: string },
): Promise<void> {
  await ctx.trail.append(
    auditEvent("transfer.failed", {
      actor: r.actor,
      transfer: r.transferId,
      outcome: "failure",
      reason: r.reason,
      ...(r.patient === undefined ? {} : { patient: r.patient }),
      ...(r.member === undefined ? {} : { member: r.member }),
    }),
  );
}
