/**
 * Room mapping — one Matrix room per **transfer context**.
 *
 * A transfer context is (patient pseudonym, sending structure/unit, set of recipients). The first
 * transfer of a context creates its room (encrypted, invite-only, history visible to members
 * only) and invites the recipients; later sheets of the same context — the same patient handed
 * off by the same unit to the same care team — go to the same room, so the team sees the
 * patient's hand-offs as one conversation. A different recipient set is a different context, so a
 * room never gains a member who could read earlier sheets.
 *
 * The mapping is stored in `transfer_rooms` under a context key: SHA-256 over the pseudonym (an
 * HMAC of the INS), the sender unit and the sorted member ids — nothing reversible to the patient.
 * The room's name is a neutral reference (`Passerelle · T-<10 random hex>`), random rather than
 * derived, so that no room state says anything about the patient (room state is not encrypted).
 */
import { createHash, randomBytes } from "node:crypto";

/** The context key of (patient pseudonym, sender unit, recipient member ids). */
export function contextKey(patientRef: string, senderUnit: string, memberIds: readonly number[]): string {
  const members = [...new Set(memberIds)].sort((a, b) => a - b).join(",");
  return createHash("sha256")
    .update(`passerelle/context/v1\n${patientRef}\n${senderUnit}\n${members}`)
    .digest("hex");
}

/** A fresh neutral room reference (10 upper-case hex characters). */
export function newRoomReference(): string {
  return randomBytes(5).toString("hex").toUpperCase();
}

/**
 * The sending structure/unit of a sheet when the caller names none: the FINESS of the
 * establishment (discharge) or sender (admission), or the requester's RPPS (tele-expertise),
 * plus a hash of the unit's label so that two units of one hospital are two contexts.
 */
export function defaultSenderUnit(data: Readonly<Record<string, Readonly<Record<string, unknown>>>>): string {
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  const finess = str(data.establishment?.finess) ?? str(data.sender?.finess);
  const unit = str(data.establishment?.unit);
  const unitHash =
    unit === undefined ? "" : `/unit:${createHash("sha256").update(unit).digest("hex").slice(0, 16)}`;
  if (finess !== undefined) return `finess:${finess}${unitHash}`;
  const rpps = str(data.requester?.rpps) ?? str(data.sender?.rpps);
  return rpps === undefined ? "unknown" : `rpps:${rpps}`;
}
