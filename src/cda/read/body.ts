/**
 * The body of a CDA R2 document (HL7 CDA R2 §4.3):
 * - `nonXMLBody` (CI-SIS « CDA R2 niveau 1 », IHE XDS-SD 1.3.6.1.4.1.19376.1.2.20): the embedded
 *   document, `text[@representation="B64"]` base64 (RFC 4648) or plain text, with its media type;
 *   a PDF must start with `%PDF-`; an external `reference` is not followed;
 * - `structuredBody`: each section with its LOINC code, templateIds, title, narrative flattened
 *   to text, its coded entries (CI-SIS simple observations: code and value) and its sub-sections.
 */
import { createHash } from "node:crypto";
import { attr, cd, child, children, descend, elements, rawText, textOf, xsiType, type Coded } from "./dom.ts";
import { flattenNarrative } from "./narrative.ts";
import { xmlError, type XElement } from "./xml.ts";

export interface CdaEmbedded {
  readonly mediaType: string;
  readonly bytes: Buffer;
  readonly sha256: string;
}

export interface CdaEntry {
  readonly code?: Coded;
  /** BL as `true`/`false`, CD as its code, ST/ED as text, PQ as `value unit`. */
  readonly value?: string;
  readonly valueCode?: Coded;
  /** The narrative element the entry points to (`text/reference/@value` without `#`). */
  readonly ref?: string;
}

export interface CdaSection {
  readonly code?: Coded;
  readonly templateIds: readonly string[];
  readonly title?: string;
  readonly text: string;
  readonly entries: readonly CdaEntry[];
  readonly sections: readonly CdaSection[];
  /** The section's narrative element, for the readers of the volets Passerelle writes. */
  readonly narrative?: XElement;
}

export type CdaBody =
  | { readonly kind: "nonXML"; readonly embedded: CdaEmbedded }
  | { readonly kind: "structured"; readonly sections: readonly CdaSection[] };

const invalid = (path: string, rule: string, en: string, fr: string): never => {
  throw xmlError("CDA_INVALID", path, rule, en, fr);
};

export function readBody(doc: XElement): CdaBody {
  const component = child(doc, "component");
  const nonXml = child(component, "nonXMLBody");
  if (nonXml !== undefined) return { kind: "nonXML", embedded: readNonXml(nonXml) };
  const structured = child(component, "structuredBody");
  if (structured === undefined) {
    return invalid(
      component?.path ?? "/ClinicalDocument/component",
      "required",
      "the document has no body (component/nonXMLBody or component/structuredBody)",
      "le document n'a pas de corps (component/nonXMLBody ou component/structuredBody)",
    );
  }
  return {
    kind: "structured",
    sections: children(structured, "component")
      .map((c) => child(c, "section"))
      .filter((s): s is XElement => s !== undefined)
      .map(readSection),
  };
}

function readNonXml(body: XElement): CdaEmbedded {
  const text = child(body, "text");
  if (text === undefined) {
    return invalid(
      `${body.path}/text`,
      "required",
      "the non-structured body has no text",
      "le corps non structuré n'a pas de text",
    );
  }
  if (child(text, "reference") !== undefined) {
    return invalid(
      `${text.path}/reference`,
      "external reference",
      "an embedded document by external reference is not read",
      "un document joint par référence externe n'est pas lu",
    );
  }
  const mediaType = attr(text, "mediaType") ?? "text/plain";
  const representation = attr(text, "representation") ?? "TXT";
  let bytes: Buffer;
  if (representation === "B64") {
    const b64 = rawText(text).replace(/[ \t\r\n]+/g, "");
    if (b64.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(b64)) {
      return invalid(
        text.path,
        "base64",
        "the embedded document is not valid base64",
        "le document joint n'est pas du base64 valide",
      );
    }
    bytes = Buffer.from(b64, "base64");
  } else if (representation === "TXT") {
    bytes = Buffer.from(rawText(text), "utf8");
  } else {
    return invalid(
      `${text.path}/@representation`,
      "B64 or TXT",
      "representation must be B64 or TXT",
      "representation doit valoir B64 ou TXT",
    );
  }
  if (bytes.length === 0) {
    return invalid(text.path, "required", "the embedded document is empty", "le document joint est vide");
  }
  if (mediaType === "application/pdf" && bytes.subarray(0, 5).toString("latin1") !== "%PDF-") {
    return invalid(
      text.path,
      "PDF header",
      "the embedded document is not a PDF (%PDF-)",
      "le document joint n'est pas un PDF (%PDF-)",
    );
  }
  return { mediaType, bytes, sha256: createHash("sha256").update(bytes).digest("hex") };
}

export function readSection(s: XElement): CdaSection {
  const code = cd(child(s, "code"));
  const title = textOf(child(s, "title"));
  const narrative = child(s, "text");
  return {
    ...(code === undefined ? {} : { code }),
    templateIds: children(s, "templateId")
      .map((t) => attr(t, "root"))
      .filter((r): r is string => r !== undefined),
    ...(title === undefined ? {} : { title }),
    text: flattenNarrative(narrative),
    entries: children(s, "entry").flatMap((e) => elements(e).map(readEntry)),
    sections: children(s, "component")
      .map((c) => child(c, "section"))
      .filter((x): x is XElement => x !== undefined)
      .map(readSection),
    ...(narrative === undefined ? {} : { narrative }),
  };
}

function readEntry(act: XElement): CdaEntry {
  const code = cd(child(act, "code"));
  const v = child(act, "value");
  const type = xsiType(v);
  const ref = attr(descend(act, "text", "reference"), "value")?.replace(/^#/, "");
  const valueCode = type === "BL" || type === "PQ" || type === "ST" ? undefined : cd(v);
  let value: string | undefined;
  if (type === "BL") value = attr(v, "value");
  else if (type === "PQ") value = [attr(v, "value"), attr(v, "unit")].filter(Boolean).join(" ") || undefined;
  else if (valueCode !== undefined) value = valueCode.code;
  else value = textOf(v);
  return {
    ...(code === undefined ? {} : { code }),
    ...(value === undefined ? {} : { value }),
    ...(valueCode === undefined ? {} : { valueCode }),
    ...(ref === undefined ? {} : { ref }),
  };
}
