/**
 * The caption and file name of a sheet's message, and the short reference of a transfer, over the
 * published example sheets of every form (liaison-forms/examples) and generated variations.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { asciiSlug, sheetCaption } from "../../../../src/transfers/outbox/caption.ts";
import { parseReference, transferReference } from "../../../../src/transfers/record/index.ts";
import { sheetRole } from "../../../../src/transfers/outbox/index.ts";
import { EXAMPLE_KINDS, exampleSheet } from "../../../helpers/sheets.ts";

const ID = "7d0c4c1e-5b7e-4d2a-9a51-2f6f0b8e9c11";
const at = new Date("2026-05-04T08:00:00Z");
const kindOf = (form: string): string => form.replace(/@\d+$/, "");

describe("short reference", () => {
  it("prefix by kind, 4 + 3 Crockford symbols, deterministic, distinct per transfer", () => {
    const r = transferReference("discharge", ID);
    expect(r).toMatch(/^LDL-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{3}$/);
    expect(transferReference("discharge", ID)).toBe(r);
    expect(transferReference("teleexpertise-request", ID)).toMatch(/^DTE-/);
    expect(transferReference("admission-notice", ID)).toMatch(/^AVH-/);
    expect(transferReference("something-else", ID)).toMatch(/^FDL-/);
    const many = new Set(
      Array.from({ length: 2000 }, () => transferReference("discharge", crypto.randomUUID())),
    );
    expect(many.size).toBeGreaterThan(1995);
  });

  it("parses what a person types (case, O/0, I/L/1, hyphens) and rejects a wrong check symbol", () => {
    fc.assert(
      fc.property(fc.uuid(), (id) => {
        const r = transferReference("discharge", id);
        expect(parseReference(r)).toBe(r);
        expect(parseReference(r.toLowerCase().replace(/-/g, ""))).toBe(r);
        expect(parseReference(r.replace(/0/g, "O").replace(/1/g, "l"))).toBe(r);
        // any single substituted symbol is caught by the check
        const body = r.replace(/-/g, "").slice(3);
        for (let i = 0; i < body.length; i++) {
          const c = body[i] === "A" ? "B" : "A";
          const typo = `LDL-${body.slice(0, i)}${c}${body.slice(i + 1)}`;
          expect(parseReference(typo)).toBeUndefined();
        }
      }),
      { numRuns: 200 },
    );
    expect(parseReference("not a reference")).toBeUndefined();
  });
});

describe("caption", () => {
  it.each(EXAMPLE_KINDS)("%s: kind, patient, place, reference, how to acknowledge; ASCII file name", (k) => {
    const sheet = exampleSheet(k);
    const kind = kindOf(sheet.form);
    const c = sheetCaption({ kind, transferId: ID, data: sheet.data, fallbackDate: at });
    const p = sheet.data.patient as { lastName: string; birthDate: string; ins: string };
    expect(c.body).toContain(p.lastName.toUpperCase());
    expect(c.body).toContain(p.birthDate.split("-").reverse().join("/"));
    expect(c.body).toContain(`Réf. ${transferReference(kind, ID)}`);
    expect(c.body).toContain("répondez !ack");
    expect(c.body).not.toContain(p.ins); // the INS stays in the PDF and the structured data
    expect(c.body).not.toBe(c.filename);
    expect(c.filename).toMatch(/^[a-z-]+-[A-Z0-9-]+-\d{4}-\d{2}-\d{2}\.pdf$/);
    expect(c.html).toContain("<strong>");
    expect(c.role).toBe(kind === "teleexpertise-answer" ? "answer" : "sheet");
  });

  it("discharge: establishment and unit, stay dates, what needs the GP", () => {
    const sheet = exampleSheet("discharge");
    const c = sheetCaption({ kind: "discharge", transferId: ID, data: sheet.data, fallbackDate: at });
    expect(c.body.split("\n")[0]).toBe("Lettre de liaison de sortie — MARCHAL Odette, née le 12/03/1948");
    expect(c.body).toContain(
      "Centre hospitalier de Valmont (établissement fictif) — Médecine gériatrique aiguë — unité 3B",
    );
    expect(c.body).toContain("Séjour du 05/01/2026 au 16/01/2026");
    expect(c.body).toMatch(
      /À faire : traitement de sortie modifié ; \d résultats attendus ; suivi à organiser \(\d rendez-vous\)\./,
    );
    expect(c.filename).toBe("lettre-de-sortie-MARCHAL-2026-01-16.pdf");
    // without pending results nor follow-up, nothing is invented
    const bare = { ...sheet.data, pending: {}, followUp: {}, treatments: { atDischarge: [] } };
    expect(
      sheetCaption({ kind: "discharge", transferId: ID, data: bare, fallbackDate: at }).body,
    ).not.toContain("À faire");
  });

  it("a withdrawal says so, names the earlier notice, asks for nothing; its own file name", () => {
    const notice = exampleSheet("admission-notice");
    const data = { ...notice.data, notice: { status: "withdrawn", replaces: "SHEET-1" } };
    expect(sheetRole("admission-notice", data)).toBe("withdrawal");
    const earlier = "11111111-2222-4333-8444-555555555555";
    const c = sheetCaption({
      kind: "admission-notice",
      transferId: ID,
      data,
      fallbackDate: at,
      concerns: { kind: "admission-notice", transferId: earlier },
    });
    expect(c.body.split("\n")[0]).toBe(
      "Annulation : avis d’hospitalisation — MARCHAL Odette, né(e) le 12/03/1948",
    );
    expect(c.body).toContain(`L’avis réf. ${transferReference("admission-notice", earlier)} est retiré`);
    expect(c.body).not.toContain("!ack");
    expect(c.body).not.toContain("À faire");
    expect(c.filename).toBe("annulation-avis-hospitalisation-MARCHAL-2026-03-02.pdf");
  });

  it("a discharge whose admission the feed never received says so, with no admission date", () => {
    const notice = exampleSheet("discharge-notice");
    const stay = { ...(notice.data.stay as Record<string, unknown>) };
    delete stay.admittedAt;
    const data = { ...notice.data, stay, notice: { status: "admissionUnknown" } };
    expect(sheetRole("discharge-notice", data)).toBe("sheet");
    const c = sheetCaption({ kind: "discharge-notice", transferId: ID, data, fallbackDate: at });
    expect(c.body).toContain("admission non reçue par le réseau");
    expect(c.body).not.toMatch(/Séjour du|Entrée le/);
    expect(c.body).toMatch(/Sortie le \d\d\/\d\d\/\d{4}/);
  });

  it("a reminder to the unit and an answer have their own wording", () => {
    const notice = exampleSheet("discharge-notice");
    const due = { ...notice.data, notice: { status: "letterDue" } };
    const r = sheetCaption({ kind: "discharge-notice", transferId: ID, data: due, fallbackDate: at });
    expect(r.body).toMatch(/^Rappel : lettre de liaison de sortie — MARCHAL/);
    expect(r.filename).toBe("rappel-lettre-de-sortie-MARCHAL-2026-03-09.pdf");
    const answer = exampleSheet("teleexpertise-answer");
    const request = "11111111-2222-4333-8444-555555555555";
    const a = sheetCaption({
      kind: "teleexpertise-answer",
      transferId: ID,
      data: answer.data,
      fallbackDate: at,
      concerns: { kind: "teleexpertise-request", transferId: request },
    });
    expect(a.body).toContain(
      `Réponse à la demande réf. ${transferReference("teleexpertise-request", request)}`,
    );
    expect(a.body).toContain("consultation à prévoir");
    expect(a.filename).toBe("reponse-teleexpertise-BENSAID-2026-03-03.pdf");
  });

  it("file names stay ASCII and bounded whatever the name; HTML is escaped", () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (name) => {
        const data = { patient: { lastName: name, firstNames: "<b>x</b>", birthDate: "2000-01-01" } };
        const c = sheetCaption({ kind: "discharge", transferId: ID, data, fallbackDate: at });
        expect(c.filename).toMatch(/^[A-Za-z0-9.-]{1,120}$/);
        expect(c.html).not.toMatch(/<b>/);
      }),
    );
    expect(asciiSlug("Bensaïd-Lœwen  d’Aà")).toBe("BENSAID-LOEWEN-D-AA");
    // no data at all: the transfer's date and a generic name
    expect(sheetCaption({ kind: "x", transferId: ID, data: {}, fallbackDate: at }).filename).toBe(
      "fiche-de-liaison-2026-05-04.pdf",
    );
  });
});
