/**
 * The sheet benchmark's variants, set up once per thread (form registry, validated example sheet,
 * keys, font caches) — used by bench/sheets.ts in the main thread, and as the worker module of its
 * pool: when loaded in a worker thread it builds its own variants and serves them (lib/pool.ts).
 */
import { randomBytes, randomUUID } from "node:crypto";
import { readFile } from "node:fs/promises";
import path from "node:path";
import { isMainThread, workerData } from "node:worker_threads";
import { pdfkitAddPlaceholder } from "@signpdf/placeholder-pdfkit";
import { SignPdf } from "@signpdf/signpdf";
import { P12Signer as StockP12Signer } from "@signpdf/signer-p12";
import { systemClock } from "../src/core/index.ts";
import { loadFormRegistry, parseSheetJson, validateSheet, type ValidatedSheet } from "../src/forms/index.ts";
import { addSignaturePlaceholder, signPdf } from "../src/pdf/sign/index.ts";
import { P12Signer, produceSignedSheet, renderSheet } from "../src/pdf/index.ts";
import { serveBench } from "./lib/pool.ts";

export const EXAMPLE_SHEET = path.resolve(import.meta.dirname, "../liaison-forms/examples/discharge.json");

/** What every thread needs to build its variants (structured-cloned into workers). */
export interface SheetBenchSetup {
  readonly p12: Uint8Array;
  readonly passphrase: string;
}

export const VARIANT_IDS = [
  "a",
  "b",
  "b'",
  "c",
  "stock-render",
  "our-sign",
  "stock-sign",
  "rsa-sign",
] as const;
export type VariantId = (typeof VARIANT_IDS)[number];

export interface Variant {
  readonly id: VariantId;
  readonly label: string;
  /** What the function does per call, for the reader of the table. */
  readonly description: string;
  /** One call = one sheet (or one signature for rsa-sign); resolves to the produced bytes. */
  readonly run: () => Promise<Uint8Array>;
}

const STOCK_PLACEHOLDER = {
  reason: "Signature de l’établissement émetteur",
  contactInfo: "",
  name: "Passerelle bench",
  location: "",
};

export interface SheetVariants {
  readonly sheet: ValidatedSheet;
  /** What rsa-sign signs (to check its output). */
  readonly rsaInput: Buffer;
  readonly variants: ReadonlyMap<VariantId, Variant>;
}

/** Validates the example sheet once and builds every variant (nothing here is measured). */
export async function createSheetVariants(setup: SheetBenchSetup): Promise<SheetVariants> {
  const registry = await loadFormRegistry();
  const sheet = validateSheet(parseSheetJson(await readFile(EXAMPLE_SHEET, "utf8")), registry);
  const p12 = Buffer.from(setup.p12);
  const { passphrase } = setup;
  const signer = P12Signer.fromBuffer(p12, passphrase);
  const signpdf = new SignPdf();
  const clock = systemClock;

  // @signpdf/signer-p12 keeps the P12 as a forge buffer that its sign() consumes while parsing:
  // an instance can sign once. Its docs create one per document; so do we, inside the timed call.
  const stockSign = (pdf: Buffer): Promise<Buffer> =>
    signpdf.sign(pdf, new StockP12Signer(p12, { passphrase }));
  const stockPlaceholder = (doc: PDFKit.PDFDocument): void => {
    pdfkitAddPlaceholder({ pdf: doc, pdfBuffer: Buffer.alloc(0), ...STOCK_PLACEHOLDER });
  };

  // Inputs of the signing-only variants: rendered once, signed many times.
  const withOurPlaceholder = await renderSheet(sheet.form, sheet.data, {
    clock,
    sheetId: randomUUID(),
    beforeEnd: (doc) => {
      addSignaturePlaceholder(doc, { signingTime: clock.now(), reason: STOCK_PLACEHOLDER.reason });
    },
  });
  const withStockPlaceholder = await renderSheet(sheet.form, sheet.data, {
    clock,
    sheetId: randomUUID(),
    beforeEnd: stockPlaceholder,
  });
  // About the size of the DER signed attributes our CMS signs.
  const signedAttributes = randomBytes(200);

  const list: Variant[] = [
    {
      id: "a",
      label: "Passerelle",
      description:
        "produceSignedSheet: renderSheet (shared fonts) + our placeholder + CMS/PAdES signing, P12Signer (node:crypto) created once",
      run: async () => (await produceSignedSheet(sheet, { signer, clock })).pdf,
    },
    {
      id: "b",
      label: "stock pipeline",
      description:
        "renderSheet fonts: per-document (plain pdfkit) + @signpdf/placeholder-pdfkit + signpdf.sign with a new @signpdf P12Signer (forge) per sheet",
      run: async () =>
        stockSign(
          await renderSheet(sheet.form, sheet.data, {
            clock,
            sheetId: randomUUID(),
            fonts: "per-document",
            beforeEnd: stockPlaceholder,
          }),
        ),
    },
    {
      id: "b'",
      label: "stock signing, our renderer",
      description:
        "renderSheet (shared fonts) + @signpdf/placeholder-pdfkit + signpdf.sign with a new @signpdf P12Signer per sheet",
      run: async () =>
        stockSign(
          await renderSheet(sheet.form, sheet.data, {
            clock,
            sheetId: randomUUID(),
            beforeEnd: stockPlaceholder,
          }),
        ),
    },
    {
      id: "c",
      label: "our rendering alone",
      description: "renderSheet (shared fonts), no placeholder, no signature",
      run: () => renderSheet(sheet.form, sheet.data, { clock, sheetId: randomUUID() }),
    },
    {
      id: "stock-render",
      label: "stock rendering alone",
      description: "renderSheet fonts: per-document (plain pdfkit), no placeholder, no signature",
      run: () => renderSheet(sheet.form, sheet.data, { clock, sheetId: randomUUID(), fonts: "per-document" }),
    },
    {
      id: "our-sign",
      label: "our signing alone",
      description: "signPdf of an already rendered sheet (ByteRange, SHA-256, CMS, node:crypto RSA)",
      run: () => signPdf(withOurPlaceholder, signer),
    },
    {
      id: "stock-sign",
      label: "stock signing alone",
      description:
        "signpdf.sign of an already rendered sheet, new @signpdf P12Signer (P12 parse + forge PKCS#7 + forge RSA)",
      run: () => stockSign(withStockPlaceholder),
    },
    {
      id: "rsa-sign",
      label: "RSA-2048 signature alone",
      description: "our P12Signer.sign of 200 bytes: one node:crypto sign (SHA-256, PKCS#1 v1.5)",
      run: () => signer.sign(signedAttributes),
    },
  ];
  return { sheet, rsaInput: signedAttributes, variants: new Map(list.map((v) => [v.id, v])) };
}

if (!isMainThread) {
  const { variants } = await createSheetVariants(workerData as SheetBenchSetup);
  serveBench(Object.fromEntries([...variants].map(([id, v]) => [id, v.run])));
}
