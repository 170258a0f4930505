/**
 * A PDF with its metadata as `multipart/form-data` (RFC 7578 over RFC 2046 §5.1): exactly one part
 * `document` (`application/pdf`) and one part `metadata` (`application/json`, schema
 * `DocumentMetadata` of the served document). The body is already buffered within the route's size
 * limit; parts are split on the boundary, headers read as ASCII. Refusals name the part (`document`,
 * `metadata.patient.ins`…), never its content nor a name the client chose (an unknown part is `*`).
 */
import { createHash } from "node:crypto";
import type { IncomingDocument } from "../../documents/index.ts";
import { NO_FLAGS } from "../../documents/index.ts";
import { PasserelleError } from "../../core/index.ts";
import type { FormRegistry } from "../../forms/index.ts";
import { checkIdentifier } from "../../forms/index.ts";
import { checkBody } from "../validate.ts";
import { isPdf, parseUtf8Json, refuse } from "./issues.ts";

export interface Part {
  readonly name: string;
  readonly type: string;
  readonly body: Buffer;
}

const MAX_PARTS = 8;
const bad = (rule: string, en: string, fr: string) => refuse("body", rule, en, fr);

/** The `boundary` parameter of a `multipart/form-data` content type (RFC 2046 §5.1.1: 1–70 characters). */
export function boundaryOf(contentType: string): string {
  const m = /;\s*boundary=(?:"([^"]{1,70})"|([0-9A-Za-z'()+_,./:=?-]{1,70}))\s*(?:;|$)/i.exec(contentType);
  const b = m?.[1] ?? m?.[2];
  if (b === undefined) {
    throw refuse(
      "content-type",
      "boundary",
      "multipart/form-data needs a boundary parameter",
      "multipart/form-data sans paramètre boundary",
      "UNSUPPORTED_MEDIA_TYPE",
    );
  }
  return b;
}

function headersOf(raw: string): { name?: string; type: string } {
  let name: string | undefined;
  let type = "text/plain"; // RFC 7578 §4.4
  for (const line of raw.split("\r\n")) {
    const i = line.indexOf(":");
    if (i < 0) continue;
    const key = line.slice(0, i).trim().toLowerCase();
    const value = line.slice(i + 1).trim();
    if (key === "content-disposition") {
      if (!/^form-data\s*(;|$)/i.test(value))
        throw bad("multipart", "a part is not form-data", "une partie n'est pas form-data");
      name = /;\s*name="([^"]*)"/i.exec(value)?.[1] ?? /;\s*name=([^;\s]+)/i.exec(value)?.[1];
    } else if (key === "content-type") type = value.split(";")[0]?.trim().toLowerCase() ?? type;
  }
  return { ...(name === undefined ? {} : { name }), type };
}

/** The parts of a buffered multipart body. */
export function parseMultipart(body: Buffer, boundary: string): Part[] {
  const delimiter = Buffer.from(`--${boundary}`, "latin1");
  let at = body.indexOf(delimiter);
  if (at < 0)
    throw bad("multipart", "no multipart boundary in the body", "aucune frontière multipart dans le corps");
  const parts: Part[] = [];
  for (;;) {
    at += delimiter.length;
    if (body.subarray(at, at + 2).toString("latin1") === "--") return parts; // close delimiter
    const headEnd = body.indexOf("\r\n\r\n", at);
    const next = body.indexOf(Buffer.concat([Buffer.from("\r\n"), delimiter]), at);
    if (headEnd < 0 || next < 0 || headEnd > next) {
      throw bad("multipart", "a multipart part is truncated", "une partie multipart est tronquée");
    }
    const h = headersOf(body.subarray(at, headEnd).toString("latin1"));
    if (h.name === undefined) throw bad("multipart", "a part has no name", "une partie n'a pas de nom");
    parts.push({ name: h.name, type: h.type, body: body.subarray(headEnd + 4, next) });
    if (parts.length > MAX_PARTS) throw bad("multipart", "too many parts", "trop de parties");
    at = next + 2;
  }
}

