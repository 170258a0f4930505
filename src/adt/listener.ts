/**
 * The MLLP listener (HL7 v2 Minimal Lower Layer Protocol, HL7 v2.5 appendix C: VT … FS CR framing).
 * Framing, character decoding and HL7 parsing are @medplum/hl7's `Hl7Connection` over each
 * socket; the listening socket is our own `net`/`tls` server, because medplum's `Hl7Server` binds
 * every interface, retries forever on EADDRINUSE and has no TLS. Messages of one connection are
 * handled one after another, in order: parse → store (durable) → ACK AA; AE/AR with the reason
 * otherwise. A storage failure answers AR (HL7: the sender may resend), never AA.
 */
import { readFileSync } from "node:fs";
import net from "node:net";
import type { AddressInfo } from "node:net";
import tls from "node:tls";
import type { Hl7Message } from "@medplum/core";
import { Hl7Connection } from "@medplum/hl7";
import type { Hl7MessageEvent } from "@medplum/hl7";
import { isPasserelleError } from "../core/index.ts";
import { buildAck } from "./ack.ts";
import { parseAdt } from "./hl7.ts";
import type { Acceptance, AdtDeps } from "./store.ts";
import { acceptAdtEvent, recordRejection } from "./store.ts";

export interface MllpListenerOptions {
  /** Default 127.0.0.1; `0.0.0.0` to accept the hospital's interface engine from the network. */
  readonly host?: string;
  /** TCP port; 0 picks a free one (tests). */
  readonly port: number;
  /** Character set of the feed (MSH-18): `latin1` for 8859/1, default `utf-8`. */
  readonly encoding?: string;
  /** PEM files for MLLP over TLS (optional). */
  readonly tls?: { readonly certFile: string; readonly keyFile: string };
  /** Audit actor (default `system:adt-mllp`). */
  readonly actor?: string;
  /** Told of every stored (or duplicate) message, after its ACK was written. */
  readonly onAccepted?: (a: Acceptance) => void;
  /** Operational log: codes only. */
  readonly log?: (level: "info" | "warn" | "error", message: string, fields?: Record<string, string>) => void;
}

export interface MllpListener {
  readonly port: number;
  close(): Promise<void>;
}

/** Handles one message: the ACK to send back (never throws). */
export async function handleHl7(
  deps: AdtDeps,
  msg: Hl7Message,
  actor: string,
  onAccepted?: (a: Acceptance) => void,
): Promise<Hl7Message> {
  const parsed = parseAdt(msg);
  if (!parsed.ok) {
    await recordRejection(deps, parsed.reason, actor).catch(() => undefined);
    return buildAck(msg, parsed);
  }
  try {
    const a = await acceptAdtEvent(deps, parsed.event, msg.toString(), actor);
    queueMicrotask(() => onAccepted?.(a));
    return buildAck(msg);
  } catch (e) {
    const code = isPasserelleError(e) ? e.code : "INTERNAL";
    return buildAck(msg, {
      ack: "AR",
      reason: `storage.${code.toLowerCase()}`,
      hl7Error: "207",
      location: "MSH^1",
      text: "message not stored, please resend",
    });
  }
}

/** Starts listening; resolves once the port is bound. */
export async function startMllpListener(deps: AdtDeps, options: MllpListenerOptions): Promise<MllpListener> {
  const actor = options.actor ?? "system:adt-mllp";
  const sockets = new Set<net.Socket>();
  const onSocket = (socket: net.Socket): void => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    const conn = new Hl7Connection(socket, options.encoding ?? "utf-8");
    let chain: Promise<void> = Promise.resolve();
    conn.addEventListener("message", (ev: Hl7MessageEvent) => {
      chain = chain
        .then(async () => {
          const ack = await handleHl7(deps, ev.message, actor, options.onAccepted);
          if (!socket.destroyed) conn.send(ack);
        })
        .catch(() => {
          // no ACK could be built or written: the sender times out and resends (nothing was lost)
          options.log?.("error", "mllp message not acknowledged");
        });
    });
    conn.addEventListener("error", () => {
      options.log?.("warn", "mllp connection error");
    });
  };
  const server =
    options.tls === undefined
      ? net.createServer(onSocket)
      : tls.createServer(
          { cert: readFileSync(options.tls.certFile), key: readFileSync(options.tls.keyFile) },
          onSocket,
        );
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host ?? "127.0.0.1", () => {
      server.off("error", reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  options.log?.("info", "mllp listening", { port: String(port) });
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
