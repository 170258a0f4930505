/**
 * One error type for the whole service, with stable string codes (in the manner of jose's
 * `JOSEError.code` and matrix-hookshot's `api/Error.ts`). Adapters map a code to an HTTP status
 * or a CLI exit status through {@link HTTP_STATUS}; the compiler checks the map is complete.
 *
 * Messages never carry patient data: they name fields (paths) and rules, not values.
 */
export type ErrorCode =
  | "INVALID_JSON"
  | "VALIDATION_FAILED"
  | "UNKNOWN_FORM"
  | "FORM_DEFINITION_INVALID"
  | "BAD_PASSPHRASE"
  | "BAD_KEYSTORE"
  | "NOT_A_PDF"
  | "PDF_UNSUPPORTED"
  // An encrypted (password-protected) PDF: Passerelle does not decrypt what it is asked to seal.
  | "PDF_ENCRYPTED"
  | "SIGNATURE_INVALID"
  | "SIGNATURE_TOO_LARGE"
  | "CONFIG_INVALID"
  | "NOT_FOUND"
  | "CONFLICT"
  | "FORBIDDEN"
  // A Matrix user outside the CPTS's trust policy (allowed homeservers, src/trust).
  | "TRUST_POLICY"
  | "UNAUTHENTICATED"
  | "IO_ERROR"
  // Not ready yet, try again later (e.g. a room the hub's sync has not caught up with).
  | "UNAVAILABLE"
  | "INTERNAL"
  // HTTP API
  | "PAYLOAD_TOO_LARGE"
  | "UNSUPPORTED_MEDIA_TYPE"
  | "RATE_LIMITED"
  // Reading CDA R2 documents: hostile XML constructs (DOCTYPE, entities, unknown encoding),
  // XML that is not well-formed, and a well-formed document that breaks a CDA / CI-SIS rule.
  | "XML_REFUSED"
  | "XML_MALFORMED"
  | "CDA_INVALID"
  // A method the path does not have (RFC 9110 §15.5.6; the response lists the path's in `Allow`)
  | "METHOD_NOT_ALLOWED"
  // An HTTP/1.1 message the server cannot parse (RFC 9112), or whose request line and header
  // fields exceed the server's limit (RFC 6585 §5)
  | "BAD_REQUEST"
  | "HEADERS_TOO_LARGE";

/** HTTP status of each code — `Record` makes a missing code a compile error. */
export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_JSON: 400,
  VALIDATION_FAILED: 422,
  UNKNOWN_FORM: 422,
  FORM_DEFINITION_INVALID: 500,
  BAD_PASSPHRASE: 400,
  BAD_KEYSTORE: 400,
  NOT_A_PDF: 415,
  PDF_UNSUPPORTED: 422,
  PDF_ENCRYPTED: 422,
  SIGNATURE_INVALID: 422,
  SIGNATURE_TOO_LARGE: 500,
  CONFIG_INVALID: 500,
  NOT_FOUND: 404,
  CONFLICT: 409,
  FORBIDDEN: 403,
  TRUST_POLICY: 422,
  UNAUTHENTICATED: 401,
  IO_ERROR: 500,
  UNAVAILABLE: 503,
  INTERNAL: 500,
  // HTTP API
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  XML_REFUSED: 422,
  XML_MALFORMED: 400,
  CDA_INVALID: 422,
  METHOD_NOT_ALLOWED: 405,
  BAD_REQUEST: 400,
  HEADERS_TOO_LARGE: 431,
};

/** One problem with one field of the input, in French and English. */
export interface FieldIssue {
  /** JSON-pointer-like dotted path, e.g. `data.patient.ins`. */
  readonly path: string;
  /** Stable rule name, e.g. `required`, `maxLength`, `ins.key`. */
  readonly rule: string;
  readonly message: { readonly fr: string; readonly en: string };
}

export class PasserelleError extends Error {
  readonly code: ErrorCode;
  readonly issues: readonly FieldIssue[];

  constructor(
    code: ErrorCode,
    message: string,
    options?: { issues?: readonly FieldIssue[]; cause?: unknown },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.name = "PasserelleError";
    this.code = code;
    this.issues = options?.issues ?? [];
  }

  get httpStatus(): number {
    return HTTP_STATUS[this.code];
  }
}

/**
 * An error with one issue: the input at `path` breaks `rule`, said in English and French; `summary`
 * is the error's own message. Neither names the offending value.
 */
export function fieldError(
  code: ErrorCode,
  summary: string,
  path: string,
  rule: string,
  message: FieldIssue["message"],
): PasserelleError {
  return new PasserelleError(code, summary, { issues: [{ path, rule, message }] });
}

export function isPasserelleError(e: unknown): e is PasserelleError {
  return e instanceof PasserelleError;
}
