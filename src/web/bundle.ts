/**
 * The web app's browser bundle, built in memory by esbuild the first time it is asked for (about
 * a second), then kept for the life of the process: no build server and no build step at run time.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { build } from "esbuild";

export const WEB_DIR = import.meta.dirname;

export interface WebAssets {
  readonly indexHtml: string;
  readonly appJs: string;
  readonly appCss: string;
}

let assets: Promise<WebAssets> | undefined;

async function bundleClient(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(WEB_DIR, "client", "main.ts")],
    bundle: true,
    write: false,
    format: "esm",
    platform: "browser",
    target: ["es2022"],
    minify: true,
    legalComments: "none",
    logLevel: "silent",
  });
  const out = result.outputFiles[0];
  if (out === undefined) throw new Error("esbuild produced no output");
  return out.text;
}

/** The page, the script and the stylesheet (built once per process). */
export function webAssets(): Promise<WebAssets> {
  assets ??= Promise.all([
    readFile(path.join(WEB_DIR, "static", "index.html"), "utf8"),
    bundleClient(),
    readFile(path.join(WEB_DIR, "static", "app.css"), "utf8"),
  ]).then(([indexHtml, appJs, appCss]) => ({ indexHtml, appJs, appCss }));
  assets.catch(() => {
    assets = undefined; // a failed build is retried on the next request
  });
  return assets;
}
