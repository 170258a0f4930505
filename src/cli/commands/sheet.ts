import { chmod, readFile } from "node:fs/promises";
import path from "node:path";
import { systemClock } from "../../core/index.ts";
import { loadFormRegistry, parseSheetJson, validateSheet } from "../../forms/index.ts";
import type { VerificationReport } from "../../pdf/index.ts";
import {
  EMBEDDED_DATA_NAME,
  P12Signer,
  extractEmbeddedFiles,
  produceSignedSheet,
  verifyPdf,
} from "../../pdf/index.ts";
import { sheetToCda } from "../../cda/index.ts";
import { ioError, parse, passphrase, required } from "../args.ts";
import { readInput, writeAtomic } from "../fs-util.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";

/**
 * `sheet sign DATA.json --out OUT.pdf --p12 signer.p12 [--passphrase P] [--sheet-id ID] [--test-ins]`:
 * validates, renders and signs; writes OUT.pdf atomically (nothing on failure); prints id and SHA-256.
 * Sheets with a structured CI-SIS model carry their CDA R2 document (the one `sheet cda` writes for
 * the same sheet id) as a second associated file.
 */
const sign: CommandHandler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    {
      out: { type: "string" },
      p12: { type: "string" },
      passphrase: { type: "string" },
      "sheet-id": { type: "string" },
      "test-ins": { type: "boolean", default: false },
    },
    1,
  );
  const input = required(positionals[0], "DATA.json");
  const out = path.resolve(io.cwd, required(values.out, "--out"));
  const p12 = path.resolve(io.cwd, required(values.p12, "--p12"));
  const secret = passphrase(values.passphrase, io);
  const registry = await loadFormRegistry();
  const sheet = validateSheet(
    parseSheetJson((await readInput(path.resolve(io.cwd, input))).toString("utf8")),
    registry,
  );
  const signer = P12Signer.fromBuffer(await readInput(p12), secret);
  const signed = await produceSignedSheet(sheet, {
    signer,
    clock: systemClock,
    testIns: values["test-ins"],
    signerName:
      signer.certificate.subject
        .split("\n")
        .find((l) => l.startsWith("CN="))
        ?.slice(3) ?? "",
    ...(values["sheet-id"] === undefined ? {} : { sheetId: values["sheet-id"] }),
  });
  await writeAtomic(out, signed.pdf);
  io.out(`sheet ${signed.sheetId} (${sheet.ref}) signed → ${out}`);
  io.out(`sha256 ${signed.sha256}`);
  if (signed.cda !== undefined) io.out(`cda ${signed.cda.id} (${signed.cda.volet}) embedded`);
  return EXIT.ok;
};

/**
 * `sheet cda DATA.json --out OUT.xml [--sheet-id ID] [--test-ins] [--pdf SIGNED.pdf]`: writes the
 * sheet as a CDA R2 document of its CI-SIS model (LDL-SES, LDL-EES, TLM-DA; TLM-CR needs the signed
 * answer `--pdf`); prints the document id (`root`, a UUID) and the volet.
 */
const cda: CommandHandler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    {
      out: { type: "string" },
      "sheet-id": { type: "string" },
      "test-ins": { type: "boolean", default: false },
      pdf: { type: "string" },
    },
    1,
  );
  const input = required(positionals[0], "DATA.json");
  const out = path.resolve(io.cwd, required(values.out, "--out"));
  const registry = await loadFormRegistry();
  const sheet = validateSheet(
    parseSheetJson((await readInput(path.resolve(io.cwd, input))).toString("utf8")),
    registry,
  );
  const pdf = values.pdf === undefined ? undefined : await readInput(path.resolve(io.cwd, values.pdf));
  const doc = sheetToCda(sheet, {
    testIns: values["test-ins"],
    ...(values["sheet-id"] === undefined ? {} : { sheetId: values["sheet-id"] }),
    ...(pdf === undefined ? {} : { pdf }),
  });
  await writeAtomic(out, Buffer.from(doc.xml, "utf8"));
  await chmod(out, 0o600); // patient data
  io.out(doc.id);
  io.err(`${doc.volet} → ${out}`);
  return EXIT.ok;
};

/** `sheet verify FILE.pdf --ca ca.pem [--json]`: exit 0 only if signature, integrity and chain all hold. */
const verify: CommandHandler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    { ca: { type: "string", multiple: true }, json: { type: "boolean", default: false } },
    1,
  );
  const file = path.resolve(io.cwd, required(positionals[0], "FILE.pdf"));
  const cas = await Promise.all(
    (values.ca ?? []).map((c) =>
      readFile(path.resolve(io.cwd, c), "utf8").catch((e: unknown) =>
        Promise.reject(ioError(`cannot read ${path.basename(c)}`, e)),
      ),
    ),
  );
  const pdf = await readInput(file);
  const report = await verifyPdf(pdf, { trustedCas: cas });
  const data = embeddedData(pdf);
  if (values.json) io.out(JSON.stringify({ ...report, data }, null, 2));
  else printReport(report, data, cas.length > 0, io);
  return report.valid ? EXIT.ok : EXIT.failed;
};

function embeddedData(pdf: Buffer): unknown {
  const file = extractEmbeddedFiles(pdf).find((f) => f.name === EMBEDDED_DATA_NAME);
  if (file === undefined) return undefined;
  try {
    return JSON.parse(file.content.toString("utf8")) as unknown;
  } catch {
    return undefined;
  }
}

function printReport(r: VerificationReport, data: unknown, hadCa: boolean, io: CliIo): void {
  const mark = (ok: boolean): string => (ok ? "yes" : "NO");
  io.out(`signature valid:            ${mark(r.signatureValid)}`);
  io.out(`unmodified since signing:   ${mark(r.byteRangeCoversWholeFile)}`);
  io.out(`chain trusted:              ${mark(r.chainTrusted)}${hadCa ? "" : " (no --ca given)"}`);
  if (r.signer) {
    io.out(
      `signer:                     ${r.signer.commonName ?? "?"} — ${r.signer.organisation ?? "?"}${r.signer.finess === undefined ? "" : ` (FINESS ${r.signer.finess})`}`,
    );
  }
  if (r.signingTime) io.out(`signing time (claimed):     ${r.signingTime.toISOString()}`);
  for (const i of r.issues) io.out(`${i.severity}: ${i.code}: ${i.message}`);
  io.out(`VERDICT: ${r.valid ? "VALID" : "INVALID"}`);
  if (data !== undefined) io.out(`embedded data (${EMBEDDED_DATA_NAME}):\n${JSON.stringify(data, null, 2)}`);
}

export const sheetCommands: Record<string, CommandHandler> = { sign, verify, cda };
