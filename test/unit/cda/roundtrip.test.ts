/**
 * Writer → reader round trip: for every example sheet with a CI-SIS model (LDL-SES, LDL-EES,
 * TLM-DA, TLM-CR) and its variants (the conformance test's), `readCda(sheetToCda(sheet)).sheet`
 * is the sheet's data — deep equality once both sides are normalised by what a CDA document
 * cannot carry as the form has it (below, and in the README's CDA section); and the same over
 * generated sheets (fast-check).
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sheetToCda } from "../../../src/cda/index.ts";
import { readCda } from "../../../src/cda/read/index.ts";
import { fixedClock } from "../../../src/core/clock.ts";
import type { Field, FormDefinition, FormKind, ValidatedSheet } from "../../../src/forms/index.ts";
import { validateSheet } from "../../../src/forms/index.ts";
import { renderSheet } from "../../../src/pdf/index.ts";
import { sheetData } from "../../helpers/sheet-arbitrary.ts";
import { SHEET_VARIANTS, variantData } from "../../helpers/sheet-variants.ts";
import { exampleSheet, forms } from "../../helpers/sheets.ts";

type Data = Record<string, unknown>;

/**
 * The normalisation applied to BOTH the sheet and what is read back:
 * 1. empty is absent — `""`, empty lists and tables, groups left empty: the narrative has no
 *    empty value (an empty cell reads as absent);
 * 2. text as XML and the narrative carry it — the C0 controls XML 1.0 forbids dropped, runs of
 *    white space one space, lines trimmed; a one-line field has no line break; a long text keeps
 *    its lines (blank ones too) but not the blank lines at its start and end;
 * 3. a phone number is its digits (and `+`): the header carries it as a `tel:` URI (RFC 3966),
 *    without spaces;
 * 4. a date-time is `YYYY-MM-DDTHH:MM:SS±hh:mm`: `Z` as `+00:00`, no fraction of a second (HL7 TS
 *    as Passerelle writes it).
 */
export function normalise(fields: readonly Field[], data: Data): Data {
  const out: Data = {};
  for (const f of fields) {
    const v = value(f, data[f.id]);
    if (v !== undefined) out[f.id] = v;
  }
  return out;
}

function value(f: Field, v: unknown): unknown {
  if (v === undefined || v === null) return undefined;
  // eslint-disable-next-line no-control-regex -- XML 1.0 §2.2: characters a document cannot hold
  const xml = (s: string): string => s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, "");
  const oneLine = (s: string): string => xml(s).replace(/\s+/g, " ").trim();
  let r: unknown = v;
  if (f.type === "group") r = normalise(f.fields, v as Data);
  else if (f.type === "table") r = (v as Data[]).map((row) => normalise(f.columns, row));
  else if (f.type === "list") r = (v as string[]).map(oneLine).filter((s) => s !== "");
  else if (f.type === "longtext") {
    const lines = xml(v as string)
      .split(/\r?\n/)
      .map((l) => l.replace(/\s+/g, " ").trim());
    r = lines.join("\n").replace(/^\n+|\n+$/g, "");
  } else if (f.type === "phone") r = (v as string).replace(/[^\d+]/g, "");
  else if (f.type === "datetime") {
    const m = /^(\d{4}-\d{2}-\d{2})[Tt ](\d{2}:\d{2}:\d{2})(?:\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/.exec(
      v as string,
    );
    r =
      m === null
        ? v
        : `${m[1] ?? ""}T${m[2] ?? ""}${(m[3] ?? "").toUpperCase() === "Z" ? "+00:00" : (m[3] ?? "")}`;
  } else if (typeof v === "string") r = oneLine(v);
  const empty =
    r === "" ||
    (Array.isArray(r) && r.length === 0) ||
    (typeof r === "object" && r !== null && Object.keys(r).length === 0);
  return empty ? undefined : r;
}

const normalised = (form: FormDefinition, data: Data): Data =>
  Object.fromEntries(
    form.sections
      .map((s) => [s.id, normalise(s.fields, (data[s.id] ?? {}) as Data)] as const)
      .filter(([, v]) => Object.keys(v).length > 0),
  );

const KINDS: readonly FormKind[] = [
  "discharge",
  "admission",
  "teleexpertise-request",
  "teleexpertise-answer",
];

