/**
 * `bin/passerelle sheet cda` and `bin/passerelle cda check` as a user runs them: the document id on
 * stdout, a 0600 file, and the check's verdict and exit status (ANS kit needed for the check); and
 * the CDA that `sheet sign` embeds in the signed PDF, read back by poppler (pdfdetach, pdfsig) and qpdf.
 */
import { spawnSync } from "node:child_process";
import { readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findKit } from "../../../src/cda/index.ts";
import { examplePath } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";

const BIN = path.resolve(import.meta.dirname, "../../../bin/passerelle");
const run = (...args: string[]) => {
  const r = spawnSync(BIN, args, {
    encoding: "utf8",
    timeout: 300_000,
    env: { ...process.env, PASSERELLE_SIGNER_PASSPHRASE: "s3cret-dev" },
  });
  return { code: r.status, out: r.stdout, err: r.stderr };
};
const tool = (cmd: string, ...args: string[]) => {
  const r = spawnSync(cmd, args, { encoding: "utf8", timeout: 60_000 });
  return { code: r.status, out: `${r.stdout}${r.stderr}` };
};
const kit = findKit();

describe("bin/passerelle sheet cda / cda check", () => {
  let tmp: Awaited<ReturnType<typeof tempDir>>;
  beforeAll(async () => {
    tmp = await tempDir("passerelle-cda-cli-");
  });
  afterAll(async () => tmp.cleanup());

  it("writes the CDA of a discharge sheet, prints its id (root) and keeps the file private", () => {
    const out = path.join(tmp.dir, "discharge.xml");
    const r = run("sheet", "cda", examplePath("discharge"), "--out", out, "--sheet-id", "S-1");
    expect(r.code).toBe(0);
    const id = r.out.trim();
    expect(id).toMatch(/^[0-9A-F]{8}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{12}$/);
    const xml = readFileSync(out, "utf8");
    expect(xml).toContain(`<id root="${id}"/>`);
    expect(xml).toContain('<templateId root="1.2.250.1.213.1.1.1.29" extension="2022.01"/>');
    expect(statSync(out).mode & 0o777).toBe(0o600);
    // The same sheet id gives the same document id.
    expect(run("sheet", "cda", examplePath("discharge"), "--out", out, "--sheet-id", "S-1").out.trim()).toBe(
      id,
    );
  });

  it("refuses a tele-expertise answer without its signed PDF, naming what is missing", () => {
    const r = run("sheet", "cda", examplePath("teleexpertise-answer"), "--out", path.join(tmp.dir, "a.xml"));
    expect(r.code).toBe(1);
    expect(r.err).toContain("signed answer PDF");
  });

  it.skipIf("missing" in kit)(
    `cda check: exit 0 on a conformant document, 1 with the failed assert printed${"missing" in kit ? ` — SKIPPED: ${kit.missing}` : ""}`,
    () => {
      const good = path.join(tmp.dir, "good.xml");
      expect(run("sheet", "cda", examplePath("discharge"), "--out", good).code).toBe(0);
      const ok = run("cda", "check", good);
      expect(ok.code).toBe(0);
      expect(ok.out).toContain("CONFORMANT (0 schema error(s), 0 failed assert(s)");
      const bad = path.join(tmp.dir, "bad.xml");
      writeFileSync(
        bad,
        readFileSync(good, "utf8").replace('<templateId root="1.3.6.1.4.1.19376.1.5.3.1.3.22"/>', ""),
      );
      const ko = run("cda", "check", bad);
      expect(ko.code).toBe(1);
      expect(ko.out).toMatch(
        /failed-assert .* at \/ClinicalDocument .*CI-SIS_LDL-SES_2022\.01\.sch.*1\.3\.6\.1\.4\.1\.19376\.1\.5\.3\.1\.3\.22/,
      );
      expect(ko.out).toContain("NOT CONFORMANT");
    },
  );

  describe("sheet sign embeds the CDA of a structured model", () => {
    beforeAll(() => {
      const init = run("certs", "init", "--out", path.join(tmp.dir, "pki"));
      expect(init.code, init.err).toBe(0);
    });

    it.each(["discharge", "admission", "teleexpertise-request"] as const)(
      "%s: the PDF carries JSON and CDA as associated files, the CDA is byte-identical to 'sheet cda', pdfsig still says valid",
      (kind) => {
        const pdf = path.join(tmp.dir, `${kind}.pdf`);
        const xml = path.join(tmp.dir, `${kind}.xml`);
        const sheetId = `S-${kind}`;
        const signed = run(
          "sheet", "sign", examplePath(kind), "--out", pdf, "--p12", path.join(tmp.dir, "pki/signer.p12"), "--sheet-id", sheetId,
        ); // prettier-ignore
        expect(signed.code, signed.err).toBe(0);
        const cda = run("sheet", "cda", examplePath(kind), "--out", xml, "--sheet-id", sheetId);
        expect(cda.code, cda.err).toBe(0);
        expect(signed.out).toContain(`cda ${cda.out.trim()}`);

        const list = tool("pdfdetach", "-list", pdf);
        expect(list.code).toBe(0);
        expect(list.out).toContain("2 embedded files");
        expect(list.out).toContain("passerelle-sheet.json");
        expect(list.out).toContain("passerelle-sheet.cda.xml");
        const saved = path.join(tmp.dir, `${kind}-extracted.xml`);
        expect(tool("pdfdetach", "-savefile", "passerelle-sheet.cda.xml", "-o", saved, pdf).code).toBe(0);
        expect(readFileSync(saved).equals(readFileSync(xml))).toBe(true);

        // The catalog's /AF names both file specifications, each with its relationship and MIME type.
        const json = JSON.parse(tool("qpdf", "--json=2", "--json-key=qpdf", pdf).out) as {
          qpdf: [
            unknown,
            Record<string, { value?: Record<string, unknown>; stream?: { dict: Record<string, unknown> } }>,
          ];
        };
        const objects = json.qpdf[1];
        const trailer = objects["trailer"]?.value as { "/Root": string };
        const root = objects[`obj:${trailer["/Root"]}`]?.value as { "/AF": string[] };
        expect(root["/AF"]).toHaveLength(2);
        const specs = root["/AF"].map((ref) => objects[`obj:${ref}`]?.value as Record<string, unknown>);
        const byName = new Map(specs.map((f) => [String(f["/UF"]), f]));
        expect(byName.get("u:passerelle-sheet.json")?.["/AFRelationship"]).toBe("/Data");
        const cdaSpec = byName.get("u:passerelle-sheet.cda.xml");
        expect(cdaSpec?.["/AFRelationship"]).toBe("/Alternative");
        const stream = objects[`obj:${(cdaSpec?.["/EF"] as { "/F": string })["/F"]}`]?.stream;
        expect(stream?.dict["/Subtype"]).toBe("/text/xml");

        expect(tool("qpdf", "--check", pdf).code).toBe(0);
        const sig = tool("pdfsig", pdf);
        expect(sig.out).toContain("Signature Validation: Signature is Valid.");
        expect(sig.out).toContain("Total document signed");
      },
    );

    it("a tele-expertise answer carries only its JSON: its TLM-CR is built around the signed PDF", () => {
      const pdf = path.join(tmp.dir, "answer.pdf");
      expect(
        run("sheet", "sign", examplePath("teleexpertise-answer"), "--out", pdf, "--p12", path.join(tmp.dir, "pki/signer.p12")).code,
      ).toBe(0); // prettier-ignore
      const list = tool("pdfdetach", "-list", pdf);
      expect(list.out).toContain("1 embedded files");
      expect(list.out).not.toContain(".cda.xml");
      const xml = path.join(tmp.dir, "answer.xml");
      expect(run("sheet", "cda", examplePath("teleexpertise-answer"), "--out", xml, "--pdf", pdf).code).toBe(
        0,
      );
      const body = /<text mediaType="application\/pdf" representation="B64">([^<]+)<\/text>/.exec(
        readFileSync(xml, "utf8"),
      )?.[1];
      expect(Buffer.from(body ?? "", "base64").equals(readFileSync(pdf))).toBe(true);
    });
  });
});
