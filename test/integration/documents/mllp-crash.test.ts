/**
 * Crash safety of hospital documents end to end: 500 distinct MDM^T02 (each its own small CDA and
 * document id, the recipient named by PRT RCT) on ONE MLLP connection, sent as an interface engine
 * does (the next only once the previous one's ACK came back), to the service in a child process
 * (MLLP listener, documents service, outbox worker, hub on a real Synapse). The child is SIGKILLed
 * twice: after the 200th ACK while the next message is in flight (at a random moment), and by
 * itself right after the 351st document's transaction committed, before its ACK is written. Each
 * time it is restarted and the sender resends every message it had no ACK for; at the end it
 * replays a few it had (as an engine replaying its log does). In the
 * end: every document stored once, every transfer sent, each document in the recipient's decrypted
 * timeline exactly once, the resent ones audited `document.duplicate` and sending nothing, and the
 * audit chain verifies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import { ackCode } from "../../../src/adt/index.ts";
import type { RegisteredUser } from "../../../src/matrix/index.ts";
import { insOf } from "../../helpers/adt.ts";
import { bulkDocumentId, bulkMdm } from "../../helpers/mdm-bulk.ts";
import { MllpSender } from "../../helpers/mllp-sender.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { startTestHomeserver, type TestHomeserver } from "../synapse/harness.ts";
import {
  addRecipients,
  openFixture,
  SENT_OR_LATER,
  type TransferFixture,
} from "../../helpers/transfers-fixture.ts";
import { autoJoin, sheetEventsSeen } from "../../helpers/matrix-recipient.ts";

const N = 500;
/** Patients: the documents of one patient to one recipient share a room (one context key). */
const PATIENTS = 4;
const KILL_AFTER = 200;
/** The second kill: the child SIGKILLs itself once this document is committed, before its ACK. */
const KILL_AT_COMMIT = 350;
/** Already acknowledged messages sent again at the end. */
const REPLAYED = [0, 1, 57, KILL_AFTER - 1, N - 1];
const LEASE_MS = 3000;

let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let hubUser: RegisteredUser;
let alice: RegisteredUser;
let aliceClient: MatrixClient;
const children: ChildProcess[] = [];
const timings: Record<string, number> = {};

function startService(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "mllp-child.ts")], {
    env: {
      ...process.env,
      T_DIR: tmp.dir,
      T_HS_URL: server.hs.baseUrl,
      T_HUB_USER: hubUser.userId,
      T_HUB_PASSWORD: hubUser.password,
      T_LEASE_MS: String(LEASE_MS),
      T_DIE_AFTER_COMMIT: bulkDocumentId({ n: KILL_AT_COMMIT }),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (l) => {
      const m = /"port":(\d+)/.exec(l);
      if (m !== null) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => {
      reject(new Error(`service exited early (${String(code)})`));
    });
  });
}

const count = async (table: string, where: Record<string, string>): Promise<number> =>
  Number(((await f.db.knex(table).where(where).count({ n: "*" }).first()) as { n: number | string }).n);

const sentCount = async (): Promise<number> =>
  Number(
    (
      (await f.db.knex("transfers").whereIn("state", SENT_OR_LATER).count({ n: "*" }).first()) as {
        n: number | string;
      }
    ).n,
  );

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-documents-crash-");
  f = await openFixture(tmp.dir);
  [hubUser, alice] = await Promise.all([server.user("passerelle"), server.user("alice")]);
  aliceClient = await server.client(alice);
  autoJoin(aliceClient);
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null) c.kill("SIGKILL");
  await f.close();
  await server.close();
  await tmp.cleanup();
  // eslint-disable-next-line no-console -- figures for the report
  console.log(`documents mllp-crash: ${JSON.stringify(timings)}`);
});

