/**
 * The documents service from the command line (the same functions the HTTP API calls):
 * - `document send FILE [--to RPPS,…] [--visit NUMBER] [--json]` — a CDA R2 file (its id, type,
 *   title, patient and version links are read from its header), or a PDF with `--ins INS`
 *   `--kind LOINC` [`--title TEXT`] [`--id DOCUMENT_ID`, default `sha256:<hex of the file>`];
 *   prints the transfer id (or « à orienter »), `{documentId, transferId, outcome, routing,
 *   duplicate}` with `--json`. Sending the same document again sends nothing and prints the same.
 * - `document queue [--json]` — the coordinators' queue « à orienter », oldest first.
 * - `document assign DOCUMENT_ID --to RPPS[,RPPS…] [--actor ACTOR] [--json]` — a coordinator's routing.
 */
import { createHash } from "node:crypto";
import path from "node:path";
import { readCda } from "../../cda/read/index.ts";
import type { DocumentDeps, IncomingDocument, ReceivedDocument } from "../../documents/index.ts";
import { assignDocument, listToRoute, NO_FLAGS, receiveDocument } from "../../documents/index.ts";
import type { Kernel } from "../../kernel.ts";
import { withKernel } from "../../kernel.ts";
import { trustPolicy } from "../../trust/index.ts";
import { parse, required, UsageError } from "../args.ts";
import { cliActor, cliConfig } from "../context.ts";
import { readInput } from "../fs-util.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";

const INS_NIR_OID = "1.2.250.1.213.1.4.8";

const documentDeps = (k: Kernel): Promise<DocumentDeps> =>
  k.documentDeps(trustPolicy(k.config.trust.allowedServers, undefined, k.config.trust.structureServers));

const list = (v: string | undefined): string[] =>
  v === undefined
    ? []
    : v
        .split(",")
        .map((s) => s.trim())
        .filter((s) => s !== "");

function print(io: CliIo, r: ReceivedDocument, json: boolean): void {
  if (json) {
    io.out(JSON.stringify(r));
    return;
  }
  io.out(r.transferId ?? (r.outcome === "masked" ? "masqué / masked" : "à orienter / to route"));
  if (r.duplicate) io.err("déjà reçu : rien n’a été envoyé / already received: nothing sent");
  for (const x of r.routing) io.err(`→ rpps:${x.rpps} (${x.source}: ${x.reason})`);
}

const send: CommandHandler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    {
      to: { type: "string" },
      visit: { type: "string" },
      ins: { type: "string" },
      kind: { type: "string" },
      title: { type: "string" },
      id: { type: "string" },
      json: { type: "boolean", default: false },
    },
    1,
  );
  const file = path.resolve(io.cwd, required(positionals[0], "FILE"));
  const bytes = await readInput(file);
  const to = list(values.to).map((rpps) => ({ rpps }));
  const common = {
    channel: "cli" as const,
    recipients: to,
    flags: NO_FLAGS,
    ...(values.visit === undefined ? {} : { visitNumber: values.visit }),
  };
  let incoming: IncomingDocument;
  if (Buffer.from(bytes.subarray(0, 5)).toString("latin1") === "%PDF-") {
    const ins = values.ins;
    const kind = values.kind;
    if (ins === undefined || kind === undefined)
      throw new UsageError("a PDF needs --ins INS and --kind LOINC (e.g. 11490-0)");
    incoming = {
      ...common,
      documentId: values.id ?? `sha256:${createHash("sha256").update(bytes).digest("hex")}`,
      typeCode: kind,
      ...(values.title === undefined ? {} : { title: values.title }),
      patient: { ins, insOid: INS_NIR_OID },
      content: { kind: "pdf", pdf: bytes },
    };
  } else {
    const r = readCda(bytes);
    const ins = values.ins ?? r.patient.ins;
    if (ins === undefined) throw new UsageError("the CDA has no INS: give --ins INS");
    incoming = {
      ...common,
      documentId: r.id,
      ...(r.setId === undefined ? {} : { setId: r.setId }),
      ...(r.versionNumber === undefined ? {} : { versionNumber: r.versionNumber }),
      ...(r.replaces === undefined ? {} : { replaces: r.replaces }),
      typeCode: r.code.code,
      ...((values.title ?? r.title) === undefined ? {} : { title: values.title ?? r.title }),
      patient: {
        ins,
        insOid: r.patient.insOid ?? INS_NIR_OID,
        ...(r.patient.family === undefined ? {} : { family: r.patient.family }),
        ...(r.patient.given === undefined ? {} : { given: r.patient.given }),
        ...(r.patient.birthDate === undefined ? {} : { birthDate: r.patient.birthDate }),
      },
      content: { kind: "cda", cda: bytes },
    };
  }
  const r = await withKernel(cliConfig(io), async (k) => receiveDocument(await documentDeps(k), incoming));
  print(io, r, values.json);
  return EXIT.ok;
};

const queue: CommandHandler = async (args, io) => {
  const { values } = parse(args, { json: { type: "boolean", default: false } });
  const items = await withKernel(cliConfig(io), (k) => listToRoute({ db: k.db }));
  if (values.json) {
    io.out(JSON.stringify(items));
    return EXIT.ok;
  }
  if (items.length === 0) io.out("aucun document à orienter / nothing to route");
  for (const d of items)
    io.out(
      `${d.receivedAt}  ${d.documentId}  LOINC ${d.typeCode}  ${[d.patient.family, d.patient.given, d.patient.birthDate].filter((x) => x !== undefined).join(" ")}${d.escalations > 0 ? `  (relancé ${String(d.escalations)}×)` : ""}`,
    );
  return EXIT.ok;
};

const assign: CommandHandler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    { to: { type: "string" }, actor: { type: "string" }, json: { type: "boolean", default: false } },
    1,
  );
  const id = required(positionals[0], "DOCUMENT_ID");
  const to = list(required(values.to, "--to"));
  const r = await withKernel(cliConfig(io), async (k) =>
    assignDocument(await documentDeps(k), id, to, cliActor(values.actor)),
  );
  print(io, r, values.json);
  return EXIT.ok;
};

export const documentIntakeCommands: Record<string, CommandHandler> = { send, queue, assign };
