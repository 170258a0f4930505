/**
 * Messages between the sheet pool (`pool.ts`, main thread) and its workers (`worker.ts`). They are
 * structured-cloned (HTML "StructuredSerializeWithTransfer", as `postMessage` does): plain data,
 * no functions. The signing key never crosses: a worker sends the DER signed attributes of its CMS
 * SignerInfo (RFC 5652 §5.4) and the main thread's `Signer` answers with the signature value.
 */
import type { FieldIssue } from "../../core/index.ts";
import type { ValidatedSheet } from "../../forms/index.ts";
import type { SignedSheet } from "../sheet/index.ts";

/** Main thread → worker. */
export type ToWorker =
  | {
      readonly kind: "produce";
      readonly job: number;
      readonly sheet: ValidatedSheet;
      /** The signing time (the clock's `now()` when the job was submitted), in ms since the epoch. */
      readonly nowMs: number;
      readonly sheetId?: string;
      readonly signerName?: string;
      readonly testIns?: boolean;
      /** The signer's id, with its certificate chain the first time this worker meets it. */
      readonly signer: { readonly id: number; readonly chain?: readonly Uint8Array[] };
    }
  | { readonly kind: "signed"; readonly request: number; readonly signature: Uint8Array }
  | { readonly kind: "sign-failed"; readonly request: number; readonly error: PoolError };

/** Worker → main thread. */
export type FromWorker =
  | {
      readonly kind: "sign";
      readonly signer: number;
      readonly request: number;
      readonly attributes: Uint8Array;
    }
  | { readonly kind: "done"; readonly job: number; readonly signed: SignedSheet }
  | { readonly kind: "failed"; readonly job: number; readonly error: PoolError };

/** An error across threads: its code (a `PasserelleError`'s), message and field issues. */
export interface PoolError {
  readonly code?: string;
  readonly message: string;
  readonly issues?: readonly FieldIssue[];
}

export function toPoolError(e: unknown): PoolError {
  if (e instanceof Error) {
    const { code, issues } = e as { code?: unknown; issues?: unknown };
    return {
      message: e.message,
      ...(typeof code === "string" ? { code } : {}),
      ...(Array.isArray(issues) ? { issues: issues as FieldIssue[] } : {}),
    };
  }
  return { message: String(e) };
}
