/**
 * Document messages (CI-SIS volet « Transmission de document(s) CDA en HL7v2 » v2.1: MDM^T02/T10,
 * ORU^R01) on the real MLLP listener (sqlite, no Matrix), next to the ADT feed: the ANS's published
 * examples as published and with the production INS, in UTF-8, 8859/1 and 8859/15, and bad ones, pipelined
 * on two connections. Each frame gets exactly one ACK; AA once the documents service (here a
 * recorder: the real service is wired by the application) resolved; AE/AR with ERR-2 naming segment
 * and field, the refused frame stored once in `adt_rejected`. Without a documents service the
 * listener answers AR 200 as for any unknown type; a service that throws gets AR 207 "resend".
 */
import { createHash } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MllpListener } from "../../../src/adt/index.ts";
import { ackCode, parseEr7, startMllpListener } from "../../../src/adt/index.ts";
import type { IncomingDocument, ReceivedDocument } from "../../../src/documents/index.ts";
import { withCheckKey } from "../../../src/forms/index.ts";
import { exchange, mllpFrame } from "../../helpers/adt-corpus.ts";
import { encode, n1Document, tinyPdf } from "../../helpers/cda-hospital.ts";
import { pamFixture } from "../../helpers/adt.ts";
import {
  ANS,
  ansText,
  docObxAt,
  expectedDocAnswer,
  hf,
  join,
  mapCda,
  production,
  setComp,
  setField,
  split,
  comp,
  type Segs,
} from "../../helpers/hl7-documents.ts";
import { captureLog } from "../../helpers/log.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture, type TransferFixture } from "../../helpers/transfers-fixture.ts";

let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
const received: IncomingDocument[] = [];
const { log, entries: logged } = captureLog();
const listeners: MllpListener[] = [];

const recorder = (incoming: IncomingDocument): Promise<ReceivedDocument> => {
  received.push(incoming);
  return Promise.resolve({
    documentId: incoming.documentId,
    duplicate: false,
    outcome: "to_route",
    routing: [],
  });
};
const listen = async (
  receiveDocument?: (i: IncomingDocument) => Promise<ReceivedDocument>,
): Promise<number> => {
  const l = await startMllpListener(f.deps, {
    port: 0,
    ...(receiveDocument === undefined ? {} : { receiveDocument }),
    log: log.child({ module: "adt" }),
  });
  listeners.push(l);
  return l.port;
};
const connect = (port: number): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port }, () => {
      resolve(s);
    });
    s.once("error", reject);
  });
const digest = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

interface Frame {
  readonly label: string;
  readonly bytes: Buffer;
  readonly expected: { code: "AA" | "AE" | "AR"; location?: string };
  readonly controlId: string;
}
let n = 0;
/** `segs` with a fresh MSH-10 and MSH-18 `charset`, encoded `encoding`. */
function frame(label: string, segs: Segs, encoding: "utf8" | "latin1", charset: string): Frame {
  const controlId = `DOC-${String(n++)}`;
  const text = join(
    segs.map((s) => (s[0] === "MSH" ? setField(setField(s, 10, controlId), 18, charset) : s)),
  );
  return {
    label,
    bytes: Buffer.from(text, encoding),
    expected: expectedDocAnswer(text, encoding),
    controlId,
  };
}
const edit = (segs: Segs, name: string, field: number, v: string): Segs => {
  let done = false;
  return segs.map((s) => (s[0] === name && !done ? ((done = true), setField(s, field, v)) : s));
};

beforeAll(async () => {
  tmp = await tempDir("passerelle-documents-mllp-");
  f = await openFixture(tmp.dir);
});
afterAll(async () => {
  for (const l of listeners) await l.close();
  await f.close();
  await tmp.cleanup();
});

