/**
 * Safe XML reading for documents received from outside (CDA R2 documents from hospitals).
 *
 * - Size: a document above {@link MAX_CDA_BYTES} is refused before any decoding or parsing.
 * - Encoding (XML 1.0 §4.3.3, appendix F): a UTF-8 or UTF-16 byte-order mark, else the
 *   `encoding` of the XML declaration — UTF-8 (the default), ISO-8859-1 / Latin-1, ISO-8859-15,
 *   windows-1252, US-ASCII. Invalid UTF-8 and any other encoding are refused.
 * - Hostile constructs: any DOCTYPE is refused (a CDA R2 document never needs one — its schema is
 *   W3C XML Schema), so no DTD, internal or external entity is ever read: no XXE, no entity
 *   expansion ("billion laughs"). The parser (saxes, strict XML 1.0 + Namespaces) knows only the
 *   five predefined entities and character references; any other entity reference is malformed.
 * - Shape: at most {@link MAX_DEPTH} nested elements and {@link MAX_ELEMENTS} elements.
 *
 * Errors never quote the document: they name the element path (XPath) and the rule.
 */
import { SaxesParser, type SaxesTagNS } from "saxes";
import { fieldError, PasserelleError } from "../../core/index.ts";

/**
 * 40 MiB: a non-structured (N1) document with a scanned PDF of about 30 MB encoded in base64
 * (4/3 larger). Structured CI-SIS documents weigh tens of kilobytes.
 */
export const MAX_CDA_BYTES = 40 * 1024 * 1024;
export const MAX_DEPTH = 200;
export const MAX_ELEMENTS = 200_000;

export const XSI = "http://www.w3.org/2001/XMLSchema-instance";

export interface XElement {
  readonly ns: string;
  readonly local: string;
  /** Attributes without namespace by local name; namespaced ones as `{uri}local`. */
  readonly attrs: Readonly<Record<string, string>>;
  readonly children: (XElement | string)[];
  /** Element path from the root, e.g. `/ClinicalDocument/recordTarget[1]/patientRole`. */
  readonly path: string;
}

export interface ParseLimits {
  readonly maxBytes?: number;
}

/** One problem, as a {@link PasserelleError} with one issue whose path is an XPath. */
export function xmlError(
  code: "XML_REFUSED" | "XML_MALFORMED" | "CDA_INVALID" | "PAYLOAD_TOO_LARGE",
  path: string,
  rule: string,
  en: string,
  fr: string,
): PasserelleError {
  return fieldError(code, `${path}: ${rule}`, path, rule, { en, fr });
}

/** Parses `bytes` into an element tree, or throws a {@link PasserelleError} (never anything else). */
export function parseXml(bytes: Uint8Array, limits: ParseLimits = {}): XElement {
  const max = limits.maxBytes ?? MAX_CDA_BYTES;
  if (bytes.byteLength > max) {
    throw xmlError(
      "PAYLOAD_TOO_LARGE",
      "/",
      "size limit",
      `the document is larger than the ${String(Math.floor(max / 1024 / 1024))} MiB limit`,
      `le document dépasse la limite de ${String(Math.floor(max / 1024 / 1024))} Mio`,
    );
  }
  return buildTree(decode(bytes));
}

const DECLARED: Readonly<Record<string, string>> = {
  "utf-8": "utf-8",
  utf8: "utf-8",
  "iso-8859-1": "latin1",
  "iso_8859-1": "latin1",
  latin1: "latin1",
  "latin-1": "latin1",
  "us-ascii": "latin1",
  ascii: "latin1",
  "windows-1252": "windows-1252",
  cp1252: "windows-1252",
  "iso-8859-15": "iso-8859-15",
  "latin-9": "iso-8859-15",
};

