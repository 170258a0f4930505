/**
 * Messages the feed refused, kept for review: every frame answered AE or AR (a parse failure, an
 * identity that cannot be used, a character set that cannot be decoded, a payload that is not HL7)
 * is stored whole in `adt_rejected` — its raw bytes, the reason code, the ACK code and the ERR-2
 * location — with its `adt.rejected` audit entry in ONE transaction, before the answer is written.
 * Nothing refused is dropped. The same bytes sent again are recognised by their SHA-256 and stored
 * once (audited `adt.duplicate`). The raw bytes hold patient data, like `adt_messages.raw`.
 */
import { createHash } from "node:crypto";
import { auditEvent } from "../audit/index.ts";
import { inTransaction } from "../storage/index.ts";
import type { AdtDeps } from "./store.ts";

export interface RefusedFrame {
  readonly raw: Uint8Array;
  readonly ack: "AE" | "AR";
  readonly reason: string;
  readonly location: string;
  /** From MSH when it could be read. */
  readonly sender?: string;
  readonly controlId?: string;
  readonly trigger?: string;
  readonly charset?: string;
}

export interface RefusedRow {
  readonly id: number;
  readonly receivedAt: string;
  readonly ack: string;
  readonly reason: string;
  readonly location: string;
  readonly sender: string | null;
  readonly controlId: string | null;
  readonly trigger: string | null;
  readonly size: number;
}

const code = (reason: string): string =>
  reason
    .toLowerCase()
    .replace(/[^a-z0-9_.-]/g, "_")
    .replace(/^[^a-z]+/, "")
    .slice(0, 64) || "unknown";

/** Stores a refused frame unless the same bytes are already stored; returns its row id and whether it was new. */
export async function storeRefused(
  deps: AdtDeps,
  frame: RefusedFrame,
  actor: string,
): Promise<{ id: number; duplicate: boolean }> {
  const digest = createHash("sha256").update(frame.raw).digest("hex");
  const cut = (v: string | undefined, n: number): string | null =>
    v === undefined || v === "" ? null : v.slice(0, n);
  const attempt = (): Promise<{ id: number; duplicate: boolean }> =>
    inTransaction(deps.db.knex, async (trx) => {
      const seen = await trx("adt_rejected").where({ digest }).first<{ id: number } | undefined>("id");
      if (seen !== undefined) {
        await deps.trail.appendWithin(trx, [
          auditEvent("adt.duplicate", { actor, outcome: "failure", reason: code(frame.reason) }),
        ]);
        return { id: seen.id, duplicate: true };
      }
      await trx("adt_rejected").insert({
        digest,
        received_at: deps.clock.now().toISOString(),
        ack: frame.ack,
        reason: code(frame.reason),
        location: frame.location.slice(0, 20),
        sender: cut(frame.sender, 200),
        control_id: cut(frame.controlId, 64),
        trigger: cut(frame.trigger, 3),
        charset: cut(frame.charset, 20),
        size: frame.raw.length,
        raw: Buffer.from(frame.raw),
      });
      const row = await trx("adt_rejected").where({ digest }).first<{ id: number } | undefined>("id");
      await deps.trail.appendWithin(trx, [
        auditEvent("adt.rejected", { actor, outcome: "failure", reason: code(frame.reason) }),
      ]);
      return { id: Number(row?.id), duplicate: false };
    });
  try {
    return await attempt();
  } catch (e) {
    // the same frame on two connections at once: the loser sees the winner's row
    const seen = await deps.db.knex("adt_rejected").where({ digest }).first<{ id: number } | undefined>("id");
    if (seen === undefined) throw e;
    return { id: seen.id, duplicate: true };
  }
}

/** Refused frames, newest first (no raw bytes, no patient data). */
export async function listRefused(deps: Pick<AdtDeps, "db">, limit = 100): Promise<RefusedRow[]> {
  const rows: Record<string, unknown>[] = await deps.db
    .knex("adt_rejected")
    .orderBy("id", "desc")
    .limit(limit)
    .select("id", "received_at", "ack", "reason", "location", "sender", "control_id", "trigger", "size");
  return rows.map((r) => ({
    id: Number(r.id),
    receivedAt: String(r.received_at),
    ack: String(r.ack),
    reason: String(r.reason),
    location: String(r.location),
    sender: (r.sender as string | null) ?? null,
    controlId: (r.control_id as string | null) ?? null,
    trigger: (r.trigger as string | null) ?? null,
    size: Number(r.size),
  }));
}
