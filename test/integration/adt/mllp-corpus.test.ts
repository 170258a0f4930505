/**
 * Every HL7 message gets an answer, over a real MLLP socket (sqlite, no Matrix): the corpus of
 * test/helpers/adt-corpus.ts — every PAM France message of test/fixtures/pam-fr, those written after
 * the ANS's PAM France 2.11 examples included, cut at every field boundary of every segment, each
 * optional (and required) segment removed, in 8859/1 and UTF-8 on the same connections, and
 * mislabelled — pipelined on two connections to one listener. Each frame gets exactly one ACK,
 * the expected AA/AE/AR (with ERR-2 naming the segment and field), and is stored exactly once: an
 * AA in `adt_messages` (its name decoded right), an AE/AR in `adt_rejected` for review. Then
 * payloads that are not HL7, junk between frames, an oversized frame: AR or logged, and the frames
 * after them still answered.
 */
import { createHash } from "node:crypto";
import net from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { MllpListener } from "../../../src/adt/index.ts";
import { ackCode, startMllpListener } from "../../../src/adt/index.ts";
import { answerProblem, buildCorpus, exchange, mllpFrame } from "../../helpers/adt-corpus.ts";
import { pamFixture } from "../../helpers/adt.ts";
import { captureLog } from "../../helpers/log.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture, type TransferFixture } from "../../helpers/transfers-fixture.ts";

let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let listener: MllpListener;
/** The listener's log: the service's logger (src/log) writing into memory. */
const { log: mllpLog, entries: logged } = captureLog();

const connect = (): Promise<net.Socket> =>
  new Promise((resolve, reject) => {
    const s = net.connect({ host: "127.0.0.1", port: listener.port }, () => {
      resolve(s);
    });
    s.once("error", reject);
  });
const digest = (b: Buffer): string => createHash("sha256").update(b).digest("hex");

beforeAll(async () => {
  tmp = await tempDir("passerelle-adt-corpus-");
  f = await openFixture(tmp.dir);
  listener = await startMllpListener(f.deps, {
    port: 0,
    maxFrameBytes: 256 * 1024,
    log: mllpLog.child({ module: "adt" }),
  });
});
afterAll(async () => {
  await listener.close();
  await f.close();
  await tmp.cleanup();
});

