/**
 * The transfer workflow against a real Synapse with the hub's own session (openHub) and a recipient
 * on its own device: delivery and verification, homeserver down for 30 s with 50 queued, and the
 * refusal of a recipient unknown to the directory — on sqlite and on PostgreSQL (one homeserver and
 * one hub for the file; a database, directory and worker per engine).
 */
import path from "node:path";
import type { MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Hub, RegisteredUser } from "../../../src/matrix/index.ts";
import { downloadEncryptedFile, openHub, sha256Hex } from "../../../src/matrix/index.ts";
import { verifyPdf } from "../../../src/pdf/index.ts";
import { createTransfer, OutboxWorker, transferStatus } from "../../../src/transfers/index.ts";
import { transferReference } from "../../../src/transfers/record/index.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { engines } from "../postgres.ts";
import { startTestHomeserver, waitForEvent, type TestHomeserver } from "../synapse/harness.ts";
import {
  addRecipients,
  openFixture,
  rppsOf,
  SENT_OR_LATER,
  type TransferFixture,
} from "../../helpers/transfers-fixture.ts";
import { autoJoin, decryptedMessages, sheetEventsSeen, sheetView } from "../../helpers/matrix-recipient.ts";

let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let hub: Hub;
let alice: RegisteredUser;
let aliceClient: MatrixClient;
const sheet = exampleSheet("discharge");
const timings: Record<string, number> = {};

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-transfers-matrix-");
  const hubUser = await server.user("passerelle");
  alice = await server.user("alice");
  hub = await openHub({
    homeserverUrl: server.hs.baseUrl,
    userId: hubUser.userId,
    password: hubUser.password,
    dataDir: path.join(tmp.dir, "hub"),
  });
  aliceClient = await server.client(alice);
  autoJoin(aliceClient);
});

afterAll(async () => {
  await hub.close();
  await server.close();
  await tmp.cleanup();
  // eslint-disable-next-line no-console -- timings for the report
  console.log(`transfers-matrix timings: ${JSON.stringify(timings)}`);
});

