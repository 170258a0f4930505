import { hash } from "node:crypto";
import type { AuditEntry } from "./vocabulary.ts";

/** `prevHash` of the first entry: 64 zeros. */
export const GENESIS_HASH = "0".repeat(64);

/** An entry without its own hash: what the hash is computed over. */
export type UnhashedEntry = Omit<AuditEntry, "hash">;

/**
 * The canonical serialisation of an entry, hashed into the chain.
 *
 * It is RFC 8785 (JSON Canonicalization Scheme) restricted to our shape: one flat JSON object,
 * every field except `hash`, absent fields omitted (never `null`), keys sorted by UTF-16 code
 * units, no whitespace, strings escaped as ECMAScript `JSON.stringify` does (which is what JCS
 * prescribes), `seq` an integer below 2^53. Building the object with its keys already in sorted
 * order lets V8's native `JSON.stringify` produce the JCS bytes directly — this is what makes
 * verifying a million entries cheap. A unit test checks the result against a generic JCS.
 *
 * `entry.hash = hex(SHA-256(UTF-8(canonicalEntry(entry))))`, and each entry's `prevHash` is its
 * predecessor's `hash` (or {@link GENESIS_HASH}).
 */
export function canonicalEntry(e: UnhashedEntry): string {
  return JSON.stringify({
    action: e.action,
    actor: e.actor,
    device: e.device,
    documentSha256: e.documentSha256,
    event: e.event,
    member: e.member,
    outcome: e.outcome,
    patient: e.patient,
    pdfSha256: e.pdfSha256,
    prevHash: e.prevHash,
    reason: e.reason,
    room: e.room,
    seq: e.seq,
    sheet: e.sheet,
    time: e.time,
    transfer: e.transfer,
  });
}

/** The keys of {@link canonicalEntry}, in their (sorted) order. */
export const CANONICAL_KEYS = [
  "action",
  "actor",
  "device",
  "documentSha256",
  "event",
  "member",
  "outcome",
  "patient",
  "pdfSha256",
  "prevHash",
  "reason",
  "room",
  "seq",
  "sheet",
  "time",
  "transfer",
] as const;

/** SHA-256 (hex) of a string's UTF-8 bytes. */
export function sha256Hex(s: string): string {
  return hash("sha256", s, "hex");
}

/** The hash an entry must carry. */
export function entryHash(e: UnhashedEntry): string {
  return sha256Hex(canonicalEntry(e));
}
