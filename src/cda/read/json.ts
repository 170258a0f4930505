/**
 * The JSON view of a read CDA document (`document read --json`): header fields,
 * sections as title + text, and for a non-structured document the embedded file's digest and size
 * (`pdf` when it is a PDF) — never its bytes.
 */
import type { CdaSection } from "./body.ts";
import type { CdaReading } from "./read.ts";

export interface CdaSectionJson {
  readonly code?: string;
  readonly title?: string;
  readonly text: string;
  readonly sections?: readonly CdaSectionJson[];
}

const sectionJson = (s: CdaSection): CdaSectionJson => ({
  ...(s.code === undefined ? {} : { code: s.code.code }),
  ...(s.title === undefined ? {} : { title: s.title }),
  text: s.text,
  ...(s.sections.length === 0 ? {} : { sections: s.sections.map(sectionJson) }),
});

/** `pdfPath`: where the embedded PDF was written, when it was. */
export function readingJson(r: CdaReading, pdfPath?: string): Record<string, unknown> {
  const embedded = r.body.kind === "nonXML" ? r.body.embedded : undefined;
  const file =
    embedded === undefined
      ? undefined
      : {
          mediaType: embedded.mediaType,
          sha256: embedded.sha256,
          bytes: embedded.bytes.length,
          ...(pdfPath === undefined ? {} : { path: pdfPath }),
        };
  return {
    id: r.id,
    setId: r.setId ?? null,
    versionNumber: r.versionNumber ?? null,
    code: r.code,
    title: r.title ?? null,
    effectiveTime: r.effectiveTime ?? null,
    volet: r.volet ?? null,
    templateIds: r.templateIds,
    patient: r.patient,
    author: r.author,
    legalAuthenticator: r.legalAuthenticator ?? null,
    custodian: r.custodian ?? null,
    recipients: r.recipients,
    replaces: r.replaces ?? null,
    related: r.related,
    encounter: r.encounter ?? null,
    body: r.body.kind,
    sections: r.body.kind === "structured" ? r.body.sections.map(sectionJson) : [],
    ...(file === undefined
      ? {}
      : embedded?.mediaType === "application/pdf"
        ? { pdf: file }
        : { attachment: file }),
    ...(r.sheet === undefined ? {} : { sheet: r.sheet }),
  };
}
