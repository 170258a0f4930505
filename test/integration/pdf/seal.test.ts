/**
 * sealPdf on hospital PDFs from other producers, checked by independent tools: poppler's pdfsig
 * (every signature valid, and trusted with both dev CAs in an NSS database), OpenSSL's CMS verifier
 * over Passerelle's byte range, qpdf's structural check. Producers: pdfkit (classic xref), qpdf
 * (object streams + xref stream; linearized; PDF 1.4 classic rewrite), Ghostscript pdfwrite,
 * hand-written PDF 1.4, xref-stream and hybrid-reference files, and
 * hospital-signed documents (pdfkit + Passerelle's own pipeline, and an xref-stream PDF signed by
 * sealPdf with the hospital's key) signed by a different dev PKI.
 */
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { sealPdf } from "../../../src/pdf/seal/index.ts";
import { signPdf } from "../../../src/pdf/sign/sign.ts";
import { P12Signer } from "../../../src/pdf/sign/signer.ts";
import { extractSignature, verifyPdfSignatures } from "../../../src/pdf/verify/verify.ts";
import {
  makePki,
  PASSPHRASE,
  renderSample,
  VERIFY_CLOCK,
  type TestPki,
} from "../../unit/pdf/sign-fixtures.ts";
import { classicPdf14, hybridPdf, xrefStreamPdf15 } from "../../unit/pdf/seal/hospital-pdfs.ts";

const run = promisify(execFile);

async function tool(cmd: string, args: readonly string[]): Promise<{ out: string; status: number }> {
  try {
    const { stdout, stderr } = await run(cmd, args, { maxBuffer: 16 * 1024 * 1024 });
    return { out: stdout + stderr, status: 0 };
  } catch (e) {
    const err = e as { stdout?: string; stderr?: string; code?: number };
    return {
      out: `${err.stdout ?? ""}${err.stderr ?? ""}`,
      status: typeof err.code === "number" ? err.code : 1,
    };
  }
}

const SEAL = {
  signingTime: new Date("2025-03-10T15:00:00Z"),
  reason: "Réception par Passerelle",
  name: "Passerelle",
};

let dir: string;
let nssDir: string;
let passerelle: TestPki;
let hospital: TestPki;
let signer: P12Signer;
let hospitalSigner: P12Signer;

/** Hospital documents by producer: name → [bytes, number of hospital signatures already in it]. */
const hospitalPdfs = new Map<string, { pdf: Buffer; signatures: number }>();

async function viaTool(
  name: string,
  input: Buffer,
  cmd: string,
  args: (i: string, o: string) => string[],
): Promise<Buffer> {
  const i = join(dir, `${name}-in.pdf`);
  const o = join(dir, `${name}-out.pdf`);
  await writeFile(i, input);
  const r = await tool(cmd, args(i, o));
  if (r.status !== 0 && r.status !== 3 /* qpdf: warnings */) throw new Error(`${cmd} failed: ${r.out}`);
  return readFile(o);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "passerelle-seal-it-"));
  passerelle = await makePki({ organisation: "CPTS Passerelle" });
  hospital = await makePki({ organisation: "CH Hôpital émetteur" });
  signer = await P12Signer.fromFile(passerelle.signerP12Path, PASSPHRASE);
  hospitalSigner = await P12Signer.fromFile(hospital.signerP12Path, PASSPHRASE);

  const pdfkit = await renderSample({ placeholder: false, pages: 2 });
  const qpdfObjStm = await viaTool("qpdf-objstm", pdfkit, "qpdf", (i, o) => [
    "--object-streams=generate",
    i,
    o,
  ]);
  const add = (name: string, pdf: Buffer, signatures = 0): void =>
    void hospitalPdfs.set(name, { pdf, signatures });
  add("pdfkit", pdfkit);
  add("qpdf object streams + xref stream", qpdfObjStm);
  add(
    "qpdf linearized",
    await viaTool("qpdf-lin", pdfkit, "qpdf", (i, o) => ["--linearize", "--object-streams=generate", i, o]),
  );
  add(
    "qpdf PDF 1.4 classic",
    await viaTool("qpdf-14", pdfkit, "qpdf", (i, o) => [
      "--force-version=1.4",
      "--object-streams=disable",
      i,
      o,
    ]),
  );
  add(
    "ghostscript pdfwrite",
    await viaTool("gs", pdfkit, "gs", (i, o) => ["-q", "-sDEVICE=pdfwrite", "-o", o, i]),
  );
  add("hand-written PDF 1.4", classicPdf14());
  add("hand-written xref stream with an update", xrefStreamPdf15({ update: true }));
  add("hand-written hybrid-reference file", hybridPdf());
  add("pdfkit signed by the hospital", await signPdf(await renderSample(), hospitalSigner), 1);
  add("qpdf xref stream signed by the hospital", await sealPdf(qpdfObjStm, hospitalSigner, SEAL), 1);

  nssDir = join(dir, "nss");
  await mkdir(nssDir);
  for (const args of [
    ["-N", "-d", `sql:${nssDir}`, "--empty-password"],
    ["-A", "-d", `sql:${nssDir}`, "-n", "passerelle-ca", "-t", "C,C,C", "-i", passerelle.caCertPath],
    ["-A", "-d", `sql:${nssDir}`, "-n", "hospital-ca", "-t", "C,C,C", "-i", hospital.caCertPath],
  ]) {
    const r = await tool("certutil", args);
    if (r.status !== 0) throw new Error(`certutil failed: ${r.out}`);
  }
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
  await passerelle.cleanup();
  await hospital.cleanup();
});