describe("MLLP corpus: every message answered, stored exactly once", () => {
  it("the PAM France corpus, cut at every field, segments removed, 8859/1 and UTF-8 mixed on two connections", async () => {
    const corpus = buildCorpus("CORPUS-");
    expect(corpus.length).toBeGreaterThan(500);
    const halves = [corpus.filter((_, i) => i % 2 === 0), corpus.filter((_, i) => i % 2 === 1)];
    const sockets = await Promise.all([connect(), connect()]);
    const t0 = performance.now();
    const answers = await Promise.all(
      halves.map((h, i) =>
        exchange(
          sockets[i]!,
          h.map((c) => mllpFrame(c.bytes)),
          h.length,
        ),
      ),
    );
    const ms = performance.now() - t0;
    // about 1 000 frames: a few seconds on a loaded 2-core machine
    expect(ms).toBeLessThan(60_000);
    for (const s of sockets) s.destroy();
    const problems = halves.flatMap((h, i) =>
      h.map((c, j) => answerProblem(c, answers[i]![j]!)).filter((p) => p !== ""),
    );
    expect(problems.slice(0, 20)).toEqual([]);
    const counts = { AA: 0, AE: 0, AR: 0 };
    for (const c of corpus) counts[c.expected.code]++;
    // each of the three answers occurs, and the run stays fast
    expect(counts.AA).toBeGreaterThan(100);
    expect(counts.AE).toBeGreaterThan(100);
    expect(counts.AR).toBeGreaterThan(10);

    // stored exactly once: each AA once in adt_messages (its name intact), each AE/AR once in adt_rejected
    const messages = await f.db
      .knex<{ control_id: string; event_json: string }>("adt_messages")
      .select("control_id", "event_json");
    const byId = new Map<string, number>();
    for (const m of messages) byId.set(m.control_id, (byId.get(m.control_id) ?? 0) + 1);
    const refused = await f.db.knex<{ digest: string }>("adt_rejected").pluck("digest");
    const refusedSet = new Map<string, number>();
    for (const d of refused) refusedSet.set(d, (refusedSet.get(d) ?? 0) + 1);
    const names = new Map(
      messages.map((m) => [
        m.control_id,
        (JSON.parse(m.event_json) as { patient: { lastName: string } }).patient.lastName,
      ]),
    );
    const storage: string[] = [];
    for (const c of corpus) {
      if (c.expected.code === "AA") {
        if (byId.get(c.controlId ?? "") !== 1)
          storage.push(`${c.label}: ${byId.get(c.controlId ?? "") ?? 0} rows in adt_messages`);
        if (names.get(c.controlId ?? "") !== c.lastName) storage.push(`${c.label}: name stored differs`);
        if (refusedSet.has(digest(c.bytes))) storage.push(`${c.label}: also in adt_rejected`);
      } else {
        if (refusedSet.get(digest(c.bytes)) !== 1)
          storage.push(`${c.label}: not in adt_rejected exactly once`);
        if (c.controlId !== undefined && byId.has(c.controlId))
          storage.push(`${c.label}: refused yet in adt_messages`);
      }
    }
    expect(storage.slice(0, 20)).toEqual([]);
    expect(messages.length).toBe(counts.AA);
    expect(refused.length).toBe(counts.AE + counts.AR);
    expect(logged.filter((l) => l.level === "error")).toEqual([]);
    // the audit trail holds one entry per stored frame and verifies
    expect((await f.trail.verify()).ok).toBe(true);
  }, 120_000);

  it("a frame sent again is answered the same and not stored twice (accepted and refused alike)", async () => {
    const [again] = buildCorpus("CORPUS-", ["a01-admit.hl7"]); // same control ids as the first run
    const refusedOnce = buildCorpus("CORPUS-", ["a01-bad-ins-key.hl7"])[0]!;
    const before = await f.db.knex("adt_rejected").count({ n: "*" }).first();
    const s = await connect();
    const answers = await exchange(s, [mllpFrame(again!.bytes), mllpFrame(refusedOnce.bytes)], 2);
    s.destroy();
    expect(answers.map((a) => ackCode(a.toString("latin1")).code)).toEqual(["AA", "AE"]);
    expect(
      await f.db.knex("adt_messages").where({ control_id: again!.controlId! }).count({ n: "*" }).first(),
    ).toEqual({ n: 1 });
    expect(await f.db.knex("adt_rejected").count({ n: "*" }).first()).toEqual(before);
  });

  it("not HL7, junk between frames, an oversized frame: AR where a frame allows it, logged with a reason, the next frames still answered", async () => {
    const s = await connect();
    const valid = Buffer.from(
      pamFixture("a02-transfer.hl7").replace("VALM20260303090000002", "AFTER-JUNK-1"),
      "utf8",
    );
    const payloads = [
      mllpFrame(Buffer.from("hello")),
      mllpFrame(Buffer.from('{"trigger":"A01"}')),
      mllpFrame(Buffer.from("PID|||248037511204721^^^X&1.2.250.1.213.1.4.8&ISO^INS")),
      mllpFrame(Buffer.alloc(0)),
      Buffer.from("stray bytes between frames"),
      mllpFrame(Buffer.alloc(300 * 1024, 0x41)),
      mllpFrame(valid),
    ];
    const answers = (await exchange(s, payloads, 6)).map((a) => a.toString("latin1"));
    s.destroy();
    expect(answers.map((a) => ackCode(a).code)).toEqual(["AR", "AR", "AR", "AR", "AR", "AA"]);
    expect(ackCode(answers[0]!).text).toMatch(/\[frame\.not_hl7\]/);
    expect(ackCode(answers[4]!).text).toMatch(/\[frame\.too_large\]/);
    expect(answers.join("")).not.toContain("248037511204721");
    expect(
      await f.db.knex("adt_rejected").where({ reason: "frame.not_hl7" }).count({ n: "*" }).first(),
    ).toEqual({ n: 4 });
    const reasons = logged.map((l) => l.fields?.reason);
    expect(reasons).toContain("frame.not_hl7");
    expect(reasons).toContain("frame.outside");
    expect(reasons).toContain("frame.too_large");
    // the log holds codes only, never message content
    expect(JSON.stringify(logged)).not.toMatch(/MARCHAL|FICTIVE|248037511204721|hello/);
  });
});