describe.each(engines())("transfers over a real homeserver on $name", (engine) => {
  let f: TransferFixture;
  let rpps: string;
  let worker: OutboxWorker;
  const stateOf = async (id: string) => (await transferStatus(f.db.knex, id)).transfer.state;

  beforeAll(async () => {
    await engine.setup();
    const dir = path.join(tmp.dir, engine.name);
    f = await openFixture(dir, { database: await engine.fresh() });
    [rpps] = (await addRecipients(f, [alice.userId])) as [string];
    worker = new OutboxWorker(f.deps, hub.transport, {
      pollMs: 100,
      maxAttempts: 60,
      backoffBaseMs: 500,
      backoffMaxMs: 3000,
      attemptTimeoutMs: 20_000,
    });
    worker.start();
  });

  afterAll(async () => {
    await worker.stop();
    await f.close();
    await engine.teardown();
  });

  it("create → sent: the recipient decrypts the one sheet message (caption with the patient, data) and the PDF, which verifies; audit verifies", async () => {
    const t0 = Date.now();
    const c = await createTransfer(f.deps, { sheet, to: [rpps], actor: "cli:test" });
    await waitFor(
      "sent",
      async () => (SENT_OR_LATER.includes(await stateOf(c.transferId)) ? true : undefined),
      30_000,
    );
    timings[`${engine.name}.createToSentMs`] = Date.now() - t0;
    const { transfer, events } = await transferStatus(f.db.knex, c.transferId);
    expect(events.at(-1)).toMatchObject({ step: "sent", matrixEventId: transfer.sheetEventId });
    const ev = await waitForEvent(
      aliceClient,
      transfer.roomId!,
      "m.room.message",
      30_000,
      (e) => e.getId() === transfer.sheetEventId,
    );
    const content = sheetView(ev);
    expect(ev.isEncrypted()).toBe(true);
    expect(ev.getContent().msgtype).toBe("m.file");
    expect(content).toMatchObject({
      sheet_id: c.sheetId,
      form: "discharge@1",
      pdf_sha256: c.pdfSha256,
      reference: transferReference("discharge", c.transferId),
      filename: "lettre-de-sortie-MARCHAL-2026-01-16.pdf",
    });
    expect(content.body).not.toBe(content.filename);
    expect(content.body).toContain("MARCHAL Odette, née le 12/03/1948");
    // One message for the sheet, and nothing else from the hub in the room (no text, no welcome).
    const hubMessages = (await decryptedMessages(aliceClient, transfer.roomId!)).filter(
      (e) => e.getSender() === hub.userId,
    );
    expect(hubMessages.map((e) => e.getId())).toEqual([transfer.sheetEventId]);
    expect(transfer.fileEventId).toBe(transfer.sheetEventId);
    expect(transfer.textEventId).toBeUndefined();
    const pdf = await downloadEncryptedFile(aliceClient, content.file);
    timings[`${engine.name}.createToDecryptedPdfMs`] = Date.now() - t0;
    expect(sha256Hex(pdf)).toBe(c.pdfSha256);
    const caPem = await import("node:fs/promises").then((fs) =>
      fs.readFile(path.join(tmp.dir, engine.name, "pki", "ca.pem"), "utf8"),
    );
    expect((await verifyPdf(pdf, { trustedCas: [caPem] })).valid).toBe(true);
    const name = aliceClient.getRoom(transfer.roomId)?.name ?? "";
    expect(name).toMatch(/^Passerelle · T-[0-9A-F]{10}$/);
    expect((await f.trail.verify()).ok).toBe(true);
  });

  // 30 s down, then up to 90 s to send and 90 s to decrypt: more than the default test timeout.
  it(
    "homeserver down with 50 queued, back after 30 s: all 50 delivered exactly once, audit verifies",
    { timeout: 240_000 },
    async () => {
      await server.hs.stop();
      const ids: string[] = [];
      for (let i = 0; i < 50; i++)
        ids.push((await createTransfer(f.deps, { sheet, to: [rpps], actor: "cli:test" })).transferId);
      await new Promise((r) => setTimeout(r, 30_000));
      const retried = await f.db
        .knex("transfers")
        .whereIn("id", ids)
        .where("attempts", ">", 0)
        .count({ n: "*" })
        .first();
      expect(Number((retried as { n: number | string }).n)).toBeGreaterThan(0);
      expect(await f.db.knex("transfers").whereIn("id", ids).whereIn("state", SENT_OR_LATER)).toEqual([]);
      const t0 = Date.now();
      await server.hs.start();
      await waitFor(
        "all 50 sent",
        async () => {
          const n = await f.db
            .knex("transfers")
            .whereIn("id", ids)
            .whereIn("state", SENT_OR_LATER)
            .count({ n: "*" })
            .first();
          return Number((n as { n: number | string }).n) === 50 ? true : undefined;
        },
        90_000,
        200,
      );
      timings[`${engine.name}.restartToAll50SentMs`] = Date.now() - t0;
      const roomId = (await transferStatus(f.db.knex, ids[0]!)).transfer.roomId!;
      const sheets = new Map<string, number>(
        (
          await f.db.knex<{ id: string; sheet_id: string }>("transfers").whereIn("id", ids).select("sheet_id")
        ).map((r) => [r.sheet_id, 0]),
      );
      const seen = await waitFor(
        "the recipient decrypting the 50 sheets",
        async () => {
          // The recipient's client backs its sync off while the homeserver is down (keep-alive
          // intervals grow), so it may come back long after the hub has sent everything: a real
          // client retries on network change; here we retry at once. The room keys arrive by sync.
          aliceClient.retryImmediately();
          const s = await sheetEventsSeen(aliceClient, roomId);
          return [...sheets.keys()].every((k) => s.bySheet.has(k)) && s.failures === 0 ? s : undefined;
        },
        90_000,
        1000,
      );
      expect([...sheets.keys()].map((k) => seen.bySheet.get(k))).toEqual(Array(50).fill(1));
      // one hub message per sheet: the room's earlier sheet and these 50
      const fromHub = (await decryptedMessages(aliceClient, roomId)).filter(
        (e) => e.getSender() === hub.userId,
      );
      expect(fromHub).toHaveLength(51);
      const audit = await f.db
        .knex("audit_entries")
        .whereIn("transfer_id", ids)
        .where("action", "transfer.retried")
        .count({ n: "*" })
        .first();
      expect(Number((audit as { n: number | string }).n)).toBeGreaterThan(0);
      expect((await f.trail.verify()).ok).toBe(true);
    },
  );

  it("refuses a recipient unknown to the directory: clear error, nothing sent, audited", async () => {
    const before = await sheetEventsSeen(
      aliceClient,
      (await f.db.knex("transfer_rooms").first("room_id")).room_id as string,
    );
    const unknown = rppsOf(77);
    await expect(createTransfer(f.deps, { sheet, to: [unknown], actor: "cli:test" })).rejects.toMatchObject({
      code: "NOT_FOUND",
      message: "to[0]: recipient is not in the directory; nothing was sent",
    });
    const last = await f.db.knex("audit_entries").orderBy("seq", "desc").first();
    expect(last).toMatchObject({
      action: "transfer.failed",
      outcome: "failure",
      reason: "recipient.unknown",
      member_id: `rpps:${unknown}`,
    });
    await new Promise((r) => setTimeout(r, 1000));
    const after = await sheetEventsSeen(
      aliceClient,
      (await f.db.knex("transfer_rooms").first("room_id")).room_id as string,
    );
    expect(after.bySheet.size).toBe(before.bySheet.size);
    expect(await f.db.knex("transfers").where("state", "queued")).toEqual([]);
  });
});
