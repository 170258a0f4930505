/**
 * Re-sends and unproven acknowledgements on sqlite with a recording transport: `!renvoyer` from a
 * recipient queues one re-send per request event (a replay queues nothing), a stranger is refused
 * and audited, the worker sends the stored PDF (same bytes) as a reply to the original with its
 * own transaction id, retried after a failure; an acknowledgement sent in clear is recorded once
 * as a weak signal and answered once.
 */
import { createHash } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock } from "../../../../src/core/index.ts";
import {
  createTransfer,
  handleRoomCommand,
  OutboxWorker,
  recordAcknowledgement,
  TransferRepository,
  transferStatus,
} from "../../../../src/transfers/index.ts";
import { recordUnprovenAck } from "../../../../src/transfers/evidence/unproven-ack.ts";
import { exampleSheet } from "../../../helpers/sheets.ts";
import { tempDir } from "../../../helpers/tmp.ts";
import { auditOf } from "../../../helpers/audit-rows.ts";
import { addRecipients, openFixture, type TransferFixture } from "../../../helpers/transfers-fixture.ts";
import { RecordingTransport } from "../../../helpers/recording-transport.ts";

const clock = fixedClock("2026-03-02T08:00:00Z");
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let rpps: string[];
const transport = new RecordingTransport();
const worker = () =>
  new OutboxWorker(f.deps, transport, { maxAttempts: 5, backoffBaseMs: 0, backoffMaxMs: 0 });

beforeAll(async () => {
  tmp = await tempDir("passerelle-resend-unit-");
  f = await openFixture(tmp.dir, { clock });
  rpps = await addRecipients(f, ["@alice:test"]);
}, 60_000);
afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});

async function sentTransfer() {
  const c = await createTransfer(f.deps, { sheet: exampleSheet("discharge"), to: rpps, actor: "cli:test" });
  expect(await worker().runOnce()).toBe(1);
  const { transfer } = await transferStatus(f.db.knex, c.transferId);
  return { c, roomId: transfer.roomId!, sheetEventId: transfer.sheetEventId! };
}

describe("!renvoyer", () => {
  it("queues one re-send per request, sends the stored PDF as a reply to the original, retried after a failure", async () => {
    const { c, roomId, sheetEventId } = await sentTransfer();
    const ask = () =>
      handleRoomCommand(f.deps, transport, roomId, "@alice:test", "!renvoyer", "$ask1", sheetEventId);
    expect(await ask()).toMatchObject({
      kind: "resend",
      outcome: { kind: "queued", transferId: c.transferId },
    });
    expect(await ask()).toEqual({ kind: "resend", outcome: { kind: "duplicate" } });
    transport.failNext = 1;
    expect(await worker().runOnce()).toBe(1); // fails, retried with backoff 0
    expect(await worker().runOnce()).toBe(1);
    const resend = transport.sends.at(-1)!.sheet;
    expect(resend.resend).toEqual({ resendId: expect.any(String) as string, originalEventId: sheetEventId });
    expect(resend.caption.body.startsWith("Renvoi : ")).toBe(true);
    const stored = await new TransferRepository(f.db.knex).payload(c.transferId);
    expect(Buffer.from(resend.pdf).equals(stored!.pdf)).toBe(true);
    expect(createHash("sha256").update(resend.pdf).digest("hex")).toBe(c.pdfSha256);
    expect(await worker().runOnce()).toBe(0); // nothing more queued
    const { events } = await transferStatus(f.db.knex, c.transferId);
    expect(events.map((e) => e.step)).toEqual(["created", "queued", "sent", "resend_requested", "resent"]);
    const audit = await auditOf(f.db, c.transferId);
    expect(audit.filter((r) => r.action === "transfer.resent")).toEqual([
      expect.objectContaining({ outcome: "success", member_id: `rpps:${rpps[0]!}` }),
    ]);
    // A bare request names the room's latest sheet.
    const bare = await handleRoomCommand(f.deps, transport, roomId, "@alice:test", "!renvoyer", "$ask2");
    expect(bare).toMatchObject({ outcome: { kind: "queued", transferId: c.transferId } });
    expect(await worker().runOnce()).toBe(1);
  });

  it("refuses a stranger, audited once, with a reply that names nothing", async () => {
    // A reply to the sheet: with the fixed clock every sheet of the room was sent at the same instant.
    const { c, roomId, sheetEventId } = await sentTransfer();
    const ask = () =>
      handleRoomCommand(f.deps, transport, roomId, "@mallory:test", "!renvoyer", "$evil", sheetEventId);
    expect(await ask()).toEqual({ kind: "resend", outcome: { kind: "refused", code: "not_recipient" } });
    expect(await ask()).toEqual({ kind: "resend", outcome: { kind: "duplicate" } });
    const reply = [...transport.notices.values()].find((n) => n.notice.replyTo === "$evil");
    expect(reply?.notice.bodyFr).toMatch(/^Renvoi refusé/);
    expect(reply?.notice.sheetEventId).toBeUndefined();
    expect(reply?.expected).toContain("@mallory:test");
    const refused = (await auditOf(f.db, c.transferId)).filter(
      (r) => r.action === "transfer.resend_requested",
    );
    expect(refused).toEqual([
      expect.objectContaining({ outcome: "failure", reason: "not_recipient", event_id: "$evil" }),
    ]);
    expect(await f.db.knex("transfer_resends").where("requested_by", "@mallory:test")).toEqual([]);
  });
});

describe("acknowledgements and their device", () => {
  it("a clear ✅ is a weak signal recorded and answered once; an encrypted !ack records its device", async () => {
    const { c, sheetEventId } = await sentTransfer();
    const weak = () =>
      recordUnprovenAck(
        f.deps,
        sheetEventId,
        "@alice:test",
        clock.now(),
        "$clear",
        "unencrypted",
        "reaction",
        Promise.resolve(transport),
      );
    expect(await weak()).toBe("recorded");
    expect(await weak()).toBe("duplicate");
    const answers = [...transport.notices.values()].filter((n) => n.notice.sheetEventId === sheetEventId);
    expect(answers).toHaveLength(1);
    expect(answers[0]!.notice.bodyFr).toContain("répondez !ack");
    expect((await transferStatus(f.db.knex, c.transferId)).transfer.state).toBe("sent");
    expect(
      await recordAcknowledgement(
        f.deps,
        { eventId: sheetEventId },
        "@alice:test",
        clock.now(),
        "$ack",
        "DEVICEAB",
      ),
    ).toBe("recorded");
    const s = await transferStatus(f.db.knex, c.transferId);
    expect(s.transfer.state).toBe("acknowledged");
    expect(s.recipients[0]?.acknowledgedDeviceId).toBe("DEVICEAB");
    expect(s.events.find((e) => e.step === "acknowledged")?.deviceId).toBe("DEVICEAB");
    const audit = await auditOf(f.db, c.transferId);
    expect(audit.find((r) => r.action === "transfer.acknowledged")?.device_id).toBe("DEVICEAB");
    expect(audit.find((r) => r.action === "transfer.ack_unproven")).toMatchObject({
      reason: "unencrypted",
      event_id: "$clear",
    });
    expect((await f.trail.verify()).ok).toBe(true);
  });
});
