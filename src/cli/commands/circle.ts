/**
 * `circle add --ins I --rpps R [--since D] [--consent informed|explicit]`, `circle remove --ins I
 * --rpps R`, `circle list --ins I [--json]`, `circle object --ins I [--lift]` and `circle import
 * FILE.csv [--json]`: the care circles, through {@link CircleService}. The INS is read
 * from the flag or `--ins-file` (so it need not appear in the shell history) and is never printed.
 */
import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import type { CircleConsent } from "../../circles/index.ts";
import { CircleService, importCircleCsv } from "../../circles/index.ts";
import { ioError, parse, required, UsageError } from "../args.ts";
import type { CliIo, CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import type { Kernel } from "../../kernel.ts";
import { withKernel } from "../../kernel.ts";
import { cliActor, cliConfig } from "../context.ts";

const common = {
  ins: { type: "string" },
  "ins-file": { type: "string" },
  actor: { type: "string" },
} as const;

async function insOf(values: { ins?: string; "ins-file"?: string }, io: CliIo): Promise<string> {
  if (values.ins !== undefined) return values.ins;
  const file = values["ins-file"];
  if (file === undefined) throw new UsageError("--ins or --ins-file is required");
  try {
    return (await readFile(resolve(io.cwd, file), "utf8")).trim();
  } catch (e) {
    throw ioError(`cannot read ${file}`, e);
  }
}

async function service(k: Kernel): Promise<CircleService> {
  return new CircleService({
    db: k.db,
    trail: k.trail,
    clock: k.clock,
    pseudonymKey: await k.pseudonymKey(),
  });
}

const add: CommandHandler = async (args, io) => {
  const { values } = parse(args, {
    ...common,
    rpps: { type: "string" },
    since: { type: "string" },
    consent: { type: "string" },
  });
  const ins = await insOf(values, io);
  const rpps = required(values.rpps, "--rpps");
  return withKernel(cliConfig(io), async (rt) => {
    const r = await (
      await service(rt)
    ).join(
      {
        ins,
        rpps,
        source: "cli",
        ...(values.since === undefined ? {} : { since: values.since }),
        ...(values.consent === undefined ? {} : { consent: values.consent as CircleConsent }),
      },
      cliActor(values.actor),
    );
    io.out(
      `${r.created ? "added" : "already in the circle"}: rpps:${rpps} (patient ${r.patientRef.slice(0, 12)}…)`,
    );
    return EXIT.ok;
  });
};

const remove: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...common, rpps: { type: "string" } });
  const ins = await insOf(values, io);
  const rpps = required(values.rpps, "--rpps");
  return withKernel(cliConfig(io), async (rt) => {
    const r = await (await service(rt)).leave(ins, rpps, cliActor(values.actor));
    io.out(r.removed ? `removed: rpps:${rpps}` : `not in the circle: rpps:${rpps}`);
    return EXIT.ok;
  });
};

const list: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...common, json: { type: "boolean" } });
  const ins = await insOf(values, io);
  return withKernel(cliConfig(io), async (rt) => {
    const c = await (await service(rt)).list(ins);
    if (values.json === true) {
      io.out(JSON.stringify(c));
      return EXIT.ok;
    }
    io.out(`patient ${c.patientRef.slice(0, 12)}…: ${c.members.length} member(s)`);
    if (c.objectionAt !== undefined) io.out(`  objection recorded ${c.objectionAt}: no notice is sent`);
    for (const m of c.members) {
      io.out(`  ${m.memberRef}  ${m.displayName}  since ${m.since}  (${m.source}, ${m.consent})`);
    }
    return EXIT.ok;
  });
};

const object: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...common, lift: { type: "boolean" } });
  const ins = await insOf(values, io);
  return withKernel(cliConfig(io), async (rt) => {
    const s = await service(rt);
    if (values.lift === true) await s.liftObjection(ins, "cli", cliActor(values.actor));
    else await s.recordObjection(ins, "cli", cliActor(values.actor));
    io.out(values.lift === true ? "objection lifted" : "objection recorded: no notice will be sent");
    return EXIT.ok;
  });
};

const importCsv: CommandHandler = async (args, io) => {
  const { values, positionals } = parse(args, { actor: { type: "string" }, json: { type: "boolean" } }, 1);
  const file = required(positionals[0], "FILE.csv");
  let text: string;
  try {
    text = await readFile(resolve(io.cwd, file), "utf8");
  } catch (e) {
    throw ioError(`cannot read ${file}`, e);
  }
  return withKernel(cliConfig(io), async (rt) => {
    const report = await importCircleCsv(await service(rt), text, cliActor(values.actor));
    if (values.json === true) io.out(JSON.stringify(report));
    else {
      io.out(`added ${report.added}, unchanged ${report.unchanged}, rejected ${report.rejected.length}`);
      for (const r of report.rejected) io.err(`  line ${r.line}: ${r.field} (${r.rule})`);
    }
    return report.rejected.length === 0 ? EXIT.ok : EXIT.failed;
  });
};

/** The `circle` command group. */
export const circleCommands: Record<string, CommandHandler> = {
  add,
  remove,
  list,
  object,
  import: importCsv,
};
