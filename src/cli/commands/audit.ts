import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { JWK } from "jose";
import type { ExportFilter, VerifyReport } from "../../audit/index.ts";
import { accessRequest, exportAudit, patientPseudonym, verifyExportFile } from "../../audit/index.ts";
import { fieldError, PasserelleError } from "../../core/index.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import { withKernel } from "../../kernel.ts";
import { parse, strings } from "../args.ts";
import { cliConfig } from "../context.ts";

async function readText(io: CliIo, file: string, what: string): Promise<string> {
  try {
    return await readFile(resolve(io.cwd, file), "utf8");
  } catch (e) {
    throw new PasserelleError("IO_ERROR", `cannot read ${what} ${file}`, { cause: e });
  }
}

async function pinnedKeys(io: CliIo, file: string | undefined): Promise<JWK[] | undefined> {
  if (file === undefined) return undefined;
  const text = await readText(io, file, "key file");
  try {
    const v = JSON.parse(text) as JWK | { keys: JWK[] };
    return "keys" in v ? v.keys : [v];
  } catch (e) {
    throw new PasserelleError("INVALID_JSON", `${file} is not a JWK or JWK set`, { cause: e });
  }
}

function printReport(io: CliIo, r: VerifyReport, json: boolean): number {
  if (json) io.out(JSON.stringify(r));
  else if (r.failure === undefined) {
    io.out(
      `OK: ${r.entries} entries (seq ${r.firstSeq ?? 0}–${r.lastSeq}), ${r.checkpoints} signed checkpoints, ` +
        `last at seq ${r.lastCheckpointSeq}${r.unsignedTail > 0 ? `; ${r.unsignedTail} entries after it not yet signed` : ""}`,
    );
  } else {
    const where = r.failure.line === undefined ? "" : ` (line ${r.failure.line})`;
    io.out(`FAILED at seq ${r.failure.seq}${where}: ${r.failure.reason} — ${r.failure.detail}`);
  }
  return r.ok ? EXIT.ok : EXIT.failed;
}

const verify: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...strings("file", "key"), json: { type: "boolean" } });
  const pinned = await pinnedKeys(io, values.key);
  if (values.file !== undefined) {
    await readText(io, values.file, "export"); // clear error when missing
    return printReport(
      io,
      await verifyExportFile(resolve(io.cwd, values.file), pinned),
      values.json === true,
    );
  }
  const report = await withKernel(cliConfig(io), ({ trail }) =>
    trail.verify(pinned === undefined ? {} : { pinned }),
  );
  return printReport(io, report, values.json === true);
};

const ISO = /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})?)?$/;
function isoTime(flag: string, v: string | undefined): string | undefined {
  if (v === undefined) return undefined;
  const t = new Date(v);
  if (!ISO.test(v) || Number.isNaN(t.getTime())) {
    throw fieldError("VALIDATION_FAILED", `--${flag} is not an ISO 8601 date or time`, flag, "iso8601", {
      en: "ISO 8601 expected",
      fr: "ISO 8601 attendu",
    });
  }
  return t.toISOString();
}

const exportCmd: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...strings("out", "sheet", "from", "to"), json: { type: "boolean" } });
  if (values.out === undefined || (values.sheet !== undefined && (values.from ?? values.to) !== undefined)) {
    io.err("usage: passerelle audit export --out FILE [--sheet ID | --from T --to T]");
    return EXIT.usage;
  }
  const from = isoTime("from", values.from);
  const to = isoTime("to", values.to);
  const filter: ExportFilter =
    values.sheet !== undefined
      ? { sheet: values.sheet }
      : { ...(from === undefined ? {} : { from }), ...(to === undefined ? {} : { to }) };
  const out = resolve(io.cwd, values.out);
  const summary = await withKernel(cliConfig(io), ({ db, trail }) =>
    exportAudit(trail, db.knex, out, filter),
  );
  io.out(
    values.json === true
      ? JSON.stringify(summary)
      : `exported ${summary.entries} entries (seq ${summary.firstSeq}–${summary.lastSeq}) and ${summary.checkpoints} checkpoints to ${values.out}`,
  );
  return EXIT.ok;
};

const checkpoint: CommandHandler = async (_args, io) => {
  const cp = await withKernel(cliConfig(io), ({ trail }) => trail.checkpoint());
  io.out(cp === undefined ? "head already covered by a checkpoint" : `signed checkpoint at seq ${cp.seq}`);
  return EXIT.ok;
};

const publicKey: CommandHandler = async (_args, io) => {
  const jwk = await withKernel(cliConfig(io), ({ trail }) => Promise.resolve(trail.publicJwk));
  io.out(JSON.stringify(jwk));
  return EXIT.ok;
};

/** RGPD art. 15. The INS is read from a file (or --ins, visible in the process list): never logged. */
const accessRequestCmd: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...strings("ins", "ins-file"), json: { type: "boolean" } });
  const ins =
    values["ins-file"] !== undefined
      ? (await readText(io, values["ins-file"], "INS file")).trim()
      : values.ins;
  if (ins === undefined) {
    io.err("usage: passerelle audit access-request --ins-file FILE | --ins INS [--json]");
    return EXIT.usage;
  }
  const report = await withKernel(cliConfig(io), async (k) =>
    accessRequest(k.db.knex, patientPseudonym(ins, await k.pseudonymKey())),
  );
  if (values.json === true) io.out(JSON.stringify(report));
  else {
    io.out(`${report.transfers.length} transfer(s) for patient ${report.patient.slice(0, 12)}…`);
    for (const t of report.transfers) {
      io.out(`transfer ${t.transfer}${t.sheets.length > 0 ? ` (sheet ${t.sheets.join(", ")})` : ""}`);
      for (const e of t.events)
        io.out(
          `  ${e.time} ${e.action} by ${e.actor} ${e.outcome}${e.event === undefined ? "" : ` ${e.event}`}`,
        );
    }
  }
  return EXIT.ok;
};

/** `passerelle audit verify|export|checkpoint|public-key|access-request`. */
export const auditCommands: Record<string, CommandHandler> = {
  verify,
  export: exportCmd,
  checkpoint,
  "public-key": publicKey,
  "access-request": accessRequestCmd,
};
