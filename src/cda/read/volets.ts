/**
 * The liaison sheet's fields read back from the CI-SIS volets Passerelle writes — LDL-SES 2022.01
 * (`discharge`), LDL-EES 2022.01 (`admission`), TLM-DA 2022.01 (`teleexpertise-request`), TLM-CR
 * 2022.01 (`teleexpertise-answer`) — following the writer's narrative conventions
 * (`<paragraph><content styleCode="Bold">Label : </content>value</paragraph>`, one paragraph per
 * further line; tables with a header row; lists with a caption) and its header mapping (patient
 * traits, author, recipients, encounter). Documents from other producers fill what matches; the
 * rest of their content is in the sections' text.
 */
import type { CdaBody, CdaSection } from "./body.ts";
import { attr, child, descend, elements, HL7, textOf } from "./dom.ts";
import { flattenNarrative } from "./narrative.ts";
import type { CdaPatient } from "./patient.ts";
import { birthPlaceCode } from "./patient.ts";
import { person, recipient, type CdaRecipient } from "./participants.ts";
import { VOLET_SPECS, type FieldKind, type JoinedFields, type SectionSpec } from "./volet-specs.ts";
import type { XElement } from "./xml.ts";

export type CdaVoletName = "LDL-SES" | "LDL-EES" | "TLM-DA" | "TLM-CR";

export interface SheetFields {
  /** The Passerelle form the volet corresponds to. */
  readonly form: "discharge" | "admission" | "teleexpertise-request" | "teleexpertise-answer";
  /** Sheet data, by form section then field, as far as the document holds them. */
  readonly data: Record<string, Record<string, unknown>>;
}

const FORMS: Record<CdaVoletName, SheetFields["form"]> = {
  "LDL-SES": "discharge",
  "LDL-EES": "admission",
  "TLM-DA": "teleexpertise-request",
  "TLM-CR": "teleexpertise-answer",
};

/** The volet by the document's templateId (TLM-CR: IHE XDS-SD with LOINC 85208-7). */
export function voletOf(templateIds: readonly string[], loinc: string): CdaVoletName | undefined {
  if (templateIds.includes("1.2.250.1.213.1.1.1.29")) return "LDL-SES";
  if (templateIds.includes("1.2.250.1.213.1.1.1.21")) return "LDL-EES";
  if (templateIds.includes("1.2.250.1.213.1.1.1.38")) return "TLM-DA";
  if (templateIds.includes("1.3.6.1.4.1.19376.1.2.20") && loinc === "85208-7") return "TLM-CR";
  return undefined;
}

export interface VoletInput {
  readonly doc: XElement;
  readonly body: CdaBody;
  readonly patient: CdaPatient;
  readonly encounter: { readonly start?: string; readonly end?: string; readonly unit?: string } | undefined;
}

type Data = Record<string, Record<string, unknown>>;

function set(data: Data, path: string, value: unknown): void {
  if (value === undefined || value === "") return;
  const keys = path.split(".");
  const last = keys.pop() ?? "";
  let cur: Record<string, unknown> = data;
  for (const k of keys) {
    const next = cur[k];
    if (typeof next === "object" && next !== null && !Array.isArray(next))
      cur = next as Record<string, unknown>;
    else cur = cur[k] = {};
  }
  cur[last] = value;
}

/** G15 profession codes (TRE_G15-ProfessionSante, specialty SM26 = general practice) → form values. */
const PROFESSION: Readonly<Record<string, string>> = {
  "G15_10/SM26": "gp",
  G15_10: "specialist",
  G15_60: "nurse",
  G15_21: "pharmacist",
  G15_70: "physio",
  G15_50: "midwife",
  G15_40: "dentist",
};

function telecom(role: XElement | undefined, scheme: "tel:" | "mailto:"): string | undefined {
  const t = elements(role ?? ({ children: [] } as unknown as XElement))
    .filter((e) => e.ns === HL7 && e.local === "telecom")
    .map((e) => attr(e, "value"))
    .find((v) => v?.startsWith(scheme));
  return t?.slice(scheme.length);
}

