/**
 * Errors as RFC 9457 problem details (`application/problem+json`): `type`, `title`, `status`,
 * `detail`, the stable `code` of {@link PasserelleError} (status from `HTTP_STATUS`, the one map)
 * and `errors: [{ path, rule, message, fr }]` naming the offending fields — never their values.
 * Body-parser, routing and rate-limit failures are mapped here too, so a client never sees a 5xx
 * for its own mistake.
 */
import type { ErrorCode, FieldIssue } from "../core/index.ts";
import { HTTP_STATUS, fieldError, PasserelleError, isPasserelleError } from "../core/index.ts";

export const PROBLEM_CONTENT_TYPE = "application/problem+json";

/** One offending field: dotted path, stable rule, English message and its French text. */
export interface ProblemFieldError {
  readonly path: string;
  readonly rule: string;
  readonly message: string;
  readonly fr: string;
}

/** The RFC 9457 document we send. */
export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly detail: string;
  readonly code: ErrorCode;
  readonly errors: readonly ProblemFieldError[];
}

const TITLES: Record<ErrorCode, string> = {
  INVALID_JSON: "Malformed JSON",
  VALIDATION_FAILED: "Validation failed",
  UNKNOWN_FORM: "Unknown form",
  FORM_DEFINITION_INVALID: "Form definition invalid",
  BAD_PASSPHRASE: "Bad passphrase",
  BAD_KEYSTORE: "Bad keystore",
  NOT_A_PDF: "Not a PDF",
  PDF_UNSUPPORTED: "PDF not supported",
  PDF_ENCRYPTED: "PDF encrypted",
  SIGNATURE_INVALID: "Signature invalid",
  SIGNATURE_TOO_LARGE: "Signature too large",
  CONFIG_INVALID: "Configuration invalid",
  NOT_FOUND: "Not found",
  CONFLICT: "Conflict",
  FORBIDDEN: "Forbidden",
  TRUST_POLICY: "Outside the trust policy",
  UNAUTHENTICATED: "Authentication required",
  IO_ERROR: "I/O error",
  UNAVAILABLE: "Service unavailable",
  INTERNAL: "Internal error",
  PAYLOAD_TOO_LARGE: "Payload too large",
  UNSUPPORTED_MEDIA_TYPE: "Unsupported media type",
  RATE_LIMITED: "Too many requests",
  XML_REFUSED: "XML refused",
  XML_MALFORMED: "Malformed XML",
  CDA_INVALID: "CDA document invalid",
  METHOD_NOT_ALLOWED: "Method not allowed",
  BAD_REQUEST: "Bad request",
  HEADERS_TOO_LARGE: "Request header fields too large",
};

/** `urn:passerelle:problem:validation-failed` for `VALIDATION_FAILED`. */
export const problemType = (code: ErrorCode): string =>
  `urn:passerelle:problem:${code.toLowerCase().replace(/_/g, "-")}`;

const problemField = (i: FieldIssue): ProblemFieldError => ({
  path: i.path,
  rule: i.rule,
  message: i.message.en,
  fr: i.message.fr,
});

/** Errors thrown by express's body parsers (`http-errors` with a `type`). */
interface ParserError {
  readonly type: string;
  readonly status?: number;
}
const isParserError = (e: unknown): e is ParserError =>
  typeof e === "object" && e !== null && "type" in e && typeof e.type === "string";

/** Maps anything thrown to a PasserelleError; unknown errors become `INTERNAL` (logged by code only). */
export function toPasserelleError(e: unknown): PasserelleError {
  if (isPasserelleError(e)) return e;
  if (isParserError(e)) {
    switch (e.type) {
      case "entity.parse.failed":
        return fieldError("INVALID_JSON", "the request body is not valid JSON", "body", "json", {
          en: "malformed JSON",
          fr: "JSON mal formé",
        });
      case "entity.too.large":
        return fieldError("PAYLOAD_TOO_LARGE", "the request body is larger than allowed", "body", "maxSize", {
          en: "too large",
          fr: "trop volumineux",
        });
      case "encoding.unsupported":
      case "charset.unsupported":
        return fieldError("UNSUPPORTED_MEDIA_TYPE", "unsupported body encoding", "content-type", "charset", {
          en: "use UTF-8",
          fr: "utiliser UTF-8",
        });
      case "request.aborted":
      case "request.size.invalid":
      case "stream.encoding.set":
        return new PasserelleError("INVALID_JSON", "the request body could not be read");
    }
  }
  return new PasserelleError("INTERNAL", "internal error", { cause: e });
}

/** The problem document of an error (the detail is the error's message: paths and rules, no values). */
export function toProblem(e: PasserelleError): Problem {
  const status = HTTP_STATUS[e.code];
  return {
    type: problemType(e.code),
    title: TITLES[e.code],
    status,
    detail: status >= 500 ? "the server could not complete the request" : e.message,
    code: e.code,
    errors: e.issues.map(problemField),
  };
}
