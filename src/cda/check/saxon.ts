/**
 * Saxon-HE (XSLT 3.0, from Maven Central) for the ISO Schematron pipeline, and its cache of
 * compiled schematrons. The jars are fetched with `mvn dependency:get` into the local Maven
 * repository when missing; compiled XSLTs live in `.cache/cda-schematron/<kit hash>/` (git-ignored),
 * so a changed kit file or driver compiles afresh and an unchanged one is never recompiled.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { promisify } from "node:util";
import { PasserelleError } from "../../core/index.ts";
import { REPO_ROOT } from "./kit.ts";

const run = promisify(execFile);

export const SAXON_VERSION = "12.5";
const ARTIFACTS = [
  ["net/sf/saxon/Saxon-HE", SAXON_VERSION, "Saxon-HE"],
  ["org/xmlresolver/xmlresolver", "5.2.2", "xmlresolver"],
  ["org/xmlresolver/xmlresolver", "5.2.2", "xmlresolver", "data"],
] as const;

const DRIVER = path.join(import.meta.dirname, "schematron.xsl");
const CACHE = path.join(REPO_ROOT, ".cache/cda-schematron");

function m2(): string {
  return process.env["MAVEN_REPO"] ?? path.join(os.homedir(), ".m2/repository");
}

function jarPaths(): string[] {
  return ARTIFACTS.map(([group, v, name, cls]) =>
    path.join(m2(), group, v, `${name}-${v}${cls === undefined ? "" : `-${cls}`}.jar`),
  );
}

let classpath: Promise<string> | undefined;

/** The Saxon-HE classpath, fetching the jars from Maven Central the first time. */
export function saxonClasspath(): Promise<string> {
  classpath ??= (async () => {
    if (jarPaths().some((j) => !existsSync(j))) {
      await run("mvn", ["-q", "-B", "dependency:get", `-Dartifact=net.sf.saxon:Saxon-HE:${SAXON_VERSION}`], {
        maxBuffer: 16 << 20,
      }).catch((e: unknown) => {
        throw new PasserelleError("UNAVAILABLE", "could not fetch Saxon-HE with mvn dependency:get", {
          cause: e,
        });
      });
    }
    return jarPaths().join(path.delimiter);
  })();
  return classpath;
}

/** Runs the driver stylesheet with `params`; returns its JSON output. */
export async function runDriver(params: Record<string, string>): Promise<unknown> {
  const cp = await saxonClasspath();
  const args = ["-Xss8m", "-cp", cp, "net.sf.saxon.Transform", "-it", `-xsl:${DRIVER}`];
  for (const [k, v] of Object.entries(params)) args.push(`${k}=${v}`);
  const { stdout } = await run("java", args, { maxBuffer: 256 << 20 }).catch((e: unknown) => {
    const stderr = (e as { stderr?: string }).stderr ?? "";
    throw new PasserelleError("INTERNAL", `Saxon failed: ${stderr.split("\n").slice(0, 4).join(" ")}`, {
      cause: e,
    });
  });
  return JSON.parse(stdout) as unknown;
}

/** SHA-256 over every file of the kit's schematrons/ tree and the driver (names and contents). */
function kitHash(kitDir: string): string {
  const h = createHash("sha256").update(`saxon ${SAXON_VERSION}\0`).update(readFileSync(DRIVER));
  const walk = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const p = path.join(dir, name);
      if (statSync(p).isDirectory()) walk(p);
      else h.update(path.relative(kitDir, p)).update("\0").update(readFileSync(p));
    }
  };
  walk(path.join(kitDir, "schematrons"));
  return h.digest("hex").slice(0, 24);
}

const hashes = new Map<string, string>();

/**
 * The compiled XSLT of each kit-relative schematron, compiling (in one Saxon run) those not yet
 * in the cache. Each is written to a temporary name then renamed, so a concurrent run never reads
 * a half-written file.
 */
export async function compiledSchematrons(kitDir: string, schematrons: readonly string[]): Promise<string[]> {
  let key = hashes.get(kitDir);
  if (key === undefined) {
    key = kitHash(kitDir);
    hashes.set(kitDir, key);
  }
  const dir = path.join(CACHE, key);
  const target = (s: string): string => path.join(dir, s.replace(/\.sch$/, ".xsl"));
  const todo = [...new Set(schematrons)].filter((s) => !existsSync(target(s)));
  if (todo.length > 0) {
    const tmp = todo.map((s) => `${target(s)}.${process.pid}.${Date.now()}.tmp`);
    for (const t of tmp) mkdirSync(path.dirname(t), { recursive: true });
    await runDriver({
      mode: "compile",
      moteur: pathToFileURL(path.join(kitDir, "schematrons/moteur")).href + "/",
      schematrons: todo.map((s) => pathToFileURL(path.join(kitDir, s)).href).join(" "),
      out: tmp.map((t) => pathToFileURL(t).href).join(" "),
    });
    for (const [i, s] of todo.entries()) renameSync(tmp[i] as string, target(s));
  }
  return schematrons.map(target);
}