describe("document messages on the MLLP listener", () => {
  it("published and production examples, UTF-8, 8859/1 and 8859/15, bad ones, ADT between them: one ACK each, stored once", async () => {
    const port = await listen(recorder);
    const frames: Frame[] = [];
    for (const name of Object.values(ANS)) {
      frames.push(frame(`${name} as published`, split(ansText(name)), "utf8", "UNICODE UTF-8"));
      if (name === ANS.mdmPlaceholder) continue;
      const accented = edit(split(production(name)), "PID", 5, "DUPRÉ^LÉA^^^^^L");
      frames.push(frame(`${name} production UTF-8`, accented, "utf8", "UNICODE UTF-8"));
      frames.push(frame(`${name} production 8859/1`, accented, "latin1", "8859/1"));
      // the volet names UNICODE UTF-8 and 8859/15 (É is the same byte in 8859/1 and 8859/15)
      frames.push({
        ...frame(`${name} production 8859/15`, accented, "latin1", "8859/15"),
        expected: { code: "AA" },
      });
      frames.push(frame(`${name} UTF-8 bytes labelled 8859/1`, accented, "utf8", "8859/1"));
    }
    const base = split(production(ANS.mdmT02));
    const data = (s: Segs, f2: (b: string) => string): Segs => {
      const i = docObxAt(s);
      return s.map((x, j) => (j === i ? setField(x, 5, setComp(hf(x, 5), 5, f2(comp(hf(x, 5), 5)))) : x));
    };
    const bad: [string, Segs, string][] = [
      ["bad Base64", data(base, (b) => `${b.slice(0, 50)}%${b.slice(50)}`), "OBX^1^5"],
      ["CDA that does not parse", mapCda(base, (x) => x.slice(0, 4000)), "OBX^1^5"],
      ["wrong INS key", edit(base, "PID", 3, "279035121518988^^^X&1.2.250.1.213.1.4.8&ISO^INS"), "PID^1^3"],
      ["unqualified identity", edit(base, "PID", 32, "PROV"), "PID^1^32"],
      [
        "INS mismatch PID/CDA",
        mapCda(base, (x) =>
          x.replace('extension="279035121518989"', `extension="${withCheckKey("ins", "1850675123456")}"`),
        ),
        "PID^1^3",
      ],
      ["no OBX of type ED", edit(base, "OBX", 2, "TX"), "OBX^1^2"],
      ["the ANS's placeholder MDM (text, not a CDA)", split(production(ANS.mdmPlaceholder)), "OBX^1^5"],
      ["MDM^T04", edit(base, "MSH", 9, "MDM^T04^MDM_T02"), "MSH^1^9"],
    ];
    // the answers these must get (the test's own rules do not read Base64 or the CDA)
    for (const [label, segs, location] of bad) {
      const fr = frame(label, segs, "utf8", "UNICODE UTF-8");
      frames.push({ ...fr, expected: { code: label === "MDM^T04" ? "AR" : "AE", location } });
    }
    const adt = Buffer.from(
      pamFixture("a01-admit.hl7").replace("VALM20260302101500001", "DOC-ADT-1"),
      "utf8",
    );
    frames.push({ label: "ADT A01", bytes: adt, expected: { code: "AA" }, controlId: "DOC-ADT-1" });

    const halves = [frames.filter((_, i) => i % 2 === 0), frames.filter((_, i) => i % 2 === 1)];
    const sockets = await Promise.all([connect(port), connect(port)]);
    const answers = await Promise.all(
      halves.map((h, i) =>
        exchange(
          sockets[i]!,
          h.map((x) => mllpFrame(x.bytes)),
          h.length,
          8,
        ),
      ),
    );
    for (const s of sockets) s.destroy();
    const problems: string[] = [];
    halves.forEach((h, i) => {
      h.forEach((fr, j) => {
        const text = answers[i]![j]!.toString("latin1");
        const ack = parseEr7(text)!;
        const msa = ack.segments.find((s) => s.name === "MSA");
        const err = ack.segments.find((s) => s.name === "ERR");
        const code = ackCode(text).code;
        if (code !== fr.expected.code) problems.push(`${fr.label}: ${code}, expected ${fr.expected.code}`);
        if (msa?.fields[2] !== fr.controlId) problems.push(`${fr.label}: MSA-2 does not echo MSH-10`);
        if (fr.expected.location !== undefined && err?.fields[2] !== fr.expected.location)
          problems.push(`${fr.label}: ERR-2 ${String(err?.fields[2])}, expected ${fr.expected.location}`);
        if (/279035121518989|DUPR|PAT-TROIS/.test(text))
          problems.push(`${fr.label}: patient data in the ACK`);
      });
    });
    expect(problems).toEqual([]);
    expect(answers[0]!.length + answers[1]!.length).toBe(frames.length);

    const docs = frames.filter((x) => x.expected.code === "AA" && x.label !== "ADT A01");
    expect(docs.length).toBe(12);
    expect(received.map((r) => r.channelRef).sort()).toEqual(docs.map((x) => x.controlId).sort());
    expect(received.every((r) => r.patient.family === "DUPRÉ" && r.channel === "mllp")).toBe(true);
    const refused = frames.filter((x) => x.expected.code !== "AA");
    const rows = await f.db
      .knex<{ digest: string; location: string }>("adt_rejected")
      .select("digest", "location");
    expect(rows.length).toBe(refused.length);
    for (const x of refused) expect(rows.filter((r) => r.digest === digest(x.bytes))).toHaveLength(1);
    expect(
      await f.db.knex("adt_messages").where({ control_id: "DOC-ADT-1" }).count({ n: "*" }).first(),
    ).toEqual({ n: 1 });

    // sent again: answered the same, the refused frame not stored twice
    const again = await connect(port);
    const twice = await exchange(again, [mllpFrame(refused[0]!.bytes), mllpFrame(docs[0]!.bytes)], 2);
    again.destroy();
    expect(twice.map((a) => ackCode(a.toString("latin1")).code)).toEqual([refused[0]!.expected.code, "AA"]);
    expect(await f.db.knex("adt_rejected").count({ n: "*" }).first()).toEqual({ n: refused.length });
    expect(logged.filter((l) => l.level === "error")).toEqual([]);
    expect(JSON.stringify(logged)).not.toMatch(/279035121518989|DUPR|PAT-TROIS/);
    expect((await f.trail.verify()).ok).toBe(true);
  }, 120_000);

  it("a 3 MB frame (N1 CDA with a 2 MB PDF) under the documents default limit; TXA-12 as extension^^root^ISO", async () => {
    const port = await listen(recorder);
    const pdf = Buffer.concat([tinyPdf(), Buffer.alloc(2 * 1024 * 1024, 0x25)]);
    const cda = encode(n1Document({ ins: "279035121518989", pdf })).toString("base64");
    const segs = edit(
      split(production(ANS.mdmPlaceholder)).map((x) =>
        x[0] === "OBX" && hf(x, 1) === "1" ? setField(x, 5, setComp(hf(x, 5), 5, cda)) : x,
      ),
      "TXA",
      12,
      "CR-1^^1.2.250.1.999.1.2.3^ISO",
    );
    const fr = frame("large", segs, "utf8", "UNICODE UTF-8");
    expect(fr.bytes.length).toBeGreaterThan(2 * 1024 * 1024);
    const s = await connect(port);
    const [a] = await exchange(s, [mllpFrame(fr.bytes)], 1);
    s.destroy();
    expect(ackCode(a!.toString("latin1")).code).toBe("AA");
    expect(received.at(-1)?.documentId).toBe("1.2.250.1.999.1.2.3^CR-1");
  });

  it("without a documents service: AR 200 unsupported message type, stored for review", async () => {
    const port = await listen();
    const fr = frame("no service", split(production(ANS.oruNew)), "utf8", "UNICODE UTF-8");
    const s = await connect(port);
    const [a] = await exchange(s, [mllpFrame(fr.bytes)], 1);
    s.destroy();
    const text = a!.toString("latin1");
    expect(ackCode(text).code).toBe("AR");
    expect(ackCode(text).text).toMatch(/\[message\.unsupported\]/);
    expect(
      await f.db
        .knex("adt_rejected")
        .where({ digest: digest(fr.bytes) })
        .count({ n: "*" })
        .first(),
    ).toEqual({ n: 1 });
  });

  it("a documents service that fails: AR 207 please resend, nothing stored as refused", async () => {
    const port = await listen(() => Promise.reject(new Error("database down")));
    const fr = frame("service down", split(production(ANS.mdmT10)), "utf8", "UNICODE UTF-8");
    const s = await connect(port);
    const [a] = await exchange(s, [mllpFrame(fr.bytes)], 1);
    s.destroy();
    const text = a!.toString("latin1");
    expect(ackCode(text)).toEqual({
      code: "AR",
      text: "message not stored, please resend [storage.internal]",
    });
    expect(
      await f.db
        .knex("adt_rejected")
        .where({ digest: digest(fr.bytes) })
        .count({ n: "*" })
        .first(),
    ).toEqual({ n: 0 });
  });
});
