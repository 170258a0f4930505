/** Starts the HTTP API on the configured host and port (0 = a free port) and stops it cleanly. */
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { HttpConfig } from "../config/index.ts";
import { PasserelleError } from "../core/index.ts";

export interface HttpServer {
  /** `http://host:port` (the API is under `/api/v1`). */
  readonly url: string;
  close(): Promise<void>;
}

export async function listen(app: Express, config: HttpConfig): Promise<HttpServer> {
  const server: Server = createServer(app);
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  await new Promise<void>((resolve, reject) => {
    server.once("error", (e) => {
      reject(
        new PasserelleError("CONFIG_INVALID", `cannot listen on ${config.host}:${config.port}`, {
          cause: e,
          issues: [
            {
              path: "PASSERELLE_HTTP_PORT",
              rule: "listen",
              message: { en: "address unavailable", fr: "adresse indisponible" },
            },
          ],
        }),
      );
    });
    server.listen(config.port, config.host, resolve);
  });
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(":") ? `[${config.host}]` : config.host;
  return {
    url: `http://${host}:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => {
          resolve();
        });
        server.closeAllConnections();
      }),
  };
}
