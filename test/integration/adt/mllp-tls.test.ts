/**
 * MLLP over TLS: the listener with a throwaway self-signed certificate (made by openssl in a temp
 * dir), a node:tls client that trusts only that certificate sends a framed PAM France A01 and gets
 * an ACK AA, and the message is stored. A plain-TCP client on the same port gets no ACK and
 * nothing is stored. The guarantees of the plain listener hold over TLS too: a corpus of PAM France
 * messages cut at every field, in 8859/1 and UTF-8 on one TLS connection, each answered right and
 * stored exactly once; a payload that is not HL7 gets AR, junk between frames does not stop the feed.
 */
import { execFile } from "node:child_process";
import { readFile } from "node:fs/promises";
import net from "node:net";
import path from "node:path";
import tls from "node:tls";
import { promisify } from "node:util";
import { Hl7Message } from "@medplum/core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MllpListener } from "../../../src/adt/index.ts";
import { ackCode, startMllpListener } from "../../../src/adt/index.ts";
import { pamFixture } from "../../helpers/adt.ts";
import { answerProblem, buildCorpus, exchange as pipeline, mllpFrame } from "../../helpers/adt-corpus.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture, type TransferFixture } from "../../helpers/transfers-fixture.ts";

const run = promisify(execFile);
const VT = 0x0b;
const FS = 0x1c;
const CR = 0x0d;
const frame = (text: string): Buffer =>
  Buffer.concat([Buffer.from([VT]), Buffer.from(text, "utf8"), Buffer.from([FS, CR])]);

let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let listener: MllpListener;
let ca: Buffer;

/** Writes `data` on `socket` once connected; resolves with every byte received until the first FS CR, or the close. */
function exchange(
  socket: net.Socket,
  connected: string,
  data: Buffer,
): Promise<{ bytes: Buffer; closed: boolean }> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const done = (closed: boolean): void => {
      socket.destroy();
      resolve({ bytes: Buffer.concat(chunks), closed });
    };
    socket.once(connected, () => socket.write(data));
    socket.on("data", (c: Buffer) => {
      chunks.push(c);
      const all = Buffer.concat(chunks);
      if (all.length >= 2 && all[all.length - 2] === FS && all[all.length - 1] === CR) done(false);
    });
    socket.once("close", () => {
      done(true);
    });
    socket.once("error", (e) => {
      if (connected === "connect") done(true);
      else reject(e);
    });
    socket.setTimeout(10_000, () => {
      reject(new Error("no answer and no close within 10 s"));
      socket.destroy();
    });
  });
}

const stored = async (): Promise<string[]> =>
  f.db.knex<{ control_id: string }>("adt_messages").orderBy("id").pluck("control_id");

beforeAll(async () => {
  tmp = await tempDir("passerelle-adt-tls-");
  const certFile = path.join(tmp.dir, "mllp.crt");
  const keyFile = path.join(tmp.dir, "mllp.key");
  await run("openssl", [
    "req",
    "-x509",
    "-newkey",
    "rsa:2048",
    "-nodes",
    "-subj",
    "/CN=127.0.0.1",
    "-addext",
    "subjectAltName=IP:127.0.0.1",
    "-days",
    "1",
    "-keyout",
    keyFile,
    "-out",
    certFile,
  ]);
  ca = await readFile(certFile);
  f = await openFixture(tmp.dir);
  listener = await startMllpListener(f.deps, { port: 0, tls: { certFile, keyFile } });
});
afterAll(async () => {
  await listener.close();
  await f.close();
  await tmp.cleanup();
});

describe("MLLP over TLS", () => {
  it("a plain-TCP client on the TLS port gets no ACK, and nothing is stored", async () => {
    const r = await exchange(
      net.connect({ host: "127.0.0.1", port: listener.port }),
      "connect",
      frame(pamFixture("a01-admit.hl7")),
    );
    expect(r.closed).toBe(true);
    expect(r.bytes.includes(Buffer.from("MSA|"))).toBe(false);
    expect(await stored()).toEqual([]);
  });

  it("a TLS client trusting the certificate sends a PAM France A01: ACK AA, the message is stored", async () => {
    const socket = tls.connect({ host: "127.0.0.1", port: listener.port, ca });
    const r = await exchange(socket, "secureConnect", frame(pamFixture("a01-admit.hl7")));
    expect(r.closed).toBe(false);
    expect(r.bytes[0]).toBe(VT);
    const ack = Hl7Message.parse(r.bytes.subarray(1, -2).toString("utf8"));
    expect(ackCode(ack).code).toBe("AA");
    expect(ack.getSegment("MSA")?.getField(2).toString()).toBe("VALM20260302101500001");
    expect(await stored()).toEqual(["VALM20260302101500001"]);
  });

  it("a TLS client that does not trust the certificate is refused before any message", async () => {
    const socket = tls.connect({ host: "127.0.0.1", port: listener.port });
    await expect(
      exchange(socket, "secureConnect", frame(pamFixture("a01-admit.hl7").replace("A01|VALM", "A01|OTHER"))),
    ).rejects.toThrow(/self[- ]signed/i);
    expect(await stored()).toEqual(["VALM20260302101500001"]);
  });

  it("the MLLP guarantees over TLS: a cut and re-encoded corpus, not-HL7 and junk on one TLS connection, each frame answered right and stored once", async () => {
    const corpus = buildCorpus("TLS-", ["ans-a01-consentement.hl7", "a03-discharge.hl7", "a08-update.hl7"]);
    const socket = tls.connect({ host: "127.0.0.1", port: listener.port, ca });
    await new Promise<void>((resolve) =>
      socket.once("secureConnect", () => {
        resolve();
      }),
    );
    const answers = await pipeline(
      socket,
      [
        ...corpus.map((c) => mllpFrame(c.bytes)),
        mllpFrame(Buffer.from("not HL7 at all")),
        Buffer.from("junk between frames"),
        mllpFrame(
          Buffer.from(pamFixture("a02-transfer.hl7").replace("VALM20260303090000002", "TLS-AFTER-JUNK")),
        ),
      ],
      corpus.length + 2,
    );
    socket.destroy();
    expect(corpus.map((c, i) => answerProblem(c, answers[i]!)).filter((p) => p !== "")).toEqual([]);
    expect(answers.slice(-2).map((a) => ackCode(a.toString("latin1")).code)).toEqual(["AR", "AA"]);
    const accepted = corpus.filter((c) => c.expected.code === "AA");
    expect(accepted.length).toBeGreaterThan(20);
    const stored = await f.db.knex("adt_messages").whereLike("control_id", "TLS-%").pluck("control_id");
    expect(stored.sort()).toEqual([...accepted.map((c) => c.controlId!), "TLS-AFTER-JUNK"].sort());
    expect(await f.db.knex("adt_rejected").count({ n: "*" }).first()).toEqual({
      n: corpus.length - accepted.length + 1,
    });
  });
});
