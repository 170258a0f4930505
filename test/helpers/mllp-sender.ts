/**
 * An MLLP sender as an interface engine is one (HL7 v2.5 appendix C, original mode): one
 * connection, one frame at a time, the next only once the previous one's ACK came back. A lost
 * connection or no answer within the timeout rejects the pending send; the caller then reconnects
 * and sends again what was not acknowledged.
 */
import net from "node:net";
import { mllpFrame } from "./adt-corpus.ts";

const VT = 0x0b;
const FS = 0x1c;

export class MllpSender {
  readonly #socket: net.Socket;
  #buf = Buffer.alloc(0);
  #pending: { resolve: (ack: string) => void; reject: (e: Error) => void } | undefined;
  #closed = false;

  private constructor(socket: net.Socket) {
    this.#socket = socket;
    socket.on("data", (chunk: Buffer) => {
      this.#buf = Buffer.concat([this.#buf, chunk]);
      const start = this.#buf.indexOf(VT);
      const end = this.#buf.indexOf(FS, start + 1);
      if (start < 0 || end < 0) return;
      const ack = this.#buf.subarray(start + 1, end).toString("latin1");
      this.#buf = this.#buf.subarray(end + 2);
      const p = this.#pending;
      this.#pending = undefined;
      p?.resolve(ack);
    });
    const fail = (): void => {
      this.#closed = true;
      const p = this.#pending;
      this.#pending = undefined;
      p?.reject(new Error("connection lost"));
    };
    socket.on("close", fail);
    socket.on("error", fail);
  }

  static connect(port: number, host = "127.0.0.1"): Promise<MllpSender> {
    return new Promise((resolve, reject) => {
      const s = net.connect({ host, port }, () => {
        s.off("error", reject);
        resolve(new MllpSender(s));
      });
      s.once("error", reject);
    });
  }

  /** Sends one message and resolves with its ACK's text. */
  send(message: string | Buffer, timeoutMs = 30_000): Promise<string> {
    if (this.#closed) return Promise.reject(new Error("connection lost"));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#pending = undefined;
        reject(new Error("no ACK in time"));
      }, timeoutMs);
      this.#pending = {
        resolve: (a) => {
          clearTimeout(timer);
          resolve(a);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      this.#socket.write(mllpFrame(typeof message === "string" ? Buffer.from(message, "utf8") : message));
    });
  }

  close(): void {
    this.#closed = true;
    this.#socket.destroy();
  }
}
