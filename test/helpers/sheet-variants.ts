/**
 * Variants of a form's example sheet for conformance tests: only the required fields; every field
 * filled; every text at its maximum length with accents and XML-special characters.
 */
import type { Field, FormDefinition, ScalarField } from "../../src/forms/index.ts";

type Data = Record<string, Record<string, unknown>>;

/** Only the required fields of `data` (required groups keep their required fields; tables with minRows keep that many rows). */
export function onlyRequired(form: FormDefinition, data: Data): Data {
  const keep = (fields: readonly Field[], src: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = {};
    for (const f of fields) {
      const v = src[f.id];
      if (v === undefined || f.required !== true) {
        if (f.type === "table" && (f.minRows ?? 0) > 0 && Array.isArray(v)) out[f.id] = v.slice(0, f.minRows);
        continue;
      }
      out[f.id] = f.type === "group" ? keep(f.fields, v as Record<string, unknown>) : v;
    }
    return out;
  };
  return Object.fromEntries(form.sections.map((s) => [s.id, keep(s.fields, data[s.id] ?? {})]));
}

const SAMPLE = 'Évolution « favorable » & <stable> — œdème, Ça va ; 5 > 3 ‘quote’ "dq" ';

/** Text fields with a format of their own (INSEE COG commune code). */
const FIXED: Record<string, string> = { birthPlaceCode: "75112" };

/** A value for a scalar field: `long` fills texts to their maxLength. */
function scalar(f: ScalarField, long: boolean): unknown {
  const fixed = FIXED[f.id];
  if (fixed !== undefined) return fixed;
  switch (f.type) {
    case "text":
      return long
        ? SAMPLE.repeat(Math.ceil(f.maxLength / SAMPLE.length))
            .slice(0, f.maxLength)
            .trim()
        : "Texte accentué éèà ç & <ok>";
    case "longtext": {
      const line = `${SAMPLE}\n`;
      return long
        ? line
            .repeat(Math.ceil(f.maxLength / line.length))
            .slice(0, f.maxLength)
            .trim()
        : "Première ligne é.\nDeuxième ligne & <fin>.";
    }
    case "date":
      return "2026-01-10";
    case "datetime":
      return "2026-01-10T08:30:00+01:00";
    case "enum":
      return f.options[0]?.value;
    case "boolean":
      return true;
    case "integer":
      return f.minimum ?? 1;
    case "rpps":
      return "99900001019";
    case "adeli":
      return "757068309";
    case "finess":
      return "699990016";
    case "ins":
      return "248037511204721";
    case "siret":
      return "35600000000048";
    case "phone":
      return "01 23 45 67 89";
    case "email":
      return "exemple@hopital.mssante.fr";
  }
}

/**
 * `data` with every absent field set (and, when `long`, every text field of the form — present or
 * not — replaced by a maximal accented text). Values keep the example's meaning where present.
 */
export function everyField(form: FormDefinition, data: Data, long = false): Data {
  const fill = (fields: readonly Field[], src: Record<string, unknown>): Record<string, unknown> => {
    const out: Record<string, unknown> = { ...src };
    for (const f of fields) {
      const v = src[f.id];
      if (f.type === "group") out[f.id] = fill(f.fields, (v as Record<string, unknown> | undefined) ?? {});
      else if (f.type === "list")
        out[f.id] = long
          ? Array.from({ length: f.maxItems }, (_, i) => `${String(i)} ${SAMPLE}`.slice(0, f.itemMaxLength))
          : (v ?? ["Élément « un »", "Élément & deux"]);
      else if (f.type === "table") {
        const row = Object.fromEntries(f.columns.map((c) => [c.id, scalar(c, long)]));
        out[f.id] = long
          ? Array.from({ length: f.maxRows }, () => row)
          : Array.isArray(v) && v.length > 0
            ? (v as Record<string, unknown>[]).map((r) => ({ ...row, ...r }))
            : [row];
      } else if (
        v === undefined ||
        (long && (f.type === "text" || f.type === "longtext") && FIXED[f.id] === undefined)
      )
        out[f.id] = scalar(f, long);
    }
    return out;
  };
  return Object.fromEntries(form.sections.map((s) => [s.id, fill(s.fields, data[s.id] ?? {})]));
}

/** The variants every sheet with a CDA model is checked in (conformance and round trip). */
export const SHEET_VARIANTS = [
  "example",
  "example, test INS",
  "only required fields",
  "every field",
  "long accented texts",
  "every field, optional names left out",
] as const;
export type SheetVariant = (typeof SHEET_VARIANTS)[number];

/** The data of `variant` built from a form's example data. */
export function variantData(form: FormDefinition, data: Data, variant: SheetVariant): Data {
  switch (variant) {
    case "only required fields":
      return onlyRequired(form, data);
    case "every field":
      return everyField(form, data);
    case "long accented texts":
      return everyField(form, data, true);
    case "every field, optional names left out":
      return withoutOptionalNames(form, everyField(form, data));
    case "example":
    case "example, test INS":
      return data;
  }
}

/**
 * `data` without its optional name fields (`name`, `…Name`: a practitioner known by RPPS or phone
 * only, a sender without structure name…), the other fields kept.
 */
export function withoutOptionalNames(form: FormDefinition, data: Data): Data {
  const drop = (fields: readonly Field[], src: Record<string, unknown>): Record<string, unknown> => {
    const byId = new Map(fields.map((f) => [f.id, f]));
    return Object.fromEntries(
      Object.entries(src)
        .filter(([k]) => {
          const f = byId.get(k);
          return f === undefined || f.required === true || !(k === "name" || k.endsWith("Name"));
        })
        .map(([k, v]) => {
          const f = byId.get(k);
          return [k, f?.type === "group" ? drop(f.fields, v as Record<string, unknown>) : v];
        }),
    );
  };
  return Object.fromEntries(form.sections.map((s) => [s.id, drop(s.fields, data[s.id] ?? {})]));
}
