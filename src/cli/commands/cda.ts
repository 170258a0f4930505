import path from "node:path";
import { checkCdaFiles, conforms, findKit, VOLETS, type Volet } from "../../cda/check/index.ts";
import { PasserelleError } from "../../core/index.ts";
import { parse, required, UsageError } from "../args.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";

/**
 * `cda check FILE.xml… [--volet LDL-SES_2022.01] [--json]`: validates each CDA document against the
 * ANS kit (schema, the volet's schematron, the CI-SIS profiles) and prints each failed assert
 * (id, location, text); warnings are printed apart and not counted. Exit 1 when any document has
 * a schema error or a counted failed assert.
 */
const check: CommandHandler = async (args, io) => {
  const { values, positionals } = parse(
    args,
    { volet: { type: "string" }, json: { type: "boolean", default: false } },
    64,
  );
  required(positionals[0], "FILE.xml");
  const volet = values.volet as Volet | undefined;
  if (volet !== undefined && !VOLETS.includes(volet))
    throw new UsageError(`--volet must be one of ${VOLETS.join(", ")}`);
  const kit = findKit(io.env);
  if ("missing" in kit) throw new PasserelleError("UNAVAILABLE", kit.missing);
  const reports = await checkCdaFiles(
    kit.dir,
    positionals.map((p) => path.resolve(io.cwd, p)),
    volet,
  );
  if (values.json) io.out(JSON.stringify(reports, null, 2));
  else for (const r of reports) print(r, io);
  return reports.every(conforms) ? EXIT.ok : EXIT.failed;
};

function print(r: Awaited<ReturnType<typeof checkCdaFiles>>[number], io: CliIo): void {
  const name = path.basename(r.file);
  if (r.volet === undefined) {
    io.out(`${name}: no CI-SIS volet recognised (LDL-SES, LDL-EES, TLM-DA, TLM-CR); use --volet`);
    return;
  }
  for (const e of r.xsdErrors) io.out(`${name}: schema: ${e}`);
  for (const a of r.errors)
    io.out(
      `${name}: failed-assert ${a.id === "" ? "-" : a.id} at ${a.location} (${a.schematron}): ${a.text}`,
    );
  for (const a of r.notes)
    io.out(
      `${name}: ${a.role === "" ? a.kind : a.role} ${a.id === "" ? "-" : a.id} at ${a.location}: ${a.text}`,
    );
  io.out(
    `${name}: ${r.volet}: ${conforms(r) ? "CONFORMANT" : "NOT CONFORMANT"} (${r.xsdErrors.length} schema error(s), ${r.errors.length} failed assert(s), ${r.notes.length} warning(s)/note(s))`,
  );
}

export const cdaCommands: Record<string, CommandHandler> = { check };
