/**
 * Splits the flat modules `src/pdf` and `src/transfers` into responsibility folders, following the
 * table in `split-folders.map.ts` (same directory), on any checkout of the project:
 *
 * 1. checks that the table covers every file at the top level of each module and of its unit tests
 *    (`test/unit/<module>`), and fails naming the files it does not cover (with a suggestion);
 * 2. moves the files (`git mv`), unit tests included (they mirror the source layout);
 * 3. rewrites every relative path literal in src/, test/, bench/, scripts/ and the root files
 *    (imports, `vi.mock`, `import()`, `new URL(…, import.meta.url)`, worker paths) that points at a
 *    moved file or from a moved file, and the repository paths of moved files in docs and comments;
 * 4. with the TypeScript compiler API, works out which names each folder must export to files
 *    outside it, writes each folder's `index.ts` (its doc comment from the table) and the module's
 *    top-level `index.ts` (only what the rest of src/ uses), and makes src/ imports across a folder
 *    boundary go through the folder's index (tests, benchmarks and scripts may keep deep imports;
 *    an import of a name the indexes no longer export goes to the folder index or the file);
 * 5. formats what it changed with prettier, stages it, and checks the result.
 *
 * Idempotent: on a tree already split it moves nothing and regenerates the same indexes.
 *
 * Usage (from the repository root, Node ≥ 22.18):
 *   node scripts/dev/split-folders.ts [--root DIR] [--map FILE] [--dry-run] [--no-stage]
 * `--dry-run` only checks the table and prints the moves.
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { pathToFileURL } from "node:url";
import type * as TS from "typescript";
import type { Mapping, ModuleMap } from "./split-folders.map.ts";

type Ts = typeof TS;
interface Prettier {
  format(source: string, options: Record<string, unknown>): Promise<string>;
  resolveConfig(file: string): Promise<Record<string, unknown> | null>;
  getFileInfo(file: string, options: { ignorePath: string }): Promise<{ ignored: boolean }>;
}

const CODE_EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs)$/;
const TEXT_EXT = /\.(ts|tsx|mts|cts|js|mjs|cjs|md|json|sh|ya?ml|html|txt)$/;
const SKIP_DIRS = new Set([
  ".git",
  "node_modules",
  ".tools",
  ".venv",
  ".cache",
  "out",
  "data",
  "coverage",
  "test-results",
]);
/** Directories whose code may point at the modules (the root's own files are scanned too). */
const CODE_ROOTS = ["src", "test", "bench", "scripts"];

class Failure extends Error {}

// ---------------------------------------------------------------------------------------------
// Small path helpers: every path below is relative to the repository root, with forward slashes.

const posix = path.posix;

function relSpec(fromFile: string, toPath: string): string {
  const r = posix.relative(posix.dirname(fromFile), toPath);
  return r.startsWith(".") ? r : `./${r}`;
}

function walk(root: string, dir: string, files: string[], dirs: string[]): void {
  for (const e of fs.readdirSync(path.join(root, dir), { withFileTypes: true })) {
    const rel = dir === "" ? e.name : `${dir}/${e.name}`;
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name)) continue;
      dirs.push(rel);
      walk(root, rel, files, dirs);
    } else if (e.isFile()) files.push(rel);
  }
}

function git(root: string, args: readonly string[]): string {
  return execFileSync("git", args, { cwd: root, encoding: "utf8", maxBuffer: 64 * 1024 * 1024 });
}

// ---------------------------------------------------------------------------------------------
// Options

interface Options {
  readonly root: string;
  readonly mapFile: string;
  readonly dryRun: boolean;
  readonly stage: boolean;
}

function parseArgs(argv: readonly string[]): Options {
  let root = process.cwd();
  let mapFile = path.join(import.meta.dirname, "split-folders.map.ts");
  let dryRun = false;
  let stage = true;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === "--root") root = path.resolve(argv[++i] ?? "");
    else if (a === "--map") mapFile = path.resolve(argv[++i] ?? "");
    else if (a === "--dry-run") dryRun = true;
    else if (a === "--no-stage") stage = false;
    else
      throw new Failure(`unknown argument ${a ?? ""} (see the usage at the top of ${import.meta.filename})`);
  }
  if (!fs.existsSync(path.join(root, "package.json")) || !fs.existsSync(path.join(root, "src"))) {
    throw new Failure(`${root} is not the project's root (no package.json and src/)`);
  }
  return { root, mapFile, dryRun, stage };
}

// ---------------------------------------------------------------------------------------------
// 1. The plan: which files move where, and what the table does not cover.

interface Move {
  readonly from: string;
  readonly to: string;
  readonly isDir: boolean;
}

interface Plan {
  readonly moves: Move[];
  readonly problems: string[];
  readonly notes: string[];
}

