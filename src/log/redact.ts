/**
 * The field names pino redacts wherever they appear in a log line's fields (top level and up to
 * three objects or arrays deep): patient identity and sheet content (the liaison forms'
 * `data.patient.*` names, FHIR `Patient` names, HL7 PID content), message bodies, and secrets.
 * A second line of defence: the service logs codes, ids and reasons, never these objects.
 */
const PATIENT = [
  "patient",
  "patients",
  "data",
  "sheet",
  "ins",
  "nir",
  "matriculeINS",
  "lastName",
  "birthName",
  "firstNames",
  "usedFirstName",
  "name",
  "names",
  "family",
  "given",
  "birthDate",
  "birthTime",
  "birthPlaceCode",
  "birthplace",
  "sex",
  "gender",
  "address",
  "phone",
  "email",
  "telecom",
  "pid",
  "PID",
];

/** Message bodies (Matrix events, HL7 frames, HTTP bodies, PDFs) and their decrypted content. */
const BODIES = ["body", "formatted_body", "content", "text", "hl7", "frame", "raw", "pdf"];

/** Credentials: Matrix and API tokens, passwords, key passphrases, HTTP authorisation. */
const SECRETS = [
  "password",
  "passphrase",
  "secret",
  "token",
  "accessToken",
  "access_token",
  "refreshToken",
  "authorization",
  "Authorization",
  "cookie",
  "privateKey",
];

/** Every key above, at depth 1 to 4 (`k`, `*.k`, `*.*.k`, `*.*.*.k`). */
export const REDACTED_KEYS: readonly string[] = [...PATIENT, ...BODIES, ...SECRETS];

export const REDACTED_PATHS: readonly string[] = REDACTED_KEYS.flatMap((k) => [
  k,
  `*.${k}`,
  `*.*.${k}`,
  `*.*.*.${k}`,
]);

/** What a redacted value becomes. */
export const CENSOR = "[redacted]";