export function sheetFields(volet: CdaVoletName, input: VoletInput): SheetFields {
  const data: Data = {};
  const { doc, patient } = input;
  set(data, "patient.lastName", patient.usedFamily ?? patient.family);
  if (patient.family !== undefined && patient.family !== (patient.usedFamily ?? patient.family)) {
    set(data, "patient.birthName", patient.family);
  }
  set(data, "patient.firstNames", patient.given);
  const firstWord = patient.given?.split(/\s+/)[0];
  if (patient.usedGiven !== undefined && patient.usedGiven !== firstWord)
    set(data, "patient.usedFirstName", patient.usedGiven);
  set(data, "patient.birthDate", patient.birthDate);
  set(data, "patient.sex", patient.sex === "UN" ? "I" : patient.sex);
  set(data, "patient.birthPlaceCode", birthPlaceCode(doc));
  set(data, "patient.ins", patient.ins);
  const role = descend(doc, "recordTarget", "patientRole");
  set(data, "patient.address", textOf(descend(role, "addr", "streetAddressLine")));
  set(data, "patient.phone", attr(child(role, "telecom"), "value")?.replace(/^tel:/, ""));
  header(volet, input, data);
  if (input.body.kind === "structured") {
    const specs = VOLET_SPECS[volet];
    for (const s of allSections(input.body.sections)) {
      const spec = specs.find((x) => x.loinc === s.code?.code);
      if (spec !== undefined && s.narrative !== undefined) readNarrative(s.narrative, spec, data);
    }
  }
  return { form: FORMS[volet], data };
}

function allSections(sections: readonly CdaSection[]): CdaSection[] {
  return sections.flatMap((s) => [s, ...allSections(s.sections)]);
}

function header(volet: CdaVoletName, { doc, encounter }: VoletInput, data: Data): void {
  const authorRole = descend(doc, "author", "assignedAuthor");
  const author = person(authorRole, "assignedPerson", "representedOrganization");
  const profession = author?.profession?.code;
  const professionValue = profession === undefined ? undefined : (PROFESSION[profession] ?? "other");
  const recipients = elements(doc)
    .filter((e) => e.ns === HL7 && e.local === "informationRecipient")
    .map(recipient)
    .filter((r): r is CdaRecipient => r !== undefined);
  const written = isoDateTime(attr(child(doc, "effectiveTime"), "value"));
  const who = (r: { name?: string; rpps?: string } | undefined): Record<string, string> | undefined =>
    r?.name === undefined ? undefined : { name: r.name, ...(r.rpps === undefined ? {} : { rpps: r.rpps }) };
  const day = (v: string | undefined): string | undefined => v?.slice(0, 10);
  switch (volet) {
    case "LDL-SES":
      set(data, "establishment.name", author?.structure?.name);
      set(data, "establishment.finess", author?.structure?.finess);
      set(data, "establishment.unit", encounter?.unit);
      set(data, "practitioners.hospitalDoctor", who(author));
      set(data, "practitioners.gp", who(recipients[0]));
      set(data, "practitioners.referrer", who(recipients[1]));
      set(data, "stay.admissionDate", day(encounter?.start));
      set(data, "stay.dischargeDate", day(encounter?.end));
      set(data, "recipients.writtenAt", written);
      break;
    case "LDL-EES":
      set(data, "sender.name", author?.name);
      set(data, "sender.rpps", author?.rpps);
      set(data, "sender.adeli", author?.adeli);
      set(data, "sender.structureName", author?.structure?.name);
      set(data, "sender.finess", author?.structure?.finess);
      set(data, "sender.writtenAt", written);
      set(data, "sender.profession", professionValue);
      set(data, "sender.phone", telecom(authorRole, "tel:"));
      set(data, "sender.secureEmail", telecom(authorRole, "mailto:"));
      set(data, "careTeam.gp", who(recipients[0]));
      break;
    case "TLM-DA":
      set(data, "requester.name", author?.name);
      set(data, "requester.rpps", author?.rpps);
      set(data, "requester.practice", author?.structure?.name);
      set(data, "expert.name", recipients[0]?.name);
      set(data, "expert.rpps", recipients[0]?.rpps);
      set(data, "request.requestedAt", written);
      set(data, "requester.profession", professionValue);
      set(data, "requester.phone", telecom(authorRole, "tel:"));
      set(data, "requester.secureEmail", telecom(authorRole, "mailto:"));
      break;
    case "TLM-CR":
      set(data, "expert.name", author?.name);
      set(data, "expert.rpps", author?.rpps);
      set(data, "request.requesterName", recipients[0]?.name);
      set(data, "answer.answeredAt", written);
      set(data, "expert.phone", telecom(authorRole, "tel:"));
      break;
  }
}