function onlyPart(parts: readonly Part[], name: string, type: string): Buffer {
  const found = parts.filter((p) => p.name === name);
  if (found.length !== 1) {
    throw refuse(
      name,
      found.length === 0 ? "required" : "single",
      found.length === 0 ? `the ${name} part is missing` : `the ${name} part is given more than once`,
      found.length === 0 ? `la partie ${name} manque` : `la partie ${name} apparaît plusieurs fois`,
    );
  }
  const part = found[0] as Part;
  if (part.type !== type) {
    throw refuse(name, "mediaType", `${type} expected`, `${type} attendu`, "UNSUPPORTED_MEDIA_TYPE");
  }
  return part.body;
}

/** The metadata part, parsed and checked against `DocumentMetadata` (paths prefixed `metadata.`). */
function metadataOf(forms: FormRegistry, bytes: Buffer) {
  const json = parseUtf8Json(bytes, "metadata", { en: "the metadata part", fr: "la partie metadata" });
  try {
    return checkBody(forms, json, "DocumentMetadata");
  } catch (e) {
    if (!(e instanceof PasserelleError)) throw e;
    const issues = e.issues.map((i) => ({
      ...i,
      path: i.path === "body" ? "metadata" : `metadata.${i.path}`,
    }));
    throw new PasserelleError(e.code, `invalid metadata: ${issues.map((i) => i.path).join(", ")}`, {
      issues,
    });
  }
}

/** The check keys a schema cannot express (rules `ins.key`, `rpps.key`, as the forms name them). */
function checkKeys(m: {
  patient: { ins: string };
  authorRpps?: string;
  recipients?: readonly string[];
}): void {
  const keyed: [string, "ins" | "rpps", string][] = [
    ["metadata.patient.ins", "ins", m.patient.ins],
    ...(m.authorRpps === undefined
      ? []
      : [["metadata.authorRpps", "rpps", m.authorRpps] as [string, "rpps", string]]),
    ...(m.recipients ?? []).map((r, i): [string, "rpps", string] => [
      `metadata.recipients.${String(i)}`,
      "rpps",
      r,
    ]),
  ];
  for (const [path, type, value] of keyed) {
    const c = checkIdentifier(type, value);
    if (!c.ok)
      throw refuse(
        path,
        `${type}.${c.reason}`,
        `not a valid ${type.toUpperCase()} (check key)`,
        `${type.toUpperCase()} non valide (clé)`,
      );
  }
}

/**
 * The request → the contract. Without `documentId`, the id is `urn:sha256:` + the PDF's SHA-256:
 * the same PDF sent twice is one document (idempotent retries).
 */
export function incomingFromMultipart(
  forms: FormRegistry,
  body: Buffer,
  contentType: string,
): IncomingDocument {
  const parts = parseMultipart(body, boundaryOf(contentType));
  for (const p of parts) {
    if (p.name !== "document" && p.name !== "metadata") {
      throw refuse(
        "*",
        "unknownPart",
        "only the parts document and metadata are accepted",
        "seules les parties document et metadata sont acceptées",
      );
    }
  }
  const pdf = onlyPart(parts, "document", "application/pdf");
  const m = metadataOf(forms, onlyPart(parts, "metadata", "application/json"));
  checkKeys(m);
  if (!isPdf(pdf))
    throw refuse("document", "pdf", "the document part is not a PDF", "la partie document n'est pas un PDF");
  const documentId = m.documentId ?? `urn:sha256:${createHash("sha256").update(pdf).digest("hex")}`;
  return {
    channel: "http",
    documentId,
    ...(m.replaces === undefined ? {} : { replaces: m.replaces }),
    typeCode: m.typeCode,
    ...(m.title === undefined ? {} : { title: m.title }),
    patient: { ...m.patient },
    ...(m.visitNumber === undefined ? {} : { visitNumber: m.visitNumber }),
    ...(m.authorRpps === undefined ? {} : { authorRpps: m.authorRpps }),
    recipients: (m.recipients ?? []).map((rpps) => ({ rpps })),
    flags: NO_FLAGS,
    content: { kind: "pdf", pdf: new Uint8Array(pdf) },
  };
}
