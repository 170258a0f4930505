/**
 * Composition sections from a form: one section per form section, in form order, with its LOINC
 * code where one is defined and a generated XHTML narrative (French labels) of the data.
 *
 * Codes marked `ans` come from the ANS CI-SIS models (LDL-SES / LDL-EES, see the domain reference);
 * those marked `ihe` are the IHE PCC section codes the CI-SIS models reuse. Every section also
 * carries Passerelle's own `form.section` code, so a reader can map it back to the form.
 */
import type { Field, FormDefinition, FormKind, Section } from "../forms/index.ts";
import type { SheetData } from "../forms/index.ts";
import { loinc, SYSTEM } from "./systems.ts";
import type { Coding, CompositionSection, Narrative, Reference } from "./types.ts";

interface Code {
  readonly code: string;
  readonly display: string;
  readonly source: "ans" | "ihe";
}

/**
 * Document type (Composition.type, DocumentReference.type) per form: the LOINC code of the sheet's
 * CI-SIS content model, the same as the CDA's `ClinicalDocument/code` (src/cda), taken from the
 * ANS value set JDV_J07_XdsTypeCode_CISIS (OID 1.2.250.1.213.1.1.5.471, published as a FHIR
 * ValueSet by the ANS "Terminologies de Santé" guide): 75496-0 "Demande d'acte de télémédecine"
 * (volet TLM-DA) and 85208-7 "CR de télémédecine" (volet TLM-CR) for tele-expertise, with the displays of that value set. The ANS
 * publishes no FHIR guide of its own for tele-expertise documents, so the CI-SIS codes apply.
 */
export const DOCUMENT_TYPE: Readonly<Record<FormKind, Code>> = {
  discharge: { code: "11490-0", display: "Physician Discharge summary", source: "ans" },
  admission: { code: "18761-7", display: "Provider-unspecified transfer summary", source: "ans" },
  "teleexpertise-request": { code: "75496-0", display: "Demande d'acte de télémédecine", source: "ans" },
  "teleexpertise-answer": { code: "85208-7", display: "CR de télémédecine", source: "ans" },
  // ADT notices: no ANS model; a generic episode summary type until one is published.
  "admission-notice": { code: "34133-9", display: "Summary of episode note", source: "ihe" },
  "discharge-notice": { code: "34133-9", display: "Summary of episode note", source: "ihe" },
};

/** LOINC section codes by `form.section`. */
export const SECTION_CODES: Readonly<Record<string, Code>> = {
  "discharge.reason": { code: "42349-1", display: "Reason for referral", source: "ans" },
  "discharge.synthesis": { code: "8648-8", display: "Hospital course", source: "ihe" },
  "discharge.treatments": { code: "10183-2", display: "Hospital discharge medications", source: "ans" },
  "discharge.followUp": { code: "18776-5", display: "Plan of care note", source: "ans" },
  "discharge.devices": { code: "46264-8", display: "History of medical device use", source: "ihe" },
  "discharge.allergies": { code: "48765-2", display: "Allergies and adverse reactions", source: "ihe" },
  "admission.referral": { code: "42349-1", display: "Reason for referral", source: "ans" },
  "admission.treatments": { code: "42346-7", display: "Medications on admission", source: "ihe" },
  "admission.allergies": { code: "48765-2", display: "Allergies and adverse reactions", source: "ihe" },
  "admission.history": { code: "11348-0", display: "History of past illness", source: "ihe" },
  "admission.autonomy": { code: "47420-5", display: "Functional status assessment note", source: "ihe" },
  "admission.devices": { code: "46264-8", display: "History of medical device use", source: "ihe" },
  "admission.wishes": { code: "42348-3", display: "Advance directives", source: "ihe" },
  "teleexpertise-request.request": { code: "42349-1", display: "Reason for referral", source: "ihe" },
  "teleexpertise-answer.answer": { code: "51848-0", display: "Evaluation note", source: "ihe" },
};

const escape = (s: string): string =>
  s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

/** Text of a scalar value: enum labels in French, Oui/Non, numbers; line breaks kept. */
function scalar(field: Field, v: unknown): string {
  if (field.type === "enum") {
    const opt = field.options.find((o) => o.value === v);
    return escape(opt?.label.fr ?? String(v));
  }
  if (typeof v === "boolean") return v ? "Oui" : "Non";
  if (typeof v === "number") return String(v);
  return escape(typeof v === "string" ? v : JSON.stringify(v)).replace(/\n/g, "<br/>");
}

function fieldHtml(field: Field, v: unknown): string {
  if (field.type !== "group" && field.type !== "list" && field.type !== "table") return scalar(field, v);
  switch (field.type) {
    case "group": {
      const obj = (v ?? {}) as Record<string, unknown>;
      return fieldsTable(field.fields, obj);
    }
    case "list":
      return `<ul>${(v as unknown[]).map((i) => `<li>${escape(String(i))}</li>`).join("")}</ul>`;
    case "table": {
      const rows = v as Record<string, unknown>[];
      const head = field.columns.map((c) => `<th>${escape(c.label.fr)}</th>`).join("");
      const body = rows
        .map(
          (r) =>
            `<tr>${field.columns.map((c) => `<td>${r[c.id] === undefined ? "" : scalar(c, r[c.id])}</td>`).join("")}</tr>`,
        )
        .join("");
      return `<table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table>`;
    }
  }
}

function fieldsTable(fields: readonly Field[], data: Readonly<Record<string, unknown>>): string {
  const rows = fields
    .filter(
      (f) =>
        data[f.id] !== undefined && !(Array.isArray(data[f.id]) && (data[f.id] as unknown[]).length === 0),
    )
    .map((f) => `<tr><th>${escape(f.label.fr)}</th><td>${fieldHtml(f, data[f.id])}</td></tr>`);
  return rows.length === 0 ? "<p>Non renseigné</p>" : `<table><tbody>${rows.join("")}</tbody></table>`;
}

/** The generated XHTML narrative of one form section. */
export function sectionNarrative(section: Section, data: Readonly<Record<string, unknown>>): Narrative {
  return {
    status: "generated",
    div: `<div xmlns="http://www.w3.org/1999/xhtml">${fieldsTable(section.fields, data)}</div>`,
  };
}

/** Codings of a section: LOINC where known, then Passerelle's `form.section`. */
export function sectionCoding(form: FormKind, sectionId: string): Coding[] {
  const key = `${form}.${sectionId}`;
  const code = SECTION_CODES[key];
  const own: Coding = { system: SYSTEM.formSection, code: key };
  return code === undefined ? [own] : [loinc(code.code, code.display), own];
}

/** Composition sections for every form section present in the data, in form order. */
export function compositionSections(
  form: FormDefinition,
  data: SheetData,
  entries: Readonly<Record<string, readonly Reference[]>>,
): CompositionSection[] {
  return form.sections
    .filter((s) => data[s.id] !== undefined)
    .map((s) => {
      const refs = entries[s.id] ?? [];
      return {
        title: s.label.fr,
        code: { coding: sectionCoding(form.id, s.id), text: s.label.fr },
        text: sectionNarrative(s, data[s.id] ?? {}),
        ...(refs.length === 0 ? {} : { entry: [...refs] }),
      };
    });
}
