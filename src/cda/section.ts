/**
 * A CDA section (CDA R2 §4.3.4) with its CI-SIS / IHE PCC templateIds, LOINC code, title and
 * narrative, its entries and sub-sections; and the CI-SIS "simple observation" entry
 * (IHE PCC 1.3.6.1.4.1.19376.1.5.3.1.4.13, CI-SIS 1.2.250.1.213.1.1.3.48.*) used for coded facts.
 */
import { OID } from "./header.ts";
import { list, table } from "./narrative.ts";
import { el, text, type Node } from "./xml.ts";

export interface SectionSpec {
  /** Section id (a UUID root), unique in the document. */
  readonly id: string;
  readonly templateIds: readonly string[];
  readonly code: string;
  readonly display: string;
  readonly title: string;
  /** Narrative blocks; a section always has a narrative (a sentence when the form holds nothing). */
  readonly narrative: readonly Node[];
  readonly entries?: readonly Node[];
  readonly sections?: readonly Node[];
}

/** A section's fixed part, as a CI-SIS volet describes it: templateIds, LOINC code and titles. */
export type SectionHead = Omit<SectionSpec, "id" | "narrative" | "entries" | "sections">;

/**
 * An optional section whose narrative is one table: left out, and no section id drawn, when the
 * form lists no row.
 */
export function tableSection(
  sid: () => string,
  head: SectionHead,
  headers: readonly string[],
  rows: readonly (readonly (string | undefined)[])[],
): Node | undefined {
  return rows.length === 0 ? undefined : section({ ...head, id: sid(), narrative: table(headers, rows) });
}

export function section(s: SectionSpec): Node {
  const narrative = s.narrative.length > 0 ? s.narrative : [el("paragraph", {}, text("Non renseigné."))];
  return el(
    "component",
    {},
    el(
      "section",
      {},
      ...s.templateIds.map((root) => el("templateId", { root })),
      el("id", { root: s.id }),
      el("code", { code: s.code, displayName: s.display, codeSystem: OID.loinc, codeSystemName: "LOINC" }),
      el("title", {}, text(s.title)),
      el("text", {}, ...narrative),
      ...(s.entries ?? []).map((e) => el("entry", {}, e)),
      ...(s.sections ?? []),
    ),
  );
}

/** The medical devices section (IHE PCC, LOINC 46264-8) of the liaison letters; none when the form lists none. */
export function devicesSection(devices: readonly string[], sid: () => string): Node | undefined {
  if (devices.length === 0) return undefined;
  return section({
    id: sid(),
    templateIds: ["2.16.840.1.11383.10.20.1.7", "1.3.6.1.4.1.19376.1.5.3.1.1.5.3.5", "1.2.250.1.213.1.1.2.1"],
    code: "46264-8",
    display: "Dispositifs médicaux",
    title: "Dispositifs médicaux",
    narrative: list(devices),
  });
}

export interface Coded {
  readonly code: string;
  readonly display: string;
  readonly system: string;
}

/**
 * A CI-SIS simple observation: `templates` after the IHE PCC and CI-SIS parents, `code` what is
 * observed (e.g. TA_ASIP ORG-070 « Modalité d'entrée »), `value` the coded answer (CD) or a
 * boolean (BL); `ref` the narrative ID it points to.
 */
export function simpleObservation(o: {
  readonly id: string;
  readonly templates: readonly string[];
  readonly code: Coded;
  readonly ref?: string;
  readonly time: string;
  readonly value: Coded | boolean | string;
}): Node {
  const v = o.value;
  const value =
    typeof v === "boolean"
      ? el("value", { "xsi:type": "BL", value: String(v) })
      : typeof v === "string"
        ? el("value", { "xsi:type": "ST" }, text(v))
        : el("value", { "xsi:type": "CD", code: v.code, displayName: v.display, codeSystem: v.system });
  return el(
    "observation",
    { classCode: "OBS", moodCode: "EVN" },
    el("templateId", { root: "1.3.6.1.4.1.19376.1.5.3.1.4.13" }),
    el("templateId", { root: "1.2.250.1.213.1.1.3.48" }),
    ...o.templates.map((root) => el("templateId", { root })),
    el("id", { root: o.id }),
    el("code", { code: o.code.code, displayName: o.code.display, codeSystem: o.code.system }),
    o.ref === undefined ? undefined : el("text", {}, el("reference", { value: `#${o.ref}` })),
    el("statusCode", { code: "completed" }),
    el("effectiveTime", { value: o.time }),
    value,
  );
}

/** The allergies section (IHE PCC Allergies and Other Adverse Reactions, LOINC 48765-2, CI-SIS). */
export function allergiesSection(id: string, title: string, narrative: readonly Node[]): Node {
  return section({
    id,
    templateIds: ["2.16.840.1.113883.10.20.1.2", "1.3.6.1.4.1.19376.1.5.3.1.3.13", "1.2.250.1.213.1.1.2.137"],
    code: "48765-2",
    display: "Allergies, effets indésirables, alertes",
    title,
    narrative,
  });
}