const names = [
  "pdfkit",
  "qpdf object streams + xref stream",
  "qpdf linearized",
  "qpdf PDF 1.4 classic",
  "ghostscript pdfwrite",
  "hand-written PDF 1.4",
  "hand-written xref stream with an update",
  "hand-written hybrid-reference file",
  "pdfkit signed by the hospital",
  "qpdf xref stream signed by the hospital",
];

describe("sealPdf on hospital PDFs, checked by pdfsig, openssl and qpdf", () => {
  it.each(names)("%s", async (name) => {
    const entry = hospitalPdfs.get(name);
    if (!entry) throw new Error(`no hospital PDF ${name}`);
    const { pdf: original, signatures } = entry;
    const sealed = await sealPdf(original, signer, SEAL);
    expect(sealed.subarray(0, original.length).equals(original)).toBe(true);
    const path = join(dir, `${name.replace(/\W+/g, "-")}-sealed.pdf`);
    await writeFile(path, sealed);

    // pdfsig: every signature valid and trusted; Passerelle's is last and covers the whole file.
    const { out } = await tool("pdfsig", ["-nssdir", `sql:${nssDir}`, path]);
    const blocks = out.split(/^Signature #\d+:$/m).slice(1);
    expect(blocks).toHaveLength(signatures + 1);
    for (const b of blocks) {
      expect(b).toContain("Signature is Valid");
      expect(b).toContain("Certificate is Trusted");
      expect(b).toContain("ETSI.CAdES.detached");
    }
    expect(blocks[blocks.length - 1]).toContain("CPTS Passerelle");
    expect(blocks[blocks.length - 1]).toContain("Total document signed");
    if (signatures > 0) expect(blocks[0]).toContain("CH Hôpital émetteur");

    // Our verifier agrees, signature by signature.
    const reports = await verifyPdfSignatures(sealed, {
      trustedCas: [passerelle.caPem, hospital.caPem],
      clock: VERIFY_CLOCK,
    });
    expect(reports.map((r) => r.valid)).toEqual(Array<boolean>(signatures + 1).fill(true));

    // openssl cms -verify over Passerelle's byte range.
    const { byteRange, cmsDer } = extractSignature(sealed);
    const [a = 0, b = 0, c = 0, d = 0] = byteRange;
    await writeFile(join(dir, "sig.der"), cmsDer);
    await writeFile(
      join(dir, "content.bin"),
      Buffer.concat([sealed.subarray(a, a + b), sealed.subarray(c, c + d)]),
    );
    const cms = await tool("openssl", [
      "cms", "-verify", "-binary", "-inform", "DER", "-in", join(dir, "sig.der"),
      "-content", join(dir, "content.bin"), "-CAfile", passerelle.caCertPath, "-purpose", "any", "-out", "/dev/null",
    ]); // prettier-ignore
    expect(cms.out).toContain("Verification successful");

    const check = await tool("qpdf", ["--check", path]);
    expect(check.out).toContain("No syntax or stream encoding errors");
    expect(check.out).not.toMatch(/WARNING/i);

    // One flipped byte of the original: pdfsig and verifyPdfSignatures see Passerelle's signature broken.
    const tampered = Buffer.from(sealed);
    const pos = Math.floor(original.length / 3);
    tampered[pos] = (tampered[pos] ?? 0) ^ 0x01;
    const tamperedPath = join(dir, "tampered.pdf");
    await writeFile(tamperedPath, tampered);
    const bad = await tool("pdfsig", ["-nssdir", `sql:${nssDir}`, tamperedPath]);
    const last =
      bad.out
        .split(/^Signature #\d+:$/m)
        .slice(1)
        .pop() ?? "";
    expect(last).not.toContain("Signature is Valid");
    const badReports = await verifyPdfSignatures(tampered, {
      trustedCas: [passerelle.caPem, hospital.caPem],
      clock: VERIFY_CLOCK,
    });
    expect(badReports[badReports.length - 1]?.valid).toBe(false);
  });
});

describe("sealPdf refuses what it cannot seal", () => {
  it("a qpdf-encrypted PDF: PDF_ENCRYPTED", async () => {
    const original = hospitalPdfs.get("pdfkit")?.pdf ?? Buffer.alloc(0);
    const encrypted = await viaTool("enc", original, "qpdf", (i, o) => [
      "--encrypt",
      "",
      "owner",
      "256",
      "--",
      i,
      o,
    ]);
    await expect(sealPdf(encrypted, signer, SEAL)).rejects.toMatchObject({ code: "PDF_ENCRYPTED" });
  });
});
