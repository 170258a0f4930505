/**
 * A sheet pool worker (node:worker_threads): renders a validated sheet as PDF/A-3b and builds its
 * PAdES B-B signature (`produceSignedSheet`, the same pipeline as on the main thread), asking the
 * main thread to sign the CMS signed attributes: its `Signer` keeps the key (see `protocol.ts`).
 */
import { parentPort } from "node:worker_threads";
import { produceSignedSheet } from "../sheet/index.ts";
import type { Signer } from "../sign/index.ts";
import type { FromWorker, ToWorker } from "./protocol.ts";
import { toPoolError } from "./protocol.ts";

const port = parentPort;
if (port === null) throw new Error("src/pdf/pool/worker.ts runs in a worker thread only");

const post = (m: FromWorker): void => {
  port.postMessage(m);
};

/** Signature requests waiting for the main thread, by request number. */
const waiting = new Map<number, { resolve: (s: Uint8Array) => void; reject: (e: Error) => void }>();
let requests = 0;
/** One signer per main-thread signer, by its id (per-signer CMS parts are cached by identity). */
const proxies = new Map<number, Signer>();

function proxy(id: number, chain: readonly Uint8Array[] | undefined): Signer {
  const known = proxies.get(id);
  if (known !== undefined) return known;
  if (chain === undefined) throw new Error("sheet pool: unknown signer");
  const s: Signer = {
    certificateChain: chain,
    sign: (attributes) =>
      new Promise<Uint8Array>((resolve, reject) => {
        const request = ++requests;
        waiting.set(request, { resolve, reject });
        post({ kind: "sign", signer: id, request, attributes });
      }),
  };
  proxies.set(id, s);
  return s;
}

async function produce(m: Extract<ToWorker, { kind: "produce" }>): Promise<void> {
  try {
    const signed = await produceSignedSheet(m.sheet, {
      signer: proxy(m.signer.id, m.signer.chain),
      clock: { now: () => new Date(m.nowMs) },
      ...(m.sheetId === undefined ? {} : { sheetId: m.sheetId }),
      ...(m.signerName === undefined ? {} : { signerName: m.signerName }),
      ...(m.testIns === undefined ? {} : { testIns: m.testIns }),
    });
    post({ kind: "done", job: m.job, signed });
  } catch (e) {
    post({ kind: "failed", job: m.job, error: toPoolError(e) });
  }
}

port.on("message", (m: ToWorker) => {
  if (m.kind === "produce") {
    void produce(m);
    return;
  }
  const w = waiting.get(m.request);
  if (w === undefined) return;
  waiting.delete(m.request);
  if (m.kind === "signed") w.resolve(m.signature);
  else w.reject(Object.assign(new Error(m.error.message), { code: m.error.code, issues: m.error.issues }));
});