/** Bytes → text per the byte-order mark or the XML declaration's `encoding`. */
export function decode(bytes: Uint8Array): string {
  const b0 = bytes[0];
  const b1 = bytes[1];
  if (b0 === 0xfe && b1 === 0xff) return strict("utf-16be", bytes.subarray(2));
  if (b0 === 0xff && b1 === 0xfe) return strict("utf-16le", bytes.subarray(2));
  if (b0 === 0xef && b1 === 0xbb && bytes[2] === 0xbf) return strict("utf-8", bytes.subarray(3));
  const head = new TextDecoder("latin1").decode(bytes.subarray(0, 200));
  const declared = /^<\?xml\s[^?]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)["']/.exec(head)?.[1];
  if (declared === undefined) return strict("utf-8", bytes);
  const label = DECLARED[declared.toLowerCase()];
  if (label === undefined) {
    throw xmlError(
      "XML_REFUSED",
      "/",
      "encoding",
      "the declared encoding is not supported (UTF-8, UTF-16, ISO-8859-1, ISO-8859-15, windows-1252)",
      "l'encodage déclaré n'est pas pris en charge (UTF-8, UTF-16, ISO-8859-1, ISO-8859-15, windows-1252)",
    );
  }
  return strict(label, bytes);
}

function strict(label: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder(label, { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw xmlError(
      "XML_MALFORMED",
      "/",
      "encoding",
      `the bytes are not valid ${label.toUpperCase()}`,
      `les octets ne sont pas de l'${label.toUpperCase()} valide`,
    );
  }
}

interface Open {
  readonly el: XElement;
  readonly counts: Map<string, number>;
}

function buildTree(text: string): XElement {
  const parser = new SaxesParser({ xmlns: true, position: true });
  const stack: Open[] = [];
  let root: XElement | undefined;
  let elements = 0;
  const where = (): string => (stack.length === 0 ? "/" : (stack[stack.length - 1]?.el.path ?? "/"));
  parser.on("doctype", () => {
    throw xmlError(
      "XML_REFUSED",
      "/",
      "DOCTYPE",
      "a DOCTYPE is refused (DTDs and entities are never read; a CDA document needs none)",
      "une DOCTYPE est refusée (DTD et entités ne sont jamais lues ; un document CDA n'en a pas besoin)",
    );
  });
  parser.on("error", () => {
    throw xmlError(
      "XML_MALFORMED",
      where(),
      "well-formedness",
      `not well-formed XML (line ${String(parser.line)}, column ${String(parser.column)})`,
      `XML mal formé (ligne ${String(parser.line)}, colonne ${String(parser.column)})`,
    );
  });
  parser.on("opentag", (tag: SaxesTagNS) => {
    if (++elements > MAX_ELEMENTS || stack.length >= MAX_DEPTH) {
      throw xmlError(
        "XML_REFUSED",
        where(),
        elements > MAX_ELEMENTS ? "element count limit" : "depth limit",
        `more than ${String(elements > MAX_ELEMENTS ? MAX_ELEMENTS : MAX_DEPTH)} ${elements > MAX_ELEMENTS ? "elements" : "nested elements"}`,
        `plus de ${String(elements > MAX_ELEMENTS ? MAX_ELEMENTS : MAX_DEPTH)} éléments${elements > MAX_ELEMENTS ? "" : " imbriqués"}`,
      );
    }
    const parent = stack[stack.length - 1];
    const attrs: Record<string, string> = {};
    for (const a of Object.values(tag.attributes)) {
      if (a.prefix === "xmlns" || (a.prefix === "" && a.local === "xmlns")) continue;
      attrs[a.uri === "" ? a.local : `{${a.uri}}${a.local}`] = a.value;
    }
    let path = `/${tag.local}`;
    if (parent !== undefined) {
      const n = (parent.counts.get(tag.name) ?? 0) + 1;
      parent.counts.set(tag.name, n);
      path = `${parent.el.path}/${tag.local}${n > 1 ? `[${String(n)}]` : ""}`;
    }
    const el: XElement = { ns: tag.uri, local: tag.local, attrs, children: [], path };
    if (parent === undefined) root = el;
    else parent.el.children.push(el);
    stack.push({ el, counts: new Map() });
  });
  parser.on("closetag", () => {
    stack.pop();
  });
  const onText = (t: string): void => {
    stack[stack.length - 1]?.el.children.push(t);
  };
  parser.on("text", onText);
  parser.on("cdata", onText);
  try {
    parser.write(text).close();
  } catch (e) {
    if (e instanceof PasserelleError) throw e;
    throw xmlError("XML_MALFORMED", where(), "well-formedness", "not well-formed XML", "XML mal formé");
  }
  if (root === undefined)
    throw xmlError("XML_MALFORMED", "/", "root element", "no root element", "aucun élément racine");
  return root;
}