/** The CDA of a sheet read back; a TLM-CR carries the answer PDF Passerelle renders (with its JSON). */
async function roundTrip(sheet: ValidatedSheet, testIns = false): Promise<ReturnType<typeof readCda>> {
  const pdf =
    sheet.form.id === "teleexpertise-answer"
      ? await renderSheet(sheet.form, sheet.data, {
          clock: fixedClock("2026-03-03T11:05:00Z"),
          sheetId: "answer",
        })
      : undefined;
  const cda = sheetToCda(sheet, {
    sheetId: `${sheet.form.id}-rt`,
    testIns,
    ...(pdf === undefined ? {} : { pdf }),
  });
  return readCda(Buffer.from(cda.xml, "utf8"));
}

describe("CDA round trip: readCda(sheetToCda(sheet)).sheet is the sheet's data (normalised)", () => {
  for (const kind of KINDS)
    for (const variant of SHEET_VARIANTS)
      it(`${kind} (${variant})`, async () => {
        const registry = await forms();
        const input = exampleSheet(kind);
        const form = registry.resolve(input.form);
        const sheet = validateSheet(
          { form: input.form, data: variantData(form, input.data, variant) },
          registry,
        );
        const r = await roundTrip(sheet, variant === "example, test INS");
        expect(r.sheet?.form).toBe(kind);
        expect(r.sheet?.source).toBe(kind === "teleexpertise-answer" ? "pdf" : "cda");
        expect(normalised(form, r.sheet?.data ?? {})).toEqual(normalised(form, sheet.data));
      });

  it("TLM-CR whose PDF is not Passerelle's: the header's fields only (expert, requester, dates, patient)", async () => {
    const registry = await forms();
    const sheet = validateSheet(exampleSheet("teleexpertise-answer"), registry);
    const cda = sheetToCda(sheet, { sheetId: "answer", pdf: Buffer.from("%PDF-1.7\n%%EOF\n") });
    const r = readCda(Buffer.from(cda.xml, "utf8"));
    expect(r.sheet?.source).toBe("cda");
    expect(r.sheet?.data).toEqual({
      patient: expect.objectContaining({ lastName: "BENSAÏD", ins: "139081305521426" }) as unknown,
      expert: {
        name: "Dr Chloé Rousseau-Lœwen",
        rpps: "99900005051",
        specialty: "Dermatologie",
        phone: "0472004567",
      },
      request: { requesterName: "Dr François Lefèvre", requestedAt: "2026-03-02T18:20:00+01:00" },
      answer: { answeredAt: "2026-03-03T12:05:00+01:00" },
    });
  });

  it("TLM-CR carrying another patient's answer PDF: its JSON is not taken", async () => {
    const registry = await forms();
    const other = exampleSheet("teleexpertise-answer");
    other.data["patient"] = { ...other.data["patient"], birthDate: "1940-01-01" };
    const otherSheet = validateSheet(other, registry);
    const pdf = await renderSheet(otherSheet.form, otherSheet.data, {
      clock: fixedClock("2026-03-03T11:05:00Z"),
      sheetId: "x",
    });
    const sheet = validateSheet(exampleSheet("teleexpertise-answer"), registry);
    const r = readCda(Buffer.from(sheetToCda(sheet, { sheetId: "answer", pdf }).xml, "utf8"));
    expect(r.sheet?.source).toBe("cda");
    expect(r.sheet?.data["answer"]).toEqual({ answeredAt: "2026-03-03T12:05:00+01:00" });
  });

  it("the normalisation only forgets what a CDA cannot carry", async () => {
    const form = (await forms()).resolve("admission");
    const n = normalised(form, {
      patient: { phone: "+33 4.78-12 34 56", lastName: "  DU   PONT ", address: "" },
      sender: { writtenAt: "2026-02-03T09:15:00.250Z" },
      referral: { reason: "\n  Ligne   1\n\n\tLigne 2  \n\n" },
      treatments: { current: [{ medicine: "A", notes: "" }] },
      allergies: { items: [] },
    });
    expect(n).toEqual({
      patient: { phone: "+33478123456", lastName: "DU PONT" },
      sender: { writtenAt: "2026-02-03T09:15:00+00:00" },
      referral: { reason: "Ligne 1\n\nLigne 2" },
      treatments: { current: [{ medicine: "A" }] },
    });
  });

  for (const kind of ["discharge", "admission", "teleexpertise-request"] as const)
    it(`property: every generated ${kind} sheet round-trips`, async () => {
      const registry = await forms();
      const form = registry.resolve(kind);
      await fc.assert(
        fc.asyncProperty(sheetData(form), async (data) => {
          let sheet: ValidatedSheet;
          try {
            sheet = validateSheet({ form: kind, data }, registry);
          } catch {
            fc.pre(false);
            return;
          }
          const r = await roundTrip(sheet);
          expect(normalised(form, r.sheet?.data ?? {})).toEqual(normalised(form, sheet.data));
        }),
        { numRuns: 60 },
      );
    });
});
