/**
 * Crash safety of the outbox against a real Synapse: a worker process sends 200 queued transfers
 * and is SIGKILLed midway; a new worker process resumes (expired leases reclaimed, idempotent
 * sends). The recipient decrypts every sheet exactly once, none is lost, the audit chain verifies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import type { MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { RegisteredUser } from "../../../src/matrix/index.ts";
import { createTransfer } from "../../../src/transfers/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { startTestHomeserver, type TestHomeserver } from "../synapse/harness.ts";
import {
  addRecipients,
  openFixture,
  SENT_OR_LATER,
  type TransferFixture,
} from "../../helpers/transfers-fixture.ts";
import { autoJoin, sheetEventsSeen } from "../../helpers/matrix-recipient.ts";

const N = 200;
const LEASE_MS = 3000;
let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let hubUser: RegisteredUser;
let alice: RegisteredUser;
let aliceClient: MatrixClient;
const children: ChildProcess[] = [];
const timings: Record<string, number> = {};

function startWorker(): { child: ChildProcess; ready: Promise<void> } {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "worker-child.ts")], {
    env: {
      ...process.env,
      T_DIR: tmp.dir,
      T_HS_URL: server.hs.baseUrl,
      T_HUB_USER: hubUser.userId,
      T_HUB_PASSWORD: hubUser.password,
      T_LEASE_MS: String(LEASE_MS),
    },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  const ready = new Promise<void>((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (l) => {
      if (l.includes('"ready":true')) resolve();
    });
    child.once("exit", (code) => {
      reject(new Error(`worker exited early (${String(code)})`));
    });
  });
  return { child, ready };
}

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
  tmp = await tempDir("passerelle-transfers-crash-");
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
  // eslint-disable-next-line no-console -- timings for the report
  console.log(`transfers-crash timings: ${JSON.stringify(timings)}`);
});

// Signing 200 sheets, then sending and decrypting them twice over, exceeds the default 120 s on a
// loaded machine (create200Ms alone measured 36–85 s with load average 12–17 on 2 cores).
it(
  `SIGKILL mid-way through ${N} transfers: after restart all ${N} are in the room exactly once, 0 lost, audit verifies`,
  { timeout: 360_000 },
  async () => {
    const [rpps] = await addRecipients(f, [alice.userId]);
    let t = Date.now();
    const sheet = exampleSheet("discharge");
    const ids: string[] = [];
    for (let i = 0; i < N; i++) {
      ids.push((await createTransfer(f.deps, { sheet, to: [rpps!], actor: "cli:test" })).transferId);
    }
    timings.create200Ms = Date.now() - t;

    t = Date.now();
    const first = startWorker();
    await first.ready;
    await waitFor(
      "a third of the transfers sent",
      async () => ((await sentCount()) >= N / 3 ? true : undefined),
      90_000,
    );
    await new Promise<void>((resolve) => {
      first.child.once("exit", () => {
        resolve();
      });
      first.child.kill("SIGKILL");
    });
    const atKill = await sentCount();
    timings.sentAtKill = atKill;
    expect(atKill).toBeLessThan(N);

    const second = startWorker();
    await second.ready;
    await waitFor(
      "all transfers sent",
      async () => ((await sentCount()) === N ? true : undefined),
      120_000,
      200,
    );
    timings.sendAllMs = Date.now() - t;
    second.child.kill("SIGKILL");

    const roomIds = await f.db.knex("transfer_rooms").select("room_id");
    expect(roomIds).toHaveLength(1);
    const roomId = (roomIds[0] as { room_id: string }).room_id;
    const sheetOf = new Map<string, string>(
      (await f.db.knex<{ id: string; sheet_id: string }>("transfers").select("id", "sheet_id")).map((r) => [
        r.sheet_id,
        r.id,
      ]),
    );
    t = Date.now();
    const seen = await waitFor(
      "the recipient decrypting every sheet event",
      async () => {
        const s = await sheetEventsSeen(aliceClient, roomId);
        return s.bySheet.size === N && s.failures === 0 ? s : undefined;
      },
      60_000,
      1000,
    );
    timings.recipientDecryptAllMs = Date.now() - t;
    const byTransfer = new Map([...seen.bySheet].map(([sheetId, n]) => [sheetOf.get(sheetId), n]));
    expect([...byTransfer.keys()].sort()).toEqual([...ids].sort());
    expect([...byTransfer.values()].every((n) => n === 1)).toBe(true);
    expect((await f.trail.verify()).ok).toBe(true);
    const sent = await f.db
      .knex("audit_entries")
      .where("action", "transfer.sent")
      .countDistinct({ n: "transfer_id" })
      .first();
    expect(Number((sent as { n: number | string }).n)).toBe(N);
  },
);
