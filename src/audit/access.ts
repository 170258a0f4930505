import { createHmac } from "node:crypto";
import type { Knex } from "knex";
import { fieldError, PasserelleError } from "../core/index.ts";
import { checkIdentifier } from "../forms/index.ts";
import { toStorageError } from "../storage/index.ts";
import type { AuditRow } from "./rows.ts";
import { ENTRY_COLUMNS, fromRow } from "./rows.ts";
import type { AuditAction, Outcome, PatientRef } from "./vocabulary.ts";

/**
 * The patient's pseudonym in the audit: HMAC-SHA-256 of the normalised INS under a 32-byte key
 * kept outside the database (`patient-pseudonym.key` in the data directory, mode 0600). Without
 * the key a pseudonym cannot be linked back to an INS, even by enumerating INS numbers; with it
 * the hub can answer an access request. The INS itself is never stored in the audit. Every
 * instance of a multi-instance deployment must share this key (like the signing key).
 *
 * The INS is checked (length, structure, key 97 − N mod 97) so that a mistyped number fails
 * loudly instead of finding nothing. Errors name the field, never the value.
 */
export function patientPseudonym(ins: string, key: Uint8Array): PatientRef {
  const normalised = ins.replace(/[\s.-]/g, "").toUpperCase();
  const check = checkIdentifier("ins", normalised);
  if (!check.ok) {
    throw fieldError("VALIDATION_FAILED", "invalid INS", "ins", `ins.${check.reason}`, {
      en: "must be an INS (NIR or NIA: 13 characters and a 2-digit key)",
      fr: "doit être un INS (NIR ou NIA : 13 caractères et une clé de 2 chiffres)",
    });
  }
  if (key.length < 32) throw new PasserelleError("BAD_KEYSTORE", "pseudonym key must be 32 bytes");
  return createHmac("sha256", key).update(`passerelle/ins/v1:${normalised}`).digest("hex") as PatientRef;
}

/** One transfer about the patient, with every audited step. */
export interface AccessTransfer {
  readonly transfer: string;
  readonly sheets: readonly string[];
  readonly events: readonly {
    readonly seq: number;
    readonly time: string;
    readonly action: AuditAction;
    readonly actor: string;
    readonly outcome: Outcome;
    readonly room?: string;
    readonly event?: string;
    readonly pdfSha256?: string;
  }[];
}

export interface AccessReport {
  readonly patient: PatientRef;
  readonly transfers: readonly AccessTransfer[];
}

/**
 * RGPD art. 15 (right of access): every transfer about one patient, with who sent it to whom and
 * when it was delivered, read and acknowledged. A transfer is "about" the patient when any of its
 * entries carries the patient's pseudonym; all its entries are then listed.
 */
export async function accessRequest(knex: Knex, patient: PatientRef): Promise<AccessReport> {
  try {
    const ids = await knex("audit_entries")
      .distinct("transfer_id")
      .where("patient_ref", patient)
      .whereNotNull("transfer_id");
    const transferIds = ids.map((r: { transfer_id: string }) => r.transfer_id);
    const transfers: AccessTransfer[] = [];
    for (let i = 0; i < transferIds.length; i += 500) {
      const rows: AuditRow[] = await knex("audit_entries")
        .select<AuditRow[]>([...ENTRY_COLUMNS])
        .whereIn("transfer_id", transferIds.slice(i, i + 500))
        .orderBy("seq");
      const byTransfer = new Map<
        string,
        AccessTransfer & { sheets: string[]; events: AccessTransfer["events"][number][] }
      >();
      for (const e of rows.map(fromRow)) {
        const id = e.transfer;
        if (id === undefined) continue;
        let t = byTransfer.get(id);
        if (t === undefined) byTransfer.set(id, (t = { transfer: id, sheets: [], events: [] }));
        if (e.sheet !== undefined && !t.sheets.includes(e.sheet)) t.sheets.push(e.sheet);
        t.events.push({
          seq: e.seq,
          time: e.time,
          action: e.action,
          actor: e.actor,
          outcome: e.outcome,
          ...(e.room === undefined ? {} : { room: e.room }),
          ...(e.event === undefined ? {} : { event: e.event }),
          ...(e.pdfSha256 === undefined ? {} : { pdfSha256: e.pdfSha256 }),
        });
      }
      transfers.push(...byTransfer.values());
    }
    transfers.sort((a, b) => (a.events[0]?.seq ?? 0) - (b.events[0]?.seq ?? 0));
    return { patient, transfers };
  } catch (e) {
    throw toStorageError(e, "answering an access request");
  }
}
