import { readFile } from "node:fs/promises";
import { resolve } from "node:path";
import { parseArgs } from "node:util";
import { SingleBar } from "cli-progress";
import { PasserelleError } from "../../core/index.ts";
import type { Member } from "../../directory/index.ts";
import { DirectoryRepository, importExtraction } from "../../directory/index.ts";
import type { CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import { withKernel } from "../../kernel.ts";
import { parse, strings } from "../args.ts";
import { cliActor, cliConfig } from "../context.ts";

const importCmd: CommandHandler = async (args, io) => {
  const { values, positionals } = parseArgs({
    args: [...args],
    options: { json: { type: "boolean" }, actor: { type: "string" } },
    allowPositionals: true,
    strict: true,
  });
  const file = positionals[0];
  if (file === undefined || positionals.length > 1) {
    io.err("usage: passerelle directory import FILE.csv [--json] [--actor ID]");
    return EXIT.usage;
  }
  let bytes: Buffer;
  try {
    bytes = await readFile(resolve(io.cwd, file));
  } catch (e) {
    throw new PasserelleError("IO_ERROR", `cannot read ${file}`, { cause: e });
  }
  const bar = io.isTTY
    ? new SingleBar({ stream: process.stderr, format: "import [{bar}] {value}/{total} rows" })
    : undefined;
  const report = await withKernel(cliConfig(io), async ({ db, trail }) => {
    try {
      return await importExtraction(db, trail, bytes, {
        actor: cliActor(values.actor),
        onProgress: (done, total) => {
          if (bar === undefined) return;
          if (done === 0) bar.start(total, 0);
          else bar.update(done);
        },
      });
    } finally {
      bar?.stop();
    }
  });
  if (values.json === true) {
    io.out(JSON.stringify(report));
    return EXIT.ok;
  }
  io.out(
    `imported ${report.imported} (inserted ${report.inserted}, updated ${report.updated}, unchanged ${report.unchanged}), ` +
      `rejected ${report.rejected.length}, new structures ${report.structures.inserted}, encoding ${report.encoding}`,
  );
  for (const r of report.rejected.slice(0, 20)) io.out(`  line ${r.line}: ${r.reason}`);
  if (report.rejected.length > 20) io.out(`  … and ${report.rejected.length - 20} more (use --json)`);
  return EXIT.ok;
};

const addMember: CommandHandler = async (args, io) => {
  const { values } = parse(args, {
    ...strings("rpps", "adeli", "matrix-id", "profession", "name", "speciality", "actor"),
    role: { type: "string", multiple: true },
    json: { type: "boolean" },
  });
  const result = await withKernel(cliConfig(io), ({ directory }) =>
    directory.addMember(
      {
        ...(values.rpps === undefined ? {} : { rpps: values.rpps }),
        ...(values.adeli === undefined ? {} : { adeli: values.adeli }),
        ...(values["matrix-id"] === undefined ? {} : { matrixId: values["matrix-id"] }),
        ...(values.speciality === undefined ? {} : { specialityCode: values.speciality }),
        professionCode: values.profession ?? "",
        name: values.name ?? "",
        roles: (values.role ?? []).flatMap((r) => r.split(",")).map((r) => r.trim()),
      },
      cliActor(values.actor),
    ),
  );
  if (values.json === true) io.out(JSON.stringify(result));
  else io.out(`${result.created ? "added" : "updated"} member ${describe(result.member)}`);
  return EXIT.ok;
};

const removeMember: CommandHandler = async (args, io) => {
  const { values } = parse(args, { rpps: { type: "string" }, actor: { type: "string" } });
  const m = await withKernel(cliConfig(io), ({ directory }) =>
    directory.removeMember(values.rpps ?? "", cliActor(values.actor)),
  );
  io.out(`removed member ${describe(m)}`);
  return EXIT.ok;
};

const find: CommandHandler = async (args, io) => {
  const { values } = parse(args, {
    ...strings("rpps", "matrix-id", "name", "profession", "limit"),
    json: { type: "boolean" },
  });
  const limit = Math.min(Math.max(Number(values.limit ?? 20) || 20, 1), 1000);
  const members = await withKernel(cliConfig(io), async ({ db }) => {
    const repo = new DirectoryRepository(db.knex);
    if (values.rpps !== undefined) return [await repo.findByRpps(values.rpps)].filter((m) => m !== undefined);
    if (values["matrix-id"] !== undefined) {
      return [await repo.findByMatrixId(values["matrix-id"])].filter((m) => m !== undefined);
    }
    if (values.name !== undefined) return repo.searchByName(values.name, limit);
    if (values.profession !== undefined) return repo.findByProfessionInTerritory(values.profession, limit);
    return undefined;
  });
  if (members === undefined) {
    io.err(
      "usage: passerelle directory find --rpps R | --matrix-id @u:server | --name PREFIX | --profession CODE",
    );
    return EXIT.usage;
  }
  if (values.json === true) io.out(JSON.stringify(members));
  else for (const m of members) io.out(describe(m));
  return members.length > 0 ? EXIT.ok : EXIT.failed;
};

const addStructure: CommandHandler = async (args, io) => {
  const { values } = parse(args, {
    ...strings("finess", "siret", "kind", "name", "postcode", "commune"),
    json: { type: "boolean" },
  });
  const s = await withKernel(cliConfig(io), ({ directory }) =>
    directory.addStructure({
      ...(values.finess === undefined ? {} : { finess: values.finess }),
      ...(values.siret === undefined ? {} : { siret: values.siret }),
      ...(values.postcode === undefined ? {} : { postcode: values.postcode }),
      ...(values.commune === undefined ? {} : { communeCode: values.commune }),
      kind: values.kind ?? "",
      name: values.name ?? "",
    }),
  );
  io.out(values.json === true ? JSON.stringify(s) : `added structure ${String(s.id)} (${s.kind}) ${s.name}`);
  return EXIT.ok;
};

const territory: CommandHandler = async (args, io) => {
  const { values } = parse(args, { ...strings("postcodes", "communes"), json: { type: "boolean" } });
  const list = (s: string | undefined): string[] =>
    (s ?? "")
      .split(",")
      .map((x) => x.trim())
      .filter((x) => x !== "");
  const t = await withKernel(cliConfig(io), async ({ db, directory }) => {
    if (values.postcodes !== undefined || values.communes !== undefined) {
      return directory.setTerritory({
        postcodes: list(values.postcodes),
        communes: list(values.communes),
      });
    }
    return new DirectoryRepository(db.knex).getTerritory();
  });
  if (values.json === true) io.out(JSON.stringify(t));
  else {
    io.out(`postcodes: ${t.postcodes.join(", ") || "(none)"}`);
    io.out(`communes: ${t.communes.join(", ") || "(none)"}`);
  }
  return EXIT.ok;
};

function describe(m: Member): string {
  const id = m.rpps !== undefined ? `RPPS ${m.rpps}` : `ADELI ${m.adeli ?? "?"}`;
  const roles = m.roles.length > 0 ? ` [${m.roles.join(",")}]` : "";
  return `${id} ${m.displayName} (profession ${m.professionCode})${m.matrixId === undefined ? "" : ` ${m.matrixId}`}${roles}${m.active ? "" : " (inactive)"}`;
}

/** `passerelle directory import|add-member|remove-member|find|add-structure|territory`. */
export const directoryCommands: Record<string, CommandHandler> = {
  import: importCmd,
  "add-member": addMember,
  "remove-member": removeMember,
  find,
  "add-structure": addStructure,
  territory,
};