it(
  `${N} documents on one MLLP connection, kill -9 after ${KILL_AFTER} ACKs and at the commit of #${KILL_AT_COMMIT}: resent, each delivered exactly once, audit verifies`,
  { timeout: 900_000 },
  async () => {
    const [rpps] = await addRecipients(f, [alice.userId]);
    const message = (i: number): string =>
      bulkMdm({ n: i, controlId: `DOC${String(i).padStart(6, "0")}`, ins: insOf(i % PATIENTS), rpps: rpps! });
    const sends = new Array<number>(N).fill(0);
    const acked = new Set<number>();
    let service = await startService();
    let sender = await MllpSender.connect(service.port);
    let t = Date.now();
    let next = 0;
    const kills: number[] = [];
    while (next < N) {
      if (next === KILL_AFTER && !kills.includes(KILL_AFTER)) {
        kills.push(KILL_AFTER);
        const victim = service.child;
        setTimeout(() => victim.kill("SIGKILL"), 1 + Math.floor(Math.random() * 20));
      }
      if (next === KILL_AT_COMMIT && !kills.includes(KILL_AT_COMMIT)) kills.push(KILL_AT_COMMIT); // the child dies itself
      try {
        sends[next]!++;
        const ack = ackCode(await sender.send(message(next)));
        expect(ack.code).toBe("AA");
        acked.add(next);
        next++;
        if (next === KILL_AFTER) timings.firstAcksMs = Date.now() - t;
      } catch {
        // connection lost: restart the service, resend from the first unacknowledged message
        sender.close();
        timings[`sentAtKill${String(kills.length)}`] = await sentCount();
        const restart = Date.now();
        service = await startService();
        timings.restartMs = Date.now() - restart;
        sender = await MllpSender.connect(service.port);
      }
    }
    // an engine replaying its log: already acknowledged documents, answered AA, sending nothing
    for (const i of REPLAYED) {
      sends[i]!++;
      expect(ackCode(await sender.send(message(i))).code).toBe("AA");
    }
    timings.allAckedMs = Date.now() - t;
    sender.close();
    expect(kills).toEqual([KILL_AFTER, KILL_AT_COMMIT]);
    expect(children).toHaveLength(3);
    expect(acked.size).toBe(N);
    const resentUnacked = sends.filter((n, i) => n > 1 && !REPLAYED.includes(i)).length;
    timings.resentUnacknowledged = resentUnacked;
    timings.replayedAcknowledged = REPLAYED.length;
    expect(resentUnacked).toBeGreaterThanOrEqual(kills.length);

    // every document stored exactly once, byte for byte under its own id
    const docs = await f.db
      .knex<{ document_id: string; transfer_id: string | null; state: string }>("documents")
      .select("document_id", "transfer_id", "state");
    expect(docs).toHaveLength(N);
    expect(new Set(docs.map((d) => d.document_id))).toEqual(
      new Set(Array.from({ length: N }, (_, i) => bulkDocumentId({ n: i }))),
    );
    expect(docs.every((d) => d.state === "queued" && d.transfer_id !== null)).toBe(true);
    expect(await count("audit_entries", { action: "document.received" })).toBe(N);
    // the replayed ones, the one committed without its ACK, and the one in flight at the first kill
    // if it had committed before its ACK
    const duplicates = await count("audit_entries", { action: "document.duplicate" });
    timings.duplicatesAudited = duplicates;
    expect(sends[KILL_AT_COMMIT]).toBe(2);
    expect(duplicates).toBeGreaterThanOrEqual(REPLAYED.length + 1);
    expect(duplicates).toBeLessThanOrEqual(REPLAYED.length + resentUnacked);

    t = Date.now();
    await waitFor(
      "every transfer sent",
      async () => ((await sentCount()) === N ? true : undefined),
      600_000,
      500,
    );
    timings.sendRestMs = Date.now() - t;
    service.child.kill("SIGKILL");
    expect(await count("transfers", {})).toBe(N);

    // the recipient's decrypted timelines: each document's file event exactly once
    const rooms = await f.db.knex("transfer_rooms").select<{ room_id: string }[]>("room_id");
    expect(rooms).toHaveLength(PATIENTS);
    const documentOfSheet = new Map(
      (
        await f.db
          .knex("documents")
          .join("transfers", "transfers.id", "documents.transfer_id")
          .select<{ document_id: string; sheet_id: string }[]>("documents.document_id", "transfers.sheet_id")
      ).map((r) => [r.sheet_id, r.document_id]),
    );
    t = Date.now();
    const perDocument = await waitFor(
      "the recipient decrypting every document's event",
      async () => {
        const by = new Map<string, number>();
        for (const r of rooms) {
          const seen = await sheetEventsSeen(aliceClient, r.room_id);
          if (seen.failures > 0) return undefined;
          for (const [sheetId, n] of seen.bySheet) {
            const doc = documentOfSheet.get(sheetId) ?? `unknown sheet ${sheetId}`;
            by.set(doc, (by.get(doc) ?? 0) + n);
          }
        }
        return by.size >= N ? by : undefined;
      },
      180_000,
      2000,
    );
    timings.recipientDecryptAllMs = Date.now() - t;
    expect(perDocument.size).toBe(N);
    expect([...perDocument.keys()].sort()).toEqual([...documentOfSheet.values()].sort());
    expect([...perDocument.values()].filter((n) => n !== 1)).toEqual([]);
    expect((await f.trail.verify()).ok).toBe(true);
  },
);
