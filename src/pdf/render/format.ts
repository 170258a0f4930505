import type { Field, FormDefinition, ScalarField } from "../../forms/definition.ts";

/** Reads a dotted path (`patient.lastName`) from sheet data; undefined when absent. */
export function valueAt(data: Readonly<Record<string, unknown>>, path: string): unknown {
  let cur: unknown = data;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

/** True when a field value carries something worth printing. */
export function isPresent(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === "string") return v.trim() !== "";
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === "object") return Object.values(v).some(isPresent);
  return true;
}

const PARIS_DATE = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
});
const PARIS_DATETIME = new Intl.DateTimeFormat("fr-FR", {
  timeZone: "Europe/Paris",
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
});

/** `1948-03-12` → `12/03/1948` (calendar date: no time zone shift). */
export function formatDate(iso: string): string {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return m ? `${m[3] ?? ""}/${m[2] ?? ""}/${m[1] ?? ""}` : iso;
}

/** An instant, shown in French civil time (Europe/Paris) as a French reader expects. */
export function formatDateTime(value: string | Date): string {
  const d = typeof value === "string" ? new Date(value) : value;
  return Number.isNaN(d.getTime()) ? String(value) : PARIS_DATETIME.format(d).replace(" ", " à ");
}

export function formatInstantDate(d: Date): string {
  return PARIS_DATE.format(d);
}

/** Groups an INS-NIR as printed on the carte Vitale: `1 48 03 75 112 047 86`. */
export function formatNir(nir: string): string {
  const m = /^(\w)(\w{2})(\w{2})(\w{2})(\w{3})(\w{3})(\w{2})$/.exec(nir);
  return m ? m.slice(1).join(" ") : nir;
}

/** Human text of one scalar value, in French. */
export function formatScalar(field: ScalarField, v: unknown): string {
  if (v === undefined || v === null) return "";
  switch (field.type) {
    case "enum":
      return field.options.find((o) => o.value === v)?.label.fr ?? (typeof v === "string" ? v : "");
    case "boolean":
      return v === true ? "Oui" : "Non";
    case "date":
      return typeof v === "string" ? formatDate(v) : "";
    case "datetime":
      return typeof v === "string" ? formatDateTime(v) : "";
    case "ins":
      return typeof v === "string" ? formatNir(v) : "";
    case "text":
    case "longtext":
    case "integer":
    case "rpps":
    case "adeli":
    case "finess":
    case "siret":
    case "phone":
    case "email":
      return typeof v === "string" || typeof v === "number" ? String(v) : "";
  }
}

/** The patient line printed on every page: `DUPONT Marie — née le 12/03/1948 — INS 2 48 …`. */
export function patientLine(form: FormDefinition, data: Readonly<Record<string, unknown>>): string {
  const name = form.header.patientName
    .map((p) => valueAt(data, p))
    .filter((v): v is string => typeof v === "string" && v !== "")
    .join(" ");
  const birth = valueAt(data, form.header.patientBirthDate);
  const ins = form.header.patientIns === undefined ? undefined : valueAt(data, form.header.patientIns);
  const parts = [name];
  if (typeof birth === "string") parts.push(`né(e) le ${formatDate(birth)}`);
  if (typeof ins === "string" && ins !== "") parts.push(`INS ${formatNir(ins)}`);
  return parts.join(" — ");
}

export function isScalar(f: Field): f is ScalarField {
  return f.type !== "list" && f.type !== "table" && f.type !== "group";
}
