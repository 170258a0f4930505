/**
 * The MLLP listener (HL7 v2.5 appendix C, Minimal Lower Layer Protocol: VT … FS CR framing) over
 * plain TCP or TLS. Each connection's frames are answered one after another, in order, each with
 * exactly one ACK ({@link answerFrame}: AA once stored, AE/AR once stored for review, AR "resend"
 * when storage fails). Bytes outside any frame, an interrupted frame and a frame still open at
 * close cannot be answered (there is no frame to answer): they are logged with a reason code.
 * The log never holds message content.
 */
import { readFileSync } from "node:fs";
import net from "node:net";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import { silentLog, type Log } from "../core/index.ts";
import { defaultCharset } from "./charset.ts";
import type { FrameContext } from "./intake.ts";
import { answerFrame, answerOversize } from "./intake.ts";
import { MllpFramer } from "./mllp.ts";
import type { Acceptance, AdtDeps } from "./store.ts";

export interface MllpListenerOptions {
  /** Default 127.0.0.1; `0.0.0.0` to accept the hospital's interface engine from the network. */
  readonly host?: string;
  /** TCP port; 0 picks a free one (tests). */
  readonly port: number;
  /** Character set when a message's MSH-18 is empty: `latin1` for 8859/1, default `utf-8`. */
  readonly encoding?: string;
  /** PEM files for MLLP over TLS (optional). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Audit actor (default `system:adt-mllp`). */
  readonly actor?: string;
  /**
   * Largest frame accepted, in bytes (default 1 MiB, or 16 MiB with a documents service: a CDA R2
   * with an embedded PDF of about 11 MB in Base64); a larger one is answered AR.
   */
  readonly maxFrameBytes?: number;
  /** Told of every stored (or duplicate) message, after its ACK was written. */
  readonly onAccepted?: (a: Acceptance) => void;
  /** The documents service for MDM^T02/T10 and ORU^R01 (see {@link FrameContext}); absent: AR 200. */
  readonly receiveDocument?: FrameContext["receiveDocument"];
  /** Operational log: codes only. */
  readonly log?: Log;
}

export interface MllpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Starts listening; resolves once the port is bound. */
export async function startMllpListener(deps: AdtDeps, options: MllpListenerOptions): Promise<MllpListener> {
  const ctx: FrameContext = {
    deps,
    actor: options.actor ?? "system:adt-mllp",
    charset: defaultCharset(options.encoding),
    ...(options.onAccepted === undefined ? {} : { onAccepted: options.onAccepted }),
    ...(options.receiveDocument === undefined ? {} : { receiveDocument: options.receiveDocument }),
    ...(options.log === undefined ? {} : { log: options.log }),
  };
  const log = options.log ?? silentLog;
  const maxFrameBytes =
    options.maxFrameBytes ?? (options.receiveDocument === undefined ? 1 : 16) * 1024 * 1024;
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    const framer = new MllpFramer(maxFrameBytes);
    let chain: Promise<void> = Promise.resolve();
    const reply = (work: () => Promise<Buffer> | Buffer): void => {
      chain = chain
        .then(async () => {
          const bytes = await work();
          if (!socket.destroyed)
            socket.write(Buffer.concat([Buffer.from([0x0b]), bytes, Buffer.from([0x1c, 0x0d])]));
        })
        .catch(() => {
          log.error({ reason: "socket.write" }, "mllp answer not written");
        });
    };
    socket.on("data", (chunk: Buffer) => {
      for (const ev of framer.push(chunk)) {
        if (ev.kind === "frame") reply(async () => (await answerFrame(ctx, ev.bytes)).bytes);
        else if (ev.kind === "oversize") reply(() => answerOversize(ctx).bytes);
        else if (ev.kind === "outside")
          log.warn({ reason: "frame.outside", bytes: String(ev.bytes) }, "mllp bytes outside a frame");
        else log.warn({ reason: "frame.interrupted", bytes: String(ev.bytes) }, "mllp frame interrupted");
      }
    });
    socket.on("error", () => {
      log.warn({ reason: "socket.error" }, "mllp connection error");
    });
    socket.on("close", () => {
      sockets.delete(socket);
      if (framer.pending > 0)
        log.warn(
          {
            reason: "frame.incomplete",
            bytes: String(framer.pending),
          },
          "mllp frame incomplete at close",
        );
    });
  };
  const server =
    options.tls === undefined
      ? net.createServer(onSocket)
      : tls.createServer(
          { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
          onSocket,
        );
  if (options.tls !== undefined) {
    server.on("tlsClientError", () => {
      log.warn({ reason: "tls.handshake" }, "mllp tls handshake failed");
    });
  }
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  log.info({ port: String(port) }, "mllp listening");
  return {
    port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => {
          resolve();
        });
      }),
  };
}
