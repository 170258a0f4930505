/**
 * Evidence rules on sqlite with a recording transport: the sheet echo overtaking `sent`, durable
 * deduplication of acknowledgements (recipients and strangers), room refusals failing at once
 * while a lagging local view is retried, and which rooms a restart replays.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { fixedClock, PasserelleError } from "../../../../src/core/index.ts";
import type { PostingSheet, PreparedSheet } from "../../../../src/matrix/index.ts";
import {
  createTransfer,
  evidenceCatchUp,
  OutboxWorker,
  recordAcknowledgement,
  transferStatus,
} from "../../../../src/transfers/index.ts";
import { reasonOf } from "../../../../src/transfers/outbox/index.ts";
import { recordEcho } from "../../../../src/transfers/evidence/echo.ts";
import { exampleSheet } from "../../../helpers/sheets.ts";
import { tempDir } from "../../../helpers/tmp.ts";
import { auditOf } from "../../../helpers/audit-rows.ts";
import { addRecipients, openFixture, type TransferFixture } from "../../../helpers/transfers-fixture.ts";
import { RecordingTransport } from "../../../helpers/recording-transport.ts";

const clock = fixedClock("2026-03-02T08:00:00Z");
const HUB = "@passerelle:test";
let tmp: { dir: string; cleanup: () => Promise<void> };
let f: TransferFixture;
let rpps: string[];
const sheet = exampleSheet("discharge");

beforeAll(async () => {
  tmp = await tempDir("passerelle-evidence-unit-");
  f = await openFixture(tmp.dir, { clock });
  rpps = await addRecipients(f, ["@alice:test", "@bob:test", "@carol:test"]);
}, 60_000);
afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});

const send = (to: string[]) => createTransfer(f.deps, { sheet, to, actor: "cli:test" });
/** With `echoFirst`, the homeserver's echo reaches the hub's sync before its answer to the send. */
class EchoTransport extends RecordingTransport {
  echoFirst = false;
  override postSheet(p: PreparedSheet): PostingSheet {
    const posting = super.postSheet(p);
    const sent = posting.sent.then(async (s) => {
      if (this.echoFirst)
        expect(await recordEcho(f.deps, s.eventId, HUB, clock.now(), p.roomId)).toBe("ignored");
      return s;
    });
    return { queued: posting.queued, sent };
  }
}

// One transport for the file: it numbers its rooms, and room ids are unique in the database.
const transport = new EchoTransport();
const worker = (t: RecordingTransport = transport) =>
  new OutboxWorker(f.deps, t, { maxAttempts: 5, backoffBaseMs: 1000, backoffMaxMs: 4000 });

describe("delivered (the hub's own sheet echo)", () => {
  it("an echo that overtakes `sent` still moves the transfer to delivered, audited once", async () => {
    const c = await send([rpps[0]!]);
    transport.echoFirst = true;
    expect(await worker().runOnce()).toBe(1);
    transport.echoFirst = false;
    const { transfer, events } = await transferStatus(f.db.knex, c.transferId);
    expect(transfer.state).toBe("delivered");
    expect(events.map((e) => e.step)).toEqual(["created", "queued", "sent", "delivered"]);
    expect(events.at(-1)?.matrixEventId).toBe(transfer.sheetEventId);
    expect(await recordEcho(f.deps, transfer.sheetEventId!, HUB, clock.now(), transfer.roomId)).toBe(
      "duplicate",
    );
    const delivered = (await auditOf(f.db, c.transferId)).filter((r) => r.action === "transfer.delivered");
    expect(delivered).toEqual([expect.objectContaining({ event_id: transfer.sheetEventId })]);
  });

  it("an echo after `sent` is recorded, and its replay is a duplicate", async () => {
    const c = await send([rpps[1]!]);
    await worker().runOnce();
    const { transfer, events } = await transferStatus(f.db.knex, c.transferId);
    expect(transfer.state, JSON.stringify(events)).toBe("sent");
    expect(await recordEcho(f.deps, transfer.sheetEventId!, HUB, clock.now(), transfer.roomId)).toBe(
      "recorded",
    );
    expect(await recordEcho(f.deps, transfer.sheetEventId!, HUB, clock.now(), transfer.roomId)).toBe(
      "duplicate",
    );
    expect((await transferStatus(f.db.knex, c.transferId)).transfer.state).toBe("delivered");
  });
});

