/** The intake's refusals: one issue naming the field, part or XPath and the rule, never the value. */
import type { ErrorCode, PasserelleError } from "../../core/index.ts";
import { fieldError } from "../../core/index.ts";

export function refuse(
  path: string,
  rule: string,
  en: string,
  fr: string,
  code: ErrorCode = "VALIDATION_FAILED",
): PasserelleError {
  return fieldError(code, `${en} (${path})`, path, rule, { en, fr });
}

/**
 * `bytes` parsed as JSON in strict UTF-8 (RFC 8259 §8.1); else `INVALID_JSON` naming `path` and
 * saying that `what` (« the body », « the metadata part ») is not UTF-8 JSON.
 */
export function parseUtf8Json(bytes: Uint8Array, path: string, what: { en: string; fr: string }): unknown {
  try {
    return JSON.parse(new TextDecoder("utf-8", { fatal: true }).decode(bytes));
  } catch {
    throw refuse(
      path,
      "json",
      `${what.en} is not UTF-8 JSON`,
      `${what.fr} n'est pas du JSON UTF-8`,
      "INVALID_JSON",
    );
  }
}

/** `%PDF-` within the first 1024 bytes (ISO 32000-1 §7.5.2 allows leading bytes). */
export function isPdf(bytes: Uint8Array): boolean {
  const head = Buffer.from(bytes.buffer, bytes.byteOffset, Math.min(bytes.byteLength, 1024));
  return head.includes("%PDF-", 0, "latin1");
}
