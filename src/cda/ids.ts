/** Document and entry identifiers: UUIDs (HL7 V3 II with a UUID root), upper-case as the CI-SIS examples write them. */
import { createHash, randomUUID } from "node:crypto";

/** A name-based UUID (RFC 9562 v8 layout over SHA-256): the same parts give the same id. */
export function nameUuid(...parts: readonly string[]): string {
  const h = createHash("sha256").update(parts.join("\u0000")).digest();
  h[6] = ((h[6] ?? 0) & 0x0f) | 0x80;
  h[8] = ((h[8] ?? 0) & 0x3f) | 0x80;
  const x = h.subarray(0, 16).toString("hex").toUpperCase();
  return `${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20, 32)}`;
}

export const newUuid = (): string => randomUUID().toUpperCase();
