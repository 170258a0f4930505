/** Shared fixtures of the PDF signature tests: a dev PKI in a temp dir and small pdfkit documents. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import PDFDocument from "pdfkit";
import { fixedClock } from "../../../src/core/clock.ts";
import { createDevPki, type DevPki } from "../../../src/pdf/sign/dev-pki.ts";
import {
  addSignaturePlaceholder,
  type SignaturePlaceholderOptions,
} from "../../../src/pdf/sign/placeholder.ts";
import { collectPdf } from "../../../src/pdf/render/index.ts";

export const PASSPHRASE = "correct horse battery staple";
export const PKI_TIME = "2025-03-01T08:00:00Z";
export const SIGNING_TIME = new Date("2025-03-10T14:30:00Z");
export const VERIFY_CLOCK = fixedClock("2025-03-11T09:00:00Z");
export const SHEET_JSON = { form: "liaison-sortie", version: 1, data: { motif: "Retour à domicile" } };

export interface TestPki extends DevPki {
  readonly dir: string;
  readonly caPem: string;
  cleanup(): Promise<void>;
}

export async function makePki(
  overrides: { keyBits?: 2048 | 3072; organisation?: string } = {},
): Promise<TestPki> {
  const dir = await mkdtemp(join(tmpdir(), "passerelle-pki-"));
  const pki = await createDevPki({
    outDir: dir,
    passphrase: PASSPHRASE,
    organisation: overrides.organisation ?? "Centre hospitalier de Test-Étienne",
    finess: "420784878",
    clock: fixedClock(PKI_TIME),
    ...(overrides.keyBits ? { keyBits: overrides.keyBits } : {}),
  });
  return {
    ...pki,
    dir,
    caPem: await readFile(pki.caCertPath, "utf8"),
    cleanup: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface SampleOptions {
  readonly pages?: number;
  readonly bufferPages?: boolean;
  readonly placeholder?: Partial<SignaturePlaceholderOptions> | false;
}

/** A small deterministic pdfkit document (fixed CreationDate, hence fixed /ID) with a JSON attachment. */
export async function renderSample(opts: SampleOptions = {}): Promise<Buffer> {
  const doc = new PDFDocument({
    pdfVersion: "1.7",
    bufferPages: opts.bufferPages ?? false,
    info: { CreationDate: new Date("2025-03-10T14:29:00Z"), Title: "Fiche de liaison" },
  });
  const bytes = collectPdf(doc);
  for (let p = 0; p < (opts.pages ?? 1); p++) {
    if (p > 0) doc.addPage();
    doc.fontSize(14).text(`Fiche de liaison — page ${String(p + 1)}`);
    doc.fontSize(10).text("Texte d'exemple sans donnée patient. ".repeat(20));
  }
  doc.file(Buffer.from(JSON.stringify(SHEET_JSON)), {
    name: "fiche.json",
    type: "application/json",
    creationDate: SIGNING_TIME,
    modifiedDate: SIGNING_TIME,
  });
  if (opts.placeholder !== false) {
    addSignaturePlaceholder(doc, {
      signingTime: SIGNING_TIME,
      reason: "Fiche de liaison ville-hôpital",
      location: "Saint-Étienne",
      name: "Passerelle",
      ...opts.placeholder,
    });
  }
  doc.end();
  return bytes;
}
