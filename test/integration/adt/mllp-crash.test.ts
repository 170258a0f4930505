/**
 * 1 000 ADT messages on one MLLP connection to a listener in a child process, SIGKILLed after the
 * 500th ACK while the next message is in flight; restarted, the sender resends from its first
 * unacknowledged message. Every message ends acknowledged AA, stored exactly once, none lost;
 * the audit chain verifies.
 */
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import { createInterface } from "node:readline";
import { Hl7Message } from "@medplum/core";
import { Hl7Client } from "@medplum/hl7";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ackCode } from "../../../src/adt/index.ts";
import { adtMessage, insOf } from "../../helpers/adt.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { openFixture } from "../../helpers/transfers-fixture.ts";

const TOTAL = 1000;
const KILL_AFTER = 500;
let tmp: { dir: string; cleanup: () => Promise<void> };
const children: ChildProcess[] = [];

function startListener(): Promise<{ child: ChildProcess; port: number }> {
  const child = spawn(process.execPath, [path.join(import.meta.dirname, "mllp-child.ts")], {
    env: { ...process.env, T_DIR: tmp.dir },
    stdio: ["ignore", "pipe", "inherit"],
  });
  children.push(child);
  return new Promise((resolve, reject) => {
    createInterface({ input: child.stdout }).on("line", (l) => {
      const m = /"port":(\d+)/.exec(l);
      if (m !== null) resolve({ child, port: Number(m[1]) });
    });
    child.once("exit", (code) => {
      reject(new Error(`listener exited early (${String(code)})`));
    });
  });
}

const message = (i: number): Hl7Message =>
  Hl7Message.parse(
    adtMessage({
      trigger: i % 2 === 0 ? "A01" : "A03",
      controlId: `BULK${String(i).padStart(6, "0")}`,
      ins: insOf(i % 50),
      visit: `V${String(i).padStart(8, "0")}`,
    }),
  );

beforeAll(async () => {
  tmp = await tempDir("passerelle-adt-crash-");
  await (await openFixture(tmp.dir)).close(); // keys and schema made once, before the children
});
afterAll(async () => {
  for (const c of children) c.kill("SIGKILL");
  await tmp.cleanup();
});

describe("MLLP: 1 000 messages, a kill -9 midway", () => {
  it("all acknowledged AA, each stored exactly once, none lost", async () => {
    const acked = new Set<number>();
    let first = await startListener();
    let client = new Hl7Client({ host: "127.0.0.1", port: first.port });
    let next = 0;
    let killed = false;
    while (next < TOTAL) {
      if (next === KILL_AFTER && !killed) {
        killed = true;
        setTimeout(() => first.child.kill("SIGKILL"), 1);
      }
      try {
        const ack = ackCode(await client.sendAndWait(message(next), { timeoutMs: 3000 }));
        expect(ack.code).toBe("AA");
        acked.add(next);
        next++;
      } catch {
        // connection lost: restart the listener and resend from the first unacknowledged message
        await client.close().catch(() => undefined);
        first = await startListener();
        client = new Hl7Client({ host: "127.0.0.1", port: first.port });
      }
    }
    await client.close();
    expect(killed).toBe(true);
    expect(children.length).toBe(2);
    expect(acked.size).toBe(TOTAL);
    first.child.kill("SIGKILL");
    const f = await openFixture(tmp.dir);
    try {
      const rows = await f.db.knex<{ control_id: string }>("adt_messages").select("control_id");
      expect(rows.length).toBe(TOTAL);
      expect(new Set(rows.map((r) => r.control_id)).size).toBe(TOTAL);
      const accepted = await f.db
        .knex("audit_entries")
        .where({ action: "adt.accepted" })
        .count({ n: "*" })
        .first();
      expect(Number((accepted as { n: number | string }).n)).toBe(TOTAL);
      // the message in flight at the kill was either lost before its commit (resent, accepted) or
      // committed without its ACK (resent, acknowledged as a duplicate): at most one duplicate
      const dup = await f.db
        .knex("audit_entries")
        .where({ action: "adt.duplicate" })
        .count({ n: "*" })
        .first();
      expect(Number((dup as { n: number | string }).n)).toBeLessThanOrEqual(1);
      expect((await f.trail.verify()).ok).toBe(true);
    } finally {
      await f.close();
    }
  });
});
