/**
 * A tiny static HTTP server on 127.0.0.1 for scripts/screenshot-gp-room.ts: URL prefixes mapped to
 * directories (longest prefix first), GET only, no path outside its directory.
 */
import { createReadStream } from "node:fs";
import { stat } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import path from "node:path";

const TYPES: Record<string, string> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".wasm": "application/wasm",
  ".svg": "image/svg+xml",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
};

export async function serveStatic(
  routes: Record<string, string>,
): Promise<{ url: string; close: () => Promise<void> }> {
  const prefixes = Object.keys(routes).sort((a, b) => b.length - a.length);
  const server = createServer((req, res) => {
    void (async () => {
      const url = new URL(req.url ?? "/", "http://localhost");
      const prefix = prefixes.find((p) => url.pathname.startsWith(p));
      const root = prefix === undefined ? undefined : routes[prefix];
      let rel = prefix === undefined ? "" : decodeURIComponent(url.pathname.slice(prefix.length));
      if (rel === "") rel = "index.html";
      const file = root === undefined ? undefined : path.resolve(root, rel);
      if (
        req.method !== "GET" ||
        root === undefined ||
        file === undefined ||
        !file.startsWith(root + path.sep)
      ) {
        res.writeHead(404).end();
        return;
      }
      try {
        if (!(await stat(file)).isFile()) throw new Error("not a file");
      } catch {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(200, { "content-type": TYPES[path.extname(file)] ?? "application/octet-stream" });
      createReadStream(file).pipe(res);
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    close: () =>
      new Promise<void>((resolve) =>
        server.close(() => {
          resolve();
        }),
      ),
  };
}
