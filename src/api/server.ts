/** Starts the HTTP API on the configured host and port (0 = a free port) and stops it cleanly. */
import type { Server } from "node:http";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import type { Express } from "express";
import type { HttpConfig } from "../config/index.ts";
import type { Duplex } from "node:stream";
import { fieldError, PasserelleError } from "../core/index.ts";
import { PROBLEM_CONTENT_TYPE, toProblem } from "./problem.ts";

export interface HttpServer {
  /** `http://host:port` (the API is under `/api/v1`). */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * Node's HTTP parser refuses some requests before express sees them: a request line and header
 * fields over its limit (16 KiB: a long query string, say) and messages it cannot parse. Its
 * default answer has no body; the API answers them as every other error, problem details naming
 * the part of the request (never its content).
 */
function answerClientError(err: Error & { code?: string }, socket: Duplex): void {
  if (err.code === "ECONNRESET" || !socket.writable) {
    socket.destroy();
    return;
  }
  const e =
    err.code === "HPE_HEADER_OVERFLOW"
      ? fieldError(
          "HEADERS_TOO_LARGE",
          "the request line and headers are larger than allowed",
          "headers",
          "maxSize",
          {
            en: "request line and headers too large",
            fr: "ligne de requête et en-têtes trop volumineux",
          },
        )
      : fieldError("BAD_REQUEST", "the HTTP request could not be parsed", "request", "http", {
          en: "malformed HTTP request",
          fr: "requête HTTP mal formée",
        });
  const problem = toProblem(e);
  const body = JSON.stringify(problem);
  socket.end(
    `HTTP/1.1 ${String(problem.status)} ${problem.title}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\nContent-Length: ${String(Buffer.byteLength(body))}\r\n` +
      `Connection: close\r\n\r\n${body}`,
  );
}

export async function listen(app: Express, config: HttpConfig): Promise<HttpServer> {
  const server: Server = createServer(app);
  server.headersTimeout = 30_000;
  server.requestTimeout = 120_000;
  server.on("clientError", answerClientError);
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
