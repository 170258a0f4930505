/**
 * fast-check arbitraries of sheet data from a form definition: every field type with values its
 * validation accepts (identifiers with valid keys, phones in the accepted shapes, RFC 3339
 * date-times with any offset, accented texts with XML-special characters and line breaks),
 * optional fields and groups present or not, tables and lists of 0–3 rows.
 */
import fc from "fast-check";
import type { Field, FormDefinition, ScalarField } from "../../src/forms/index.ts";

type Data = Record<string, Record<string, unknown>>;

const IDS: Record<string, readonly string[]> = {
  rpps: ["99900001019", "99900002025", "99900005051"],
  adeli: ["757068309"],
  finess: ["699990016", "2A9990025"],
  ins: ["248037511204721", "152072A00412356", "139081305521426"],
  siret: ["35600000000048"],
};
/** Letters, accents, XML-special characters, the separators of the narrative, spaces. */
const CHARS = Array.from("abcdeéèàçœÉÀZ019 ,;:.-—«»&<>\"'’()/@");
const FIXED: Record<string, fc.Arbitrary<string>> = {
  birthPlaceCode: fc.constantFrom("75112", "2A004", "13055"),
};

const chars = (max: number, min = 1): fc.Arbitrary<string> =>
  fc
    .array(fc.constantFrom(...CHARS), { minLength: min, maxLength: Math.max(min, max) })
    .map((a) => a.join(""));

const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
const day = fc
  .date({ min: new Date("1900-01-01T00:00:00Z"), max: new Date("2099-12-31T00:00:00Z"), noInvalidDate: true })
  .map((d) => d.toISOString().slice(0, 10));

function scalar(f: ScalarField): fc.Arbitrary<unknown> {
  const fixed = FIXED[f.id];
  if (fixed !== undefined) return fixed;
  switch (f.type) {
    case "text":
      return chars(Math.min(f.maxLength, 40));
    case "longtext":
      // Lines, some blank, some with leading or doubled spaces.
      return fc
        .array(
          fc.oneof(
            chars(40),
            fc.constant(""),
            chars(10).map((s) => `  ${s}  ${s}`),
          ),
          {
            minLength: 1,
            maxLength: 5,
          },
        )
        .map((ls) => ls.join("\n").slice(0, f.maxLength));
    case "date":
      return day;
    case "datetime":
      return fc
        .tuple(
          day,
          fc.integer({ min: 0, max: 23 }),
          fc.integer({ min: 0, max: 59 }),
          fc.integer({ min: 0, max: 59 }),
          fc.constantFrom("Z", "+01:00", "+02:00", "-04:00", "+05:30", "+00:00"),
        )
        .map(([d, h, m, s, z]) => `${d}T${pad(h)}:${pad(m)}:${pad(s)}${z}`);
    case "enum":
      return fc.constantFrom(...f.options.map((o) => o.value));
    case "boolean":
      return f.mustBeTrue === true ? fc.constant(true) : fc.boolean();
    case "integer":
      return fc.integer({ min: f.minimum ?? 0, max: f.maximum ?? 1000 });
    case "rpps":
    case "adeli":
    case "finess":
    case "ins":
    case "siret":
      return fc.constantFrom(...(IDS[f.type] ?? []));
    case "phone":
      return fc
        .tuple(
          fc.constantFrom("0", "+33 "),
          fc.array(fc.integer({ min: 0, max: 99 }), { minLength: 4, maxLength: 5 }),
          fc.constantFrom(" ", ".", "-", ""),
        )
        .map(([head, pairs, sep]) => head + pairs.map((p) => pad(p)).join(sep));
    case "email":
      return fc.constantFrom("a@b.fr", "dr.x@hopital.mssante.fr");
  }
}

function field(f: Field): fc.Arbitrary<unknown> {
  if (f.type === "group") return fields(f.fields);
  if (f.type === "list")
    return fc.array(chars(Math.min(f.itemMaxLength, 30)), { maxLength: Math.min(f.maxItems, 3) });
  if (f.type === "table")
    return fc.array(fields(f.columns), { minLength: f.minRows ?? 0, maxLength: Math.min(f.maxRows, 3) });
  return scalar(f);
}

function fields(fs: readonly Field[]): fc.Arbitrary<Record<string, unknown>> {
  // A required text is not blank (the form's JSON Schema only asks minLength 1: a blank one is
  // left out of the CDA, as an absent one).
  const filled = (f: Field): fc.Arbitrary<unknown> =>
    f.type === "text" || f.type === "longtext"
      ? field(f).filter((v) => typeof v === "string" && v.trim() !== "")
      : field(f);
  const entries = fs.map((f) =>
    (f.required === true ? filled(f) : fc.option(field(f), { nil: undefined })).map(
      (v) => [f.id, v] as const,
    ),
  );
  return fc
    .tuple(...entries)
    .map((es) => Object.fromEntries(es.filter(([, v]) => v !== undefined)) as Record<string, unknown>);
}

/** Sheet data of `form` (validate it: a generated sheet may still break a cross-field rule). */
export function sheetData(form: FormDefinition): fc.Arbitrary<Data> {
  return fc
    .tuple(...form.sections.map((s) => fields(s.fields).map((v) => [s.id, v] as const)))
    .map((ss) => Object.fromEntries(ss));
}