/** TS `YYYYMMDDHHMMSS±ZZZZ` → RFC 3339; undefined when not a full date-time. */
function isoDateTime(v: string | undefined): string | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})?([+-]\d{4})$/.exec(v ?? "");
  if (m === null) return undefined;
  return `${m[1]}-${m[2]}-${m[3]}T${m[4]}:${m[5]}:${m[6] ?? "00"}${(m[7] ?? "").slice(0, 3)}:${(m[7] ?? "").slice(3)}`;
}

function convert(kind: FieldKind, raw: string): unknown {
  const v = raw.trim();
  if (kind === "text") return v;
  if (kind === "bool") return /^oui\.?$/i.test(v) ? true : /^non\.?$/i.test(v) ? false : undefined;
  if (kind === "date") {
    const m = /^(\d{2})\/(\d{2})\/(\d{4})$/.exec(v);
    return m === null ? undefined : `${m[3]}-${m[2]}-${m[1]}`;
  }
  if (kind === "integer") return /^\d+$/.test(v) ? Number(v) : undefined;
  if (kind === "datetime") {
    const m = /^(\d{2})\/(\d{2})\/(\d{4})(?: (\d{2}) h (\d{2}))?$/.exec(v);
    if (m === null) return v;
    return `${m[3] ?? ""}-${m[2] ?? ""}-${m[1] ?? ""}${m[4] === undefined ? "" : `T${m[4]}:${m[5] ?? "00"}`}`;
  }
  if (kind === "split") return v;
  return Object.entries(kind).find(([, label]) => label === v)?.[0];
}

/**
 * A joined label (`name — phone — email — availability`): the part with `@` is the email, the one
 * shaped like a phone number the phone; what comes before them is the first other field (it may
 * itself hold the separator), what comes after, the second.
 */
function readJoined(raw: string, separator: string, f: JoinedFields, data: Data): void {
  const parts = raw.split(separator).map((p) => p.trim());
  const email = parts.findIndex((p) => p.includes("@"));
  const phone = parts.findIndex((p) => /^\+?[\d .()-]{6,}$/.test(p));
  if (f.email !== undefined && email >= 0) set(data, f.email, parts[email]);
  if (f.phone !== undefined && phone >= 0) set(data, f.phone, parts[phone]);
  const marks = [email, phone].filter((i) => i >= 0);
  if (f.layout === "sequence") {
    const rest = parts.filter((_, i) => !marks.includes(i));
    f.others.forEach((path, i) => {
      set(data, path, rest[i]);
    });
    return;
  }
  const [first, second] = f.others;
  if (marks.length === 0) {
    if (first !== undefined) set(data, first, parts[0]);
    if (second !== undefined) set(data, second, parts.slice(1).join(separator));
    return;
  }
  if (first !== undefined) set(data, first, parts.slice(0, Math.min(...marks)).join(separator));
  if (second !== undefined) set(data, second, parts.slice(Math.max(...marks) + 1).join(separator));
}