/** `name → folder` ("" for the top level) of one list of the table, duplicates reported. */
function entriesOf(m: ModuleMap, which: "files" | "tests", problems: string[]): Map<string, string> {
  const out = new Map<string, string>();
  const add = (name: string, folder: string): void => {
    const seen = out.get(name);
    if (seen !== undefined)
      problems.push(
        `${m.module}: "${name}" is listed twice (${seen || "top level"}, ${folder || "top level"})`,
      );
    out.set(name, folder);
  };
  for (const name of m.topLevel[which]) add(name, "");
  for (const [folder, f] of Object.entries(m.folders)) for (const name of f[which]) add(name, folder);
  return out;
}

/** The folder most of a file's relative imports point to, as a hint for the line to add. */
function suggestFolder(root: string, file: string, m: ModuleMap): string {
  const text = fs.readFileSync(path.join(root, file), "utf8");
  const counts = new Map<string, number>();
  const byName = new Map<string, string>();
  for (const [folder, f] of Object.entries(m.folders)) for (const n of f.files) byName.set(n, folder);
  for (const match of text.matchAll(/from\s+["']([^"']+)["']/g)) {
    const spec = match[1] ?? "";
    const base = posix.basename(spec);
    const segs = spec.split("/");
    const folder = byName.get(base) ?? (base === "index.ts" ? segs[segs.length - 2] : undefined);
    if (folder !== undefined && m.folders[folder] !== undefined)
      counts.set(folder, (counts.get(folder) ?? 0) + 1);
  }
  const best = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]))[0];
  return best === undefined ? "no guess" : `suggested: ${best[0]}`;
}

function planModule(root: string, m: ModuleMap, plan: Plan): void {
  const folders = Object.keys(m.folders);
  for (const f of folders) {
    if (!/^[a-z][a-z0-9-]*$/.test(f))
      plan.problems.push(`${m.module}: folder name "${f}" is not a plain lower-case name`);
  }
  const sides = [
    { dir: `src/${m.module}`, which: "files" as const },
    { dir: `test/unit/${m.module}`, which: "tests" as const },
  ];
  for (const { dir, which } of sides) {
    const entries = entriesOf(m, which, plan.problems);
    const abs = path.join(root, dir);
    if (!fs.existsSync(abs)) {
      if (entries.size > 0) plan.notes.push(`${dir} does not exist: nothing to move there`);
      continue;
    }
    const uncovered: string[] = [];
    for (const e of fs
      .readdirSync(abs, { withFileTypes: true })
      .sort((a, b) => a.name.localeCompare(b.name))) {
      const rel = `${dir}/${e.name}`;
      if (e.isDirectory()) {
        if (folders.includes(e.name)) continue;
        const folder = entries.get(`${e.name}/`);
        if (folder === undefined)
          uncovered.push(`${rel}/ (a directory: list it as "${e.name}/" in a folder)`);
        else if (folder !== "") plan.moves.push({ from: rel, to: `${dir}/${folder}/${e.name}`, isDir: true });
        continue;
      }
      if (!e.isFile()) continue;
      if (which === "files" && e.name === "index.ts") continue;
      const folder = entries.get(e.name);
      if (folder === undefined) {
        uncovered.push(`${rel} (${CODE_EXT.test(e.name) ? suggestFolder(root, rel, m) : "not code"})`);
        continue;
      }
      if (folder === "") continue;
      const to = `${dir}/${folder}/${e.name}`;
      if (fs.existsSync(path.join(root, to))) {
        plan.problems.push(`both ${rel} and ${to} exist: keep one`);
        continue;
      }
      plan.moves.push({ from: rel, to, isDir: false });
    }
    for (const [name, folder] of entries) {
      const here = `${dir}/${name.replace(/\/$/, "")}`;
      const there = folder === "" ? here : `${dir}/${folder}/${name.replace(/\/$/, "")}`;
      if (!fs.existsSync(path.join(root, here)) && !fs.existsSync(path.join(root, there))) {
        plan.notes.push(`listed but absent (deleted?): ${here}`);
      }
    }
    if (uncovered.length > 0) {
      plan.problems.push(
        `${dir}: the mapping does not cover these files; add each to a folder's "${which}" (or to topLevel):\n` +
          uncovered.map((u) => `    ${u}`).join("\n"),
      );
    }
  }
}

