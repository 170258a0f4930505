import { createHash } from "node:crypto";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sheetToCda } from "../../../src/cda/index.ts";
import { runCli } from "../../../src/cli/index.ts";
import { fixedClock } from "../../../src/core/clock.ts";
import { renderSheet } from "../../../src/pdf/index.ts";
import { encode, n1Document, otherProducerLdlSes, PATIENT, tinyPdf } from "../../helpers/cda-hospital.ts";
import { captureIo } from "../../helpers/io.ts";
import { validatedExample } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";

let dir: string;
let cleanup: () => Promise<void>;
const run = async (...argv: string[]) => {
  const io = captureIo(dir);
  const code = await runCli(argv, io);
  return { code, io, text: io.text() };
};
const write = (name: string, content: string | Buffer): string => {
  writeFileSync(path.join(dir, name), content);
  return name;
};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
});
afterAll(async () => cleanup());

describe("passerelle document read", () => {
  it("--json prints the header, and --out-pdf writes the N1 PDF as <sha256>.pdf with mode 0600", async () => {
    const pdf = tinyPdf();
    const file = write("n1.xml", encode(n1Document({ pdf, replaces: "CR-1" })));
    const r = await run("document", "read", file, "--json", "--out-pdf", "out");
    expect(r.code, r.text).toBe(0);
    const json = JSON.parse(r.io.stdout.join("\n"));
    const sha = createHash("sha256").update(pdf).digest("hex");
    expect(json).toMatchObject({
      id: "1.2.250.1.999.1.2.3^CR-2",
      setId: "1.2.250.1.999.1.2.3^CR-SET-9",
      versionNumber: 2,
      replaces: "1.2.250.1.999.1.2.3^CR-1",
      code: { code: "11490-0" },
      patient: {
        ins: PATIENT.ins,
        insOid: "1.2.250.1.213.1.4.8",
        family: "DUPRÉ",
        given: "LÉA ANNE",
        birthDate: "1985-06-14",
        sex: "F",
      },
      author: { id: "899900123458", name: "Dr Hélène Bérard", structure: { finess: "699990016" } },
      custodian: { finess: "699990016" },
      encounter: { start: "2024-03-08", end: "2024-03-15" },
      recipients: [{ rpps: "99900678907" }],
      sections: [],
      pdf: { sha256: sha, bytes: pdf.length, path: path.join(dir, "out", `${sha}.pdf`) },
    });
    const out = path.join(dir, "out", `${sha}.pdf`);
    expect(Buffer.compare(readFileSync(out), pdf)).toBe(0);
    expect(statSync(out).mode & 0o777).toBe(0o600);
  });

  it("prints a readable summary with the sections of a structured document", async () => {
    const r = await run("document", "read", write("ses.xml", otherProducerLdlSes()));
    expect(r.code, r.text).toBe(0);
    expect(r.text).toContain("LOINC 11490-0, LDL-SES");
    expect(r.text).toMatch(/Remplace \/ replaces:\s+1\.2\.250\.1\.999\.1\.2\.3\^DLS-2024-000100/);
    expect(r.text).toContain("## Motif de l'hospitalisation\nDécompensation cardiaque globale");
    expect(r.text).toContain("### Sous-section\nDétail.");
  });

  it("exits 1 with the code, the XPath and the rule — and no value — for a bad INS or hostile XML", async () => {
    const bad = PATIENT.ins.slice(0, 13) + "00";
    const r = await run("document", "read", write("bad.xml", encode(n1Document({ ins: bad }))), "--json");
    expect(r.code).toBe(1);
    expect(r.io.stderr.join("\n")).toContain(
      "CDA_INVALID: /ClinicalDocument/recordTarget/patientRole/id[@root='1.2.250.1.213.1.4.8']: INS check key",
    );
    expect(r.text).not.toContain(bad.slice(0, 13));
    const xxe = n1Document({ prolog: '<!DOCTYPE x [<!ENTITY e SYSTEM "file:///etc/passwd">]>' });
    const h = await run("document", "read", write("xxe.xml", xxe));
    expect(h.code).toBe(1);
    expect(h.io.stderr.join("\n")).toContain("XML_REFUSED: /: DOCTYPE");
  });

  it("refuses a file above the size limit from its size, before reading it", async () => {
    write("big.xml", Buffer.alloc(41 * 1024 * 1024, 0x20));
    const r = await run("document", "read", "big.xml");
    expect(r.code).toBe(1);
    expect(r.io.stderr.join("\n")).toContain("PAYLOAD_TOO_LARGE");
  });

  it("a TLM-CR around a Passerelle answer PDF: the sheet data is the PDF's embedded JSON, and it says so", async () => {
    const sheet = await validatedExample("teleexpertise-answer");
    const pdf = await renderSheet(sheet.form, sheet.data, {
      clock: fixedClock("2026-03-03T11:05:00Z"),
      sheetId: "a",
    });
    const file = write("tlm-cr.xml", sheetToCda(sheet, { sheetId: "a", pdf }).xml);
    const text = await run("document", "read", file);
    expect(text.code, text.text).toBe(0);
    expect(text.text).toMatch(/sheet data:\s+teleexpertise-answer, lue dans le JSON joint au PDF signé/);
    const json = JSON.parse((await run("document", "read", file, "--json")).io.stdout.join("\n"));
    expect(json.sheet).toMatchObject({ form: "teleexpertise-answer", source: "pdf" });
    expect(json.sheet.data.answer).toEqual(sheet.data["answer"]);
  });

  it("usage errors exit 2", async () => {
    expect((await run("document", "read")).code).toBe(2);
    expect((await run("document", "read", "x.xml", "--nope")).code).toBe(2);
  });
});