/** Elements with an `ID` attribute anywhere below `el`. */
function byId(el: XElement, out = new Map<string, XElement>()): Map<string, XElement> {
  for (const c of elements(el)) {
    const id = attr(c, "ID");
    if (id !== undefined) out.set(id, c);
    byId(c, out);
  }
  return out;
}

function readNarrative(text: XElement, spec: SectionSpec, data: Data): void {
  if (spec.ids !== undefined) {
    const ids = byId(text);
    for (const [id, f] of Object.entries(spec.ids)) {
      const v = textOf(ids.get(id));
      if (v !== undefined) set(data, f.path, convert(f.kind, v));
    }
  }
  let current: { path: string; kind: FieldKind; lines: string[] } | undefined;
  const close = (): void => {
    if (current !== undefined) set(data, current.path, convert(current.kind, current.lines.join("\n")));
    current = undefined;
  };
  const free: string[] = [];
  let paragraphs = 0;
  for (const block of elements(text)) {
    if (block.local === "paragraph") {
      paragraphs++;
      const first = elements(block)[0];
      const bold =
        first !== undefined && first.local === "content" && /Bold/.test(attr(first, "styleCode") ?? "");
      const whole = textOf(block) ?? "";
      const sentence = spec.sentences?.find((s) => whole.startsWith(s.prefix));
      if (sentence !== undefined) {
        close();
        set(
          data,
          sentence.path,
          convert(sentence.kind, whole.slice(sentence.prefix.length).replace(/\.$/, "")),
        );
        continue;
      }
      if (bold) {
        close();
        const label = (textOf(first) ?? "").replace(/\s*:\s*$/, "");
        const field = spec.labels?.[label];
        const rest = whole.slice((textOf(first) ?? "").length).trim();
        const joined = spec.joined?.[label];
        if (joined !== undefined) readJoined(rest, joined.separator, joined.fields, data);
        if (field !== undefined) current = { path: field.path, kind: field.kind, lines: [rest] };
        continue;
      }
      if (spec.placeholders?.includes(whole) === true) continue;
      if (current !== undefined) current.lines.push(whole);
      else if (spec.paragraphs !== undefined) free.push(whole);
      else if (spec.enumParagraph !== undefined)
        set(data, spec.enumParagraph.path, convert(spec.enumParagraph.kind, whole));
    } else if (block.local === "table") {
      close();
      readTable(block, spec, data);
    } else if (block.local === "list") {
      close();
      const caption = textOf(child(block, "caption"));
      const path = caption === undefined ? spec.list : spec.captionedLists?.[caption];
      const items = elements(block)
        .filter((i) => i.local === "item")
        .map((i) => textOf(i) ?? "")
        .filter((i) => i !== "");
      if (path !== undefined && items.length > 0) set(data, path, items);
    }
  }
  close();
  if (spec.paragraphs !== undefined) {
    set(data, spec.paragraphs, paragraphs > 0 ? free.join("\n") : flattenNarrative(text));
  }
}

function readTable(table: XElement, spec: SectionSpec, data: Data): void {
  const headers = elements(descend(table, "thead", "tr") ?? table)
    .filter((c) => c.local === "th")
    .map((c) => textOf(c) ?? "");
  const t = spec.tables?.find((x) => x.headers[0] === headers[0]);
  if (t === undefined) return;
  const rows = elements(child(table, "tbody") ?? table)
    .filter((r) => r.local === "tr")
    .map((tr) => {
      const cells = elements(tr).filter((c) => c.local === "td");
      const row: Record<string, unknown> = {};
      t.columns.forEach((col, i) => {
        const raw = textOf(cells[i]);
        if (raw !== undefined) {
          const v = convert(col.kind, raw);
          if (v !== undefined) row[col.key] = v;
        }
      });
      return row;
    })
    .filter((r) => Object.keys(r).length > 0);
  if (rows.length > 0) set(data, t.path, rows);
}