describe("acknowledgements are recorded and audited once, durably", () => {
  it("the same reaction replayed is a duplicate; a stranger's is audited once as not_recipient", async () => {
    const c = await send([rpps[2]!]);
    await worker().runOnce();
    const { transfer } = await transferStatus(f.db.knex, c.transferId);
    const at = clock.now();
    const ack = (user: string, reaction: string) =>
      recordAcknowledgement(f.deps, { eventId: transfer.sheetEventId! }, user, at, reaction);
    expect(await ack("@carol:test", "$reaction1")).toBe("recorded");
    expect(await ack("@carol:test", "$reaction1")).toBe("duplicate");
    expect(await ack("@carol:test", "$reaction2")).toBe("duplicate"); // a second ✅: already acknowledged
    expect(await ack("@mallory:test", "$reaction3")).toBe("ignored");
    expect(await ack("@mallory:test", "$reaction3")).toBe("duplicate");
    const audit = (await auditOf(f.db, c.transferId)).filter((r) => r.action === "transfer.acknowledged");
    expect(audit).toEqual([
      expect.objectContaining({ outcome: "success", event_id: "$reaction1" }),
      expect.objectContaining({ outcome: "failure", reason: "not_recipient", event_id: "$reaction3" }),
    ]);
    expect((await transferStatus(f.db.knex, c.transferId)).transfer.state).toBe("acknowledged");
    // Acknowledged by its only recipient: no longer replayed after a restart.
    expect((await evidenceCatchUp(f.deps)).map((r) => r.roomId)).not.toContain(transfer.roomId);
  });

  it("rooms with a recipient's acknowledgement still awaited are replayed from their oldest send", async () => {
    const rooms = await evidenceCatchUp(f.deps);
    const sentAt = Date.parse(clock.now().toISOString());
    expect(rooms.length).toBeGreaterThan(0);
    for (const r of rooms) expect(r.since).toBeLessThanOrEqual(sentAt - 10 * 60_000);
  });
});

describe("room refusals", () => {
  const refusal = (rule: string) =>
    new PasserelleError("FORBIDDEN", "refused to send into !x:test", {
      issues: [{ path: "room", rule, message: { en: rule, fr: rule } }],
    });

  it("a FORBIDDEN room fails at once with its rule as reason; an UNAVAILABLE one is retried", async () => {
    expect(reasonOf(refusal("room.stranger"))).toBe("room.stranger");
    expect(reasonOf(new PasserelleError("UNAVAILABLE", "not yet"))).toBe("matrix.unavailable");

    const refused = await send([rpps[0]!, rpps[1]!]);
    const t = transport;
    t.failNext = 1;
    t.error = refusal("room.unencrypted");
    await worker(t).runOnce();
    const s = await transferStatus(f.db.knex, refused.transferId);
    expect(s.transfer).toMatchObject({ state: "failed", attempts: 1, lastReason: "room.unencrypted" });
    expect((await auditOf(f.db, refused.transferId)).at(-1)).toMatchObject({
      action: "transfer.failed",
      outcome: "failure",
      reason: "room.unencrypted",
    });

    const lagging = await send([rpps[0]!]); // its room exists already (first test)
    t.failNext = 1;
    t.error = new PasserelleError("UNAVAILABLE", "local client has not seen the room's encryption yet");
    await worker(t).runOnce();
    expect((await transferStatus(f.db.knex, lagging.transferId)).transfer).toMatchObject({
      state: "queued",
      attempts: 1,
      lastReason: "matrix.unavailable",
    });
  });
});
