import { stat, writeFile, mkdir, rename, rm } from "node:fs/promises";
import path from "node:path";
import { randomBytes } from "node:crypto";
import {
  MAX_CDA_BYTES,
  readCda,
  readingJson,
  type CdaPerson,
  type CdaReading,
} from "../../cda/read/index.ts";
import { fieldError } from "../../core/index.ts";
import { ioError, parse, required } from "../args.ts";
import { readInput } from "../fs-util.ts";
import { documentIntakeCommands } from "./document-intake.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";

/**
 * `document read FILE.xml [--json] [--out-pdf DIR]`: reads a CDA R2 document (structured CI-SIS
 * volet or non-structured N1) and prints its header, sections and embedded file; `--out-pdf`
 * writes the embedded PDF of an N1 document as `DIR/<sha256>.pdf`, mode 0600 (it holds patient data).
 */
const read: CommandHandler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    { json: { type: "boolean", default: false }, "out-pdf": { type: "string" } },
    1,
  );
  const file = path.resolve(io.cwd, required(positionals[0], "FILE.xml"));
  const size = await stat(file).then(
    (s) => s.size,
    (e: unknown) => Promise.reject(ioError(`cannot read ${path.basename(file)}`, e)),
  );
  if (size > MAX_CDA_BYTES) {
    throw fieldError(
      "PAYLOAD_TOO_LARGE",
      `/: size limit (${String(MAX_CDA_BYTES / 1024 / 1024)} MiB)`,
      "/",
      "size limit",
      {
        en: `the document is larger than the ${String(MAX_CDA_BYTES / 1024 / 1024)} MiB limit`,
        fr: `le document dépasse la limite de ${String(MAX_CDA_BYTES / 1024 / 1024)} Mio`,
      },
    );
  }
  const reading = readCda(await readInput(file));
  let pdfPath: string | undefined;
  const outDir = values["out-pdf"];
  if (
    outDir !== undefined &&
    reading.body.kind === "nonXML" &&
    reading.body.embedded.mediaType === "application/pdf"
  ) {
    pdfPath = path.join(path.resolve(io.cwd, outDir), `${reading.body.embedded.sha256}.pdf`);
    await writePrivate(pdfPath, reading.body.embedded.bytes);
  }
  if (values.json) io.out(JSON.stringify(readingJson(reading, pdfPath), null, 2));
  else summary(reading, pdfPath, io);
  return EXIT.ok;
};

/** Atomic write, mode 0600 from creation. */
async function writePrivate(file: string, content: Uint8Array): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
    await writeFile(tmp, content, { mode: 0o600 });
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw ioError(`cannot write ${path.basename(file)}`, e);
  }
}

function summary(r: CdaReading, pdfPath: string | undefined, io: CliIo): void {
  const p = r.patient;
  const line = (fr: string, en: string, v: string | undefined): void => {
    if (v !== undefined && v !== "") io.out(`${`${fr} / ${en}:`.padEnd(36)}${v}`);
  };
  line(
    "Document",
    "document",
    `${r.title ?? ""} (LOINC ${r.code.code}${r.volet === undefined ? "" : `, ${r.volet}`})`,
  );
  line("Identifiant", "id", r.id);
  line(
    "Lot / set",
    "setId",
    r.setId === undefined ? undefined : `${r.setId} v${String(r.versionNumber ?? "?")}`,
  );
  line("Remplace", "replaces", r.replaces);
  line("Date", "date", r.effectiveTime);
  line(
    "Patient",
    "patient",
    [p.usedFamily ?? p.family, p.usedGiven ?? p.given, p.birthDate, p.sex]
      .filter((x) => x !== undefined)
      .join(", "),
  );
  line("INS", "INS", p.ins === undefined ? "(absent)" : `${p.ins} (${p.insKind ?? p.insOid ?? ""})`);
  const who = (x: Pick<CdaPerson, "name" | "device" | "rpps" | "structure"> | undefined) =>
    x === undefined
      ? undefined
      : [
          x.name ?? x.device,
          x.rpps === undefined ? undefined : `RPPS ${x.rpps}`,
          x.structure?.name,
          x.structure?.finess === undefined ? undefined : `FINESS ${x.structure.finess}`,
        ]
          .filter((v) => v !== undefined)
          .join(", ");
  line("Auteur", "author", who(r.author));
  line("Responsable", "legal authenticator", who(r.legalAuthenticator));
  line("Conservation", "custodian", who({ structure: r.custodian }));
  for (const rc of r.recipients) line("Destinataire", "recipient", who(rc));
  const e = r.encounter;
  if (e !== undefined)
    line("Prise en charge", "encounter", [e.start, e.end, e.unit].filter((v) => v !== undefined).join(" → "));
  if (r.sheet !== undefined)
    line(
      "Fiche",
      "sheet data",
      `${r.sheet.form}, ${
        r.sheet.source === "pdf"
          ? "lue dans le JSON joint au PDF signé / from the JSON embedded in the signed PDF (signature: sheet verify)"
          : "lue dans l'en-tête et le texte du CDA / from the CDA header and narrative"
      }`,
    );
  if (r.body.kind === "nonXML") {
    const f = r.body.embedded;
    line("Pièce jointe", "embedded", `${f.mediaType}, ${String(f.bytes.length)} bytes, sha256 ${f.sha256}`);
    line("Écrit dans", "written to", pdfPath);
    return;
  }
  for (const s of r.body.sections) {
    io.out("");
    io.out(`## ${s.title ?? s.code?.code ?? "Section"}`);
    if (s.text !== "") io.out(s.text);
    for (const sub of s.sections) io.out(`### ${sub.title ?? ""}\n${sub.text}`);
  }
}

export const documentCommands: Record<string, CommandHandler> = { read, ...documentIntakeCommands };