/** An index.ts about to be regenerated must hold re-exports only: nothing in it may be lost. */
function checkIndexIsReexportsOnly(ts: Ts, root: string, rel: string, problems: string[]): void {
  const abs = path.join(root, rel);
  if (!fs.existsSync(abs)) return;
  const sf = ts.createSourceFile(abs, fs.readFileSync(abs, "utf8"), ts.ScriptTarget.Latest, true);
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && st.moduleSpecifier !== undefined) continue;
    const line = sf.getLineAndCharacterOfPosition(st.getStart()).line + 1;
    problems.push(
      `${rel}:${String(line)} is not a re-export; move it into a file of the folder (the index is regenerated)`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// 3. Relative path literals.

interface Edit {
  readonly start: number;
  readonly end: number;
  readonly text: string;
}

function applyEdits(text: string, edits: readonly Edit[]): string {
  let out = text;
  for (const e of [...edits].sort((a, b) => b.start - a.start))
    out = out.slice(0, e.start) + e.text + out.slice(e.end);
  return out;
}

/**
 * The text of `oldRel` (about to live at `newRel`) with every relative path literal that resolves
 * to an existing file or directory re-pointed to where that target is after the moves.
 */
function rewriteLiterals(
  ts: Ts,
  text: string,
  oldRel: string,
  newRel: string,
  oldFiles: ReadonlySet<string>,
  oldDirs: ReadonlySet<string>,
  newPathOf: (p: string) => string,
): string {
  const sf = ts.createSourceFile(oldRel, text, ts.ScriptTarget.Latest, true);
  const edits: Edit[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node)) {
      const spec = node.text;
      if (/^\.\.?\//.test(spec)) {
        const slash = spec.endsWith("/");
        const target = posix.normalize(posix.join(posix.dirname(oldRel), spec)).replace(/\/$/, "");
        if (!target.startsWith("..") && (oldFiles.has(target) || oldDirs.has(target))) {
          let next = relSpec(newRel, newPathOf(target));
          if (slash) next += "/";
          if (next !== spec) edits.push({ start: node.getStart(sf) + 1, end: node.getEnd() - 1, text: next });
        }
      }
    }
    ts.forEachChild(node, visit);
  };
  visit(sf);
  return edits.length === 0 ? text : applyEdits(text, edits);
}

/** Repository paths of moved files in docs and comments (`src/pdf/fonts.ts` → `src/pdf/render/fonts.ts`). */
function rewriteRepoPaths(text: string, moves: ReadonlyMap<string, string>, pattern: RegExp): string {
  return text.replace(pattern, (p: string) => moves.get(p) ?? p);
}

// ---------------------------------------------------------------------------------------------
// 4. Exports and routing, with the type checker.

/** Where a repository path sits relative to one module. */
interface Place {
  readonly kind: "outside" | "index" | "file";
  /** The responsibility folder; "" for the module's own index, its top-level files and outside. */
  readonly folder: string;
}

function placeOf(rel: string, m: ModuleMap): Place {
  const prefix = `src/${m.module}/`;
  if (!rel.startsWith(prefix)) return { kind: "outside", folder: "" };
  const segs = rel.slice(prefix.length).split("/");
  if (segs.length === 1)
    return segs[0] === "index.ts" ? { kind: "index", folder: "" } : { kind: "file", folder: "" };
  const folder = segs[0] ?? "";
  if (segs.length === 2 && segs[1] === "index.ts" && m.folders[folder] !== undefined)
    return { kind: "index", folder };
  return { kind: "file", folder };
}

const indexOf = (m: ModuleMap, folder: string): string =>
  folder === "" ? `src/${m.module}/index.ts` : `src/${m.module}/${folder}/index.ts`;

/** One imported (or re-exported) name of a declaration that targets a module. */
interface Use {
  readonly consumer: string;
  readonly decl: TS.ImportDeclaration | TS.ExportDeclaration;
  readonly spec: TS.ImportSpecifier | TS.ExportSpecifier;
  readonly module: ModuleMap;
  readonly name: string;
  /** The file of the module that declares (or last re-exports) the name; undefined if none. */
  readonly owner: string | undefined;
  readonly ownerName: string | undefined;
  readonly isValue: boolean;
  readonly target: string;
  /** Where the import must point, decided below. */
  desired: string;
}

interface Exported {
  readonly owner: string;
  readonly isValue: boolean;
}

/** `import type { … }` (TypeScript 5.9 spells it as the clause's phase modifier). */
const clauseIsTypeOnly = (ts: Ts, c: TS.ImportClause | undefined): boolean =>
  c?.phaseModifier === ts.SyntaxKind.TypeKeyword;

function isTypeOnlyAlias(ts: Ts, d: TS.Declaration): boolean {
  if (ts.isImportSpecifier(d)) return d.isTypeOnly || clauseIsTypeOnly(ts, d.parent.parent);
  if (ts.isExportSpecifier(d)) return d.isTypeOnly || d.parent.parent.isTypeOnly;
  if (ts.isImportClause(d)) return clauseIsTypeOnly(ts, d);
  return false;
}

class Analysis {
  readonly uses: Use[] = [];
  readonly problems: string[] = [];
  /** index path → exported name → where from. */
  readonly exports = new Map<string, Map<string, Exported>>();

  private readonly ts: Ts;
  private readonly root: string;
  private readonly mapping: Mapping;
  private readonly program: TS.Program;

  constructor(ts: Ts, root: string, mapping: Mapping, program: TS.Program) {
    this.ts = ts;
    this.root = root;
    this.mapping = mapping;
    this.program = program;
  }

  rel(fileName: string): string {
    return path.relative(this.root, fileName).split(path.sep).join("/");
  }

  isSrcConsumer(rel: string): boolean {
    return rel.startsWith("src/") && !this.mapping.deepImportsAllowed.some((p) => rel.startsWith(p));
  }

  moduleOf(rel: string): ModuleMap | undefined {
    return this.mapping.modules.find((m) => rel.startsWith(`src/${m.module}/`));
  }

  collect(): void {
    const checker = this.program.getTypeChecker();
    const ts = this.ts;
    for (const sf of this.program.getSourceFiles()) {
      if (sf.isDeclarationFile) continue;
      const consumer = this.rel(sf.fileName);
      if (consumer.startsWith("..") || consumer.includes("node_modules/")) continue;
      for (const st of sf.statements) {
        if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st))) continue;
        const ms = st.moduleSpecifier;
        if (ms === undefined || !ts.isStringLiteral(ms) || !ms.text.startsWith(".")) continue;
        const target = posix.normalize(posix.join(posix.dirname(consumer), ms.text));
        const m = this.moduleOf(target);
        if (m === undefined) continue;
        const cPlace = placeOf(consumer, m);
        if (cPlace.kind === "index") continue; // regenerated
        const where = `${consumer}:${String(sf.getLineAndCharacterOfPosition(st.getStart()).line + 1)}`;
        const specs: readonly (TS.ImportSpecifier | TS.ExportSpecifier)[] = ts.isImportDeclaration(st)
          ? this.importSpecifiers(st, where, consumer, target, m)
          : st.exportClause !== undefined && ts.isNamedExports(st.exportClause)
            ? st.exportClause.elements
            : this.unsupported(where, "`export *`", consumer, target, m);
        for (const spec of specs) {
          const name = (spec.propertyName ?? spec.name).text;
          const local = ts.isImportSpecifier(spec) ? checker.getSymbolAtLocation(spec.name) : undefined;
          const first = ts.isImportSpecifier(spec)
            ? local === undefined
              ? undefined
              : checker.getImmediateAliasedSymbol(local)
            : checker.getExportSpecifierLocalTargetSymbol(spec);
          const chain: TS.Symbol[] = [];
          for (let s = first; s !== undefined && chain.length < 50;) {
            chain.push(s);
            s = (s.flags & ts.SymbolFlags.Alias) !== 0 ? checker.getImmediateAliasedSymbol(s) : undefined;
          }
          let ownerAt = -1;
          chain.forEach((s, i) => {
            const file = s.declarations?.[0]?.getSourceFile().fileName;
            if (file === undefined) return;
            const p = placeOf(this.rel(file), m);
            if (p.kind === "file") ownerAt = i;
          });
          const ownerSym = ownerAt >= 0 ? chain[ownerAt] : undefined;
          const last = chain[chain.length - 1];
          const typeOnly = chain
            .slice(Math.max(ownerAt, 0))
            .some((s) => (s.declarations ?? []).some((d) => isTypeOnlyAlias(ts, d)));
          const isValue = last !== undefined && (last.flags & ts.SymbolFlags.Value) !== 0 && !typeOnly;
          this.uses.push({
            consumer,
            decl: st,
            spec,
            module: m,
            name,
            owner:
              ownerSym === undefined
                ? undefined
                : this.rel(ownerSym.declarations?.[0]?.getSourceFile().fileName ?? ""),
            ownerName: ownerSym === undefined ? undefined : ts.symbolName(ownerSym),
            isValue,
            target,
            desired: target,
          });
        }
      }
    }
  }

  private importSpecifiers(
    st: TS.ImportDeclaration,
    where: string,
    consumer: string,
    target: string,
    m: ModuleMap,
  ): readonly TS.ImportSpecifier[] {
    const clause = st.importClause;
    if (clause === undefined) return []; // side-effect import: its path is already right
    const nb = clause.namedBindings;
    if (clause.name !== undefined) this.unsupported(where, "a default import", consumer, target, m);
    if (nb !== undefined && this.ts.isNamespaceImport(nb))
      return this.unsupported(where, "`import * as`", consumer, target, m);
    return nb === undefined ? [] : nb.elements;
  }

  /** Deep default/namespace imports are fine where deep imports are; across a boundary in src/ they are not. */
  private unsupported(where: string, what: string, consumer: string, target: string, m: ModuleMap): never[] {
    const c = placeOf(consumer, m);
    const t = placeOf(target, m);
    const crosses = c.kind === "outside" ? t.kind !== "index" || t.folder !== "" : t.folder !== c.folder;
    if (this.isSrcConsumer(consumer) && crosses) {
      this.problems.push(`${where}: ${what} across a folder boundary; use named imports`);
    }
    return [];
  }

  private need(index: string, name: string, owner: string, isValue: boolean, where: string): void {
    let names = this.exports.get(index);
    if (names === undefined) this.exports.set(index, (names = new Map<string, Exported>()));
    const seen = names.get(name);
    if (seen !== undefined && seen.owner !== owner) {
      this.problems.push(`${index} would export "${name}" from both ${seen.owner} and ${owner} (${where})`);
      return;
    }
    names.set(name, { owner, isValue: isValue || (seen?.isValue ?? false) });
  }

  /** src/ consumers decide what the indexes export; the others then take what is exported. */
  route(): void {
    for (const m of this.mapping.modules) {
      this.exports.set(indexOf(m, ""), new Map());
      for (const f of Object.keys(m.folders)) this.exports.set(indexOf(m, f), new Map());
    }
    const deferred: Use[] = [];
    for (const u of this.uses) {
      if (!this.isSrcConsumer(u.consumer)) {
        deferred.push(u);
        continue;
      }
      const m = u.module;
      const c = placeOf(u.consumer, m);
      const t = placeOf(u.target, m);
      const where = `${u.consumer} imports ${u.name}`;
      if (c.kind !== "outside" && t.kind === "file" && t.folder === c.folder) continue; // inside its folder
      if (u.owner === undefined || u.ownerName === undefined) {
        this.problems.push(
          `${where} from ${u.target}: it is not declared in src/${m.module}; import it from where it is`,
        );
        continue;
      }
      if (u.ownerName !== u.name) {
        this.problems.push(
          `${where}: it is exported as "${u.ownerName}" by ${u.owner}; renamed re-exports are not supported`,
        );
        continue;
      }
      const o = placeOf(u.owner, m);
      if (c.kind === "outside") {
        u.desired = indexOf(m, "");
        this.need(indexOf(m, ""), u.name, o.folder === "" ? u.owner : indexOf(m, o.folder), u.isValue, where);
        if (o.folder !== "") this.need(indexOf(m, o.folder), u.name, u.owner, u.isValue, where);
      } else if (o.folder === c.folder || o.folder === "") {
        u.desired = u.owner;
      } else {
        u.desired = indexOf(m, o.folder);
        this.need(indexOf(m, o.folder), u.name, u.owner, u.isValue, where);
      }
    }
    for (const u of deferred) {
      const t = placeOf(u.target, u.module);
      if (t.kind !== "index") continue; // deep imports stay deep
      if (this.exports.get(u.target)?.has(u.name) === true) continue;
      if (u.owner === undefined || u.ownerName !== u.name) {
        this.problems.push(
          `${u.consumer} imports ${u.name} from ${u.target}, which will no longer export it, and no file of the module declares it under that name`,
        );
        continue;
      }
      const o = placeOf(u.owner, u.module);
      const folderIndex = indexOf(u.module, o.folder);
      u.desired =
        o.folder !== "" && this.exports.get(folderIndex)?.has(u.name) === true ? folderIndex : u.owner;
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Index files

function docComment(lines: readonly string[]): string {
  return `/**\n${lines.map((l) => (l === "" ? " *" : ` * ${l}`)).join("\n")}\n */\n`;
}

function indexText(doc: readonly string[], indexRel: string, names: ReadonlyMap<string, Exported>): string {
  const byOwner = new Map<string, { values: string[]; types: string[] }>();
  for (const [name, e] of names) {
    let g = byOwner.get(e.owner);
    if (g === undefined) byOwner.set(e.owner, (g = { values: [], types: [] }));
    (e.isValue ? g.values : g.types).push(name);
  }
  const cmp = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);
  let out = docComment(doc);
  for (const owner of [...byOwner.keys()].sort(cmp)) {
    const g = byOwner.get(owner);
    if (g === undefined) continue;
    const from = relSpec(indexRel, owner);
    if (g.values.length > 0) out += `export { ${g.values.sort(cmp).join(", ")} } from "${from}";\n`;
    if (g.types.length > 0) out += `export type { ${g.types.sort(cmp).join(", ")} } from "${from}";\n`;
  }
  if (byOwner.size === 0) out += "export {};\n";
  return out;
}

function countExports(ts: Ts, abs: string): number {
  if (!fs.existsSync(abs)) return 0;
  const sf = ts.createSourceFile(abs, fs.readFileSync(abs, "utf8"), ts.ScriptTarget.Latest, true);
  let n = 0;
  for (const st of sf.statements) {
    if (ts.isExportDeclaration(st) && st.exportClause !== undefined && ts.isNamedExports(st.exportClause)) {
      n += st.exportClause.elements.length;
    }
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Consumer import rewriting

interface OutDecl {
  readonly kind: "import" | "export";
  readonly typeOnly: boolean;
  readonly spec: string;
  specTexts: string[];
  readonly touched: boolean;
  readonly origin: TS.ImportDeclaration | TS.ExportDeclaration;
  alive: boolean;
}

function declText(d: OutDecl): string {
  return `${d.kind}${d.typeOnly ? " type" : ""} { ${d.specTexts.join(", ")} } from "${d.spec}";`;
}

/** New text of one consumer file: its declarations re-pointed per name, split and merged as needed. */
function rewriteConsumer(
  ts: Ts,
  sf: TS.SourceFile,
  consumer: string,
  uses: readonly Use[],
): string | undefined {
  const bySpec = new Map<TS.Node, Use>();
  for (const u of uses) bySpec.set(u.spec, u);
  const outs: OutDecl[] = [];
  const perDecl = new Map<TS.Node, OutDecl[]>();
  for (const st of sf.statements) {
    const isImport = ts.isImportDeclaration(st);
    if (!isImport && !ts.isExportDeclaration(st)) continue;
    const ms = st.moduleSpecifier;
    if (ms === undefined || !ts.isStringLiteral(ms)) continue;
    let elements: readonly (TS.ImportSpecifier | TS.ExportSpecifier)[];
    let declTypeOnly: boolean;
    if (isImport) {
      const c = st.importClause;
      if (
        c === undefined ||
        c.name !== undefined ||
        c.namedBindings === undefined ||
        !ts.isNamedImports(c.namedBindings)
      )
        continue;
      elements = c.namedBindings.elements;
      declTypeOnly = clauseIsTypeOnly(ts, c);
    } else {
      if (st.exportClause === undefined || !ts.isNamedExports(st.exportClause)) continue;
      elements = st.exportClause.elements;
      declTypeOnly = st.isTypeOnly;
    }
    const groups = new Map<string, (TS.ImportSpecifier | TS.ExportSpecifier)[]>();
    let touched = false;
    for (const el of elements) {
      const u = bySpec.get(el);
      const spec = u === undefined || u.desired === u.target ? ms.text : relSpec(consumer, u.desired);
      if (spec !== ms.text) touched = true;
      let g = groups.get(spec);
      if (g === undefined) groups.set(spec, (g = []));
      g.push(el);
    }
    const list: OutDecl[] = [];
    for (const [spec, els] of groups) {
      const allType = !declTypeOnly && els.every((e) => e.isTypeOnly);
      list.push({
        kind: isImport ? "import" : "export",
        typeOnly: declTypeOnly || allType,
        spec,
        specTexts: els.map((e) => (allType ? e.getText(sf).replace(/^type\s+/, "") : e.getText(sf))),
        touched,
        origin: st,
        alive: true,
      });
    }
    perDecl.set(st, list);
    outs.push(...list);
  }
  // Merge declarations of one kind from one path when a rewrite produced or touched one of them.
  const byKey = new Map<string, OutDecl[]>();
  for (const d of outs) {
    const key = `${d.kind}|${String(d.typeOnly)}|${d.spec}`;
    let g = byKey.get(key);
    if (g === undefined) byKey.set(key, (g = []));
    g.push(d);
  }
  const merged = new Set<TS.Node>();
  for (const g of byKey.values()) {
    if (g.length < 2 || !g.some((d) => d.touched)) continue;
    const [head, ...rest] = g;
    if (head === undefined) continue;
    for (const d of rest) {
      for (const t of d.specTexts) if (!head.specTexts.includes(t)) head.specTexts.push(t);
      d.alive = false;
      merged.add(d.origin);
    }
    merged.add(head.origin);
  }
  const edits: Edit[] = [];
  for (const [st, list] of perDecl) {
    const changed = list.some((d) => d.touched) || merged.has(st);
    if (!changed) continue;
    const live = list.filter((d) => d.alive);
    let end = st.getEnd();
    if (live.length === 0 && sf.text[end] === "\n") end += 1;
    edits.push({ start: st.getStart(sf), end, text: live.map(declText).join("\n") });
  }
  return edits.length === 0 ? undefined : applyEdits(sf.text, edits);
}

// ---------------------------------------------------------------------------------------------
// 5. The check after the split.

function checkBoundaries(ts: Ts, root: string, mapping: Mapping, files: readonly string[]): string[] {
  const out: string[] = [];
  const edges = new Map<string, Set<string>>();
  for (const rel of files) {
    if (!rel.startsWith("src/") || !/\.ts$/.test(rel)) continue;
    if (mapping.deepImportsAllowed.some((p) => rel.startsWith(p))) continue;
    const text = fs.readFileSync(path.join(root, rel), "utf8");
    const sf = ts.createSourceFile(rel, text, ts.ScriptTarget.Latest, true);
    for (const st of sf.statements) {
      if (!(ts.isImportDeclaration(st) || ts.isExportDeclaration(st))) continue;
      const ms = st.moduleSpecifier;
      if (ms === undefined || !ts.isStringLiteral(ms) || !ms.text.startsWith(".")) continue;
      const target = posix.normalize(posix.join(posix.dirname(rel), ms.text));
      for (const m of mapping.modules) {
        const c = placeOf(rel, m);
        const t = placeOf(target, m);
        if (t.kind === "outside" || c.kind === "index") continue;
        const ok =
          c.kind === "outside"
            ? t.kind === "index" && t.folder === ""
            : t.folder === c.folder || t.kind === "index" || t.folder === "";
        if (!ok) out.push(`${rel} imports ${ms.text} across a folder boundary`);
        const typeOnly = ts.isImportDeclaration(st) ? clauseIsTypeOnly(ts, st.importClause) : st.isTypeOnly;
        if (
          c.kind !== "outside" &&
          t.folder !== c.folder &&
          t.folder !== "" &&
          c.folder !== "" &&
          !typeOnly
        ) {
          const key = `${m.module}/${c.folder}`;
          let s = edges.get(key);
          if (s === undefined) edges.set(key, (s = new Set()));
          s.add(`${m.module}/${t.folder}`);
        }
      }
    }
  }
  // Folder cycles through value imports can break module evaluation order (ESM): report them.
  const state = new Map<string, number>();
  const stack: string[] = [];
  const dfs = (n: string): void => {
    state.set(n, 1);
    stack.push(n);
    for (const next of edges.get(n) ?? []) {
      if (state.get(next) === 1)
        out.push(`folder cycle (value imports): ${[...stack.slice(stack.indexOf(next)), next].join(" → ")}`);
      else if (state.get(next) === undefined) dfs(next);
    }
    stack.pop();
    state.set(n, 2);
  };
  for (const n of [...edges.keys()].sort()) if (state.get(n) === undefined) dfs(n);
  return out;
}

// ---------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const opts = parseArgs(process.argv.slice(2));
  const { root } = opts;
  const req = createRequire(path.join(root, "package.json"));
  const ts = req("typescript") as Ts;
  const { MAPPING: mapping } = (await import(pathToFileURL(opts.mapFile).href)) as { MAPPING: Mapping };
  const self = new Set(
    [path.resolve(import.meta.filename), path.resolve(opts.mapFile)].map((p) =>
      path.relative(root, p).split(path.sep).join("/"),
    ),
  );

  // 1. Plan and check the table before touching anything.
  const plan: Plan = { moves: [], problems: [], notes: [] };
  for (const m of mapping.modules) {
    planModule(root, m, plan);
    checkIndexIsReexportsOnly(ts, root, indexOf(m, ""), plan.problems);
    for (const f of Object.keys(m.folders)) checkIndexIsReexportsOnly(ts, root, indexOf(m, f), plan.problems);
  }
  for (const n of plan.notes) console.log(`note: ${n}`);
  if (plan.problems.length > 0) {
    throw new Failure(`nothing was changed:\n${plan.problems.map((p) => `  - ${p}`).join("\n")}`);
  }
  const before = new Map(
    mapping.modules.map((m) => [m.module, countExports(ts, path.join(root, indexOf(m, "")))]),
  );
  console.log(`${String(plan.moves.length)} moves${plan.moves.length === 0 ? " (already split)" : ""}`);
  for (const mv of plan.moves) console.log(`  ${mv.from} → ${mv.to}`);
  if (opts.dryRun) return;

  // 2–3. Snapshot, rewrite path literals (as seen from the old places), move, write.
  const oldFiles: string[] = [];
  const oldDirs: string[] = [];
  walk(root, "", oldFiles, oldDirs);
  const fileMoves = new Map<string, string>();
  const dirMoves = plan.moves.filter((mv) => mv.isDir);
  for (const mv of plan.moves) {
    if (!mv.isDir) fileMoves.set(mv.from, mv.to);
    else
      for (const f of oldFiles)
        if (f.startsWith(`${mv.from}/`)) fileMoves.set(f, mv.to + f.slice(mv.from.length));
  }
  const newPathOf = (p: string): string => {
    const f = fileMoves.get(p);
    if (f !== undefined) return f;
    const d = dirMoves.find((mv) => p === mv.from || p.startsWith(`${mv.from}/`));
    return d === undefined ? p : d.to + p.slice(d.from.length);
  };
  const oldFileSet = new Set(oldFiles);
  const oldDirSet = new Set(oldDirs);
  const pending = new Map<string, string>(); // new path → new text
  const changed = new Set<string>();
  const isCodeFile = (f: string): boolean =>
    CODE_EXT.test(f) && !self.has(f) && (!f.includes("/") || CODE_ROOTS.some((r) => f.startsWith(`${r}/`)));
  if (plan.moves.length > 0) {
    for (const f of oldFiles) {
      if (!isCodeFile(f)) continue;
      const text = fs.readFileSync(path.join(root, f), "utf8");
      const next = rewriteLiterals(ts, text, f, newPathOf(f), oldFileSet, oldDirSet, newPathOf);
      if (next !== text) pending.set(newPathOf(f), next);
    }
    const tracked = new Set(git(root, ["ls-files", "-z"]).split("\0"));
    for (const mv of plan.moves) {
      fs.mkdirSync(path.join(root, posix.dirname(mv.to)), { recursive: true });
      const isTracked = mv.isDir
        ? [...tracked].some((t) => t.startsWith(`${mv.from}/`))
        : tracked.has(mv.from);
      if (isTracked) git(root, ["mv", mv.from, mv.to]);
      else fs.renameSync(path.join(root, mv.from), path.join(root, mv.to));
      changed.add(mv.to);
    }
    for (const [f, text] of pending) {
      fs.writeFileSync(path.join(root, f), text);
      changed.add(f);
    }
    // Repository paths of moved files in docs, comments and scripts.
    const repoMoves = new Map([...fileMoves].filter(([from]) => !self.has(from)));
    const alternatives = [...repoMoves.keys()]
      .sort((a, b) => b.length - a.length)
      .map((p) => p.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
    const pattern = new RegExp(`(?<![\\w./-])(?:${alternatives.join("|")})(?![\\w-]|\\.\\w)`, "g");
    for (const f of oldFiles.map(newPathOf)) {
      if (!TEXT_EXT.test(f) || self.has(f) || f === "package-lock.json") continue;
      const abs = path.join(root, f);
      const text = fs.readFileSync(abs, "utf8");
      const next = rewriteRepoPaths(text, repoMoves, pattern);
      if (next !== text) {
        fs.writeFileSync(abs, next);
        changed.add(f);
      }
    }
  }

  // 4. Exports and routing on the moved tree.
  const cfg = ts.readConfigFile(path.join(root, "tsconfig.json"), (p) => ts.sys.readFile(p));
  const parsed = ts.parseJsonConfigFileContent(cfg.config, ts.sys, root);
  const program = ts.createProgram({
    rootNames: parsed.fileNames,
    options: { ...parsed.options, noEmit: true },
  });
  const analysis = new Analysis(ts, root, mapping, program);
  analysis.collect();
  analysis.route();
  if (analysis.problems.length > 0) {
    throw new Failure(
      `the files were moved and their paths rewritten, but the indexes could not be generated:\n` +
        analysis.problems.map((p) => `  - ${p}`).join("\n"),
    );
  }
  const writes = new Map<string, string>();
  for (const m of mapping.modules) {
    writes.set(
      indexOf(m, ""),
      indexText(m.doc, indexOf(m, ""), analysis.exports.get(indexOf(m, "")) ?? new Map()),
    );
    for (const [f, fm] of Object.entries(m.folders)) {
      if (!fs.existsSync(path.join(root, `src/${m.module}/${f}`))) continue;
      writes.set(
        indexOf(m, f),
        indexText(fm.doc, indexOf(m, f), analysis.exports.get(indexOf(m, f)) ?? new Map()),
      );
    }
  }
  const byConsumer = new Map<string, Use[]>();
  for (const u of analysis.uses) {
    if (u.desired === u.target) continue;
    let l = byConsumer.get(u.consumer);
    if (l === undefined) byConsumer.set(u.consumer, (l = []));
    l.push(u);
  }
  for (const [consumer, uses] of byConsumer) {
    const sf = program.getSourceFile(path.join(root, consumer));
    if (sf === undefined) continue;
    const text = rewriteConsumer(ts, sf, consumer, uses);
    if (text !== undefined) writes.set(consumer, text);
  }

  // 5. Format, write what differs, stage, check.
  const prettierModule = (await import(pathToFileURL(req.resolve("prettier")).href)) as Prettier & {
    default?: Prettier;
  };
  const prettier = prettierModule.default ?? prettierModule;
  const ignorePath = path.join(root, ".prettierignore");
  for (const f of changed) {
    const abs = path.join(root, f);
    if (!writes.has(f) && TEXT_EXT.test(f) && fs.statSync(abs).isFile())
      writes.set(f, fs.readFileSync(abs, "utf8"));
  }
  for (const [f, text] of writes) {
    const abs = path.join(root, f);
    let out = text;
    if (!(await prettier.getFileInfo(abs, { ignorePath })).ignored) {
      out = await prettier.format(text, { ...((await prettier.resolveConfig(abs)) ?? {}), filepath: abs });
    }
    const old = fs.existsSync(abs) ? fs.readFileSync(abs, "utf8") : undefined;
    if (old !== out) {
      fs.writeFileSync(abs, out);
      changed.add(f);
    }
  }
  if (opts.stage && changed.size > 0) git(root, ["add", "-A", "--", ...[...changed].sort()]);

  for (const m of mapping.modules) {
    const parts = [indexOf(m, ""), ...Object.keys(m.folders).map((f) => indexOf(m, f))].map(
      (i) =>
        `${posix.relative(`src/${m.module}`, posix.dirname(i)) || "(top)"} ${String(countExports(ts, path.join(root, i)))}`,
    );
    console.log(
      `src/${m.module}/index.ts: ${String(before.get(m.module) ?? 0)} exports before; now ${parts.join(", ")}`,
    );
  }
  const after: string[] = [];
  walk(root, "src", after, []);
  const violations = checkBoundaries(ts, root, mapping, after);
  console.log(`${String(changed.size)} files changed${opts.stage ? " and staged" : ""}`);
  if (violations.length > 0)
    throw new Failure(`after the split:\n${violations.map((v) => `  - ${v}`).join("\n")}`);
  console.log("no import crosses a folder boundary except through an index; no folder cycle");
}

main().catch((e: unknown) => {
  if (e instanceof Failure) {
    console.error(`split-folders: ${e.message}`);
    process.exit(1);
  }
  throw e;
});
