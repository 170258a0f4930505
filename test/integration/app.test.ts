/**
 * The assembled service on its embedded default (local Synapse, demo CPTS, dev signer), in-process:
 * a transfer created through the service function is sent by the outbox worker, and a clean stop
 * leaves an audit chain that verifies.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { App } from "../../src/app.ts";
import { start } from "../../src/app.ts";
import { runCli } from "../../src/cli/index.ts";
import { captureIo } from "../helpers/io.ts";
import { DEMO_MEMBERS } from "../../src/demo/cpts.ts";
import { exampleSheet } from "../helpers/sheets.ts";
import { testConfig } from "../helpers/config.ts";
import { tempDir, waitFor } from "../helpers/tmp.ts";

let dir: string;
let cleanup: () => Promise<void>;
let app: App | undefined;
/** The service's clock: the system's, plus an offset the overdue test moves forward. */
let offsetMs = 0;
const clock = { now: () => new Date(Date.now() + offsetMs) };
beforeAll(async () => ({ dir, cleanup } = await tempDir("passerelle-app-")));
afterAll(async () => {
  await app?.stop();
  await cleanup();
});

const gp = DEMO_MEMBERS.find((m) => m.localpart === "dr.martin")!;
const nurse = DEMO_MEMBERS.find((m) => m.localpart === "ide.bernard")!;

async function sendAndWait(a: App): Promise<string> {
  const created = await a.createTransfer({
    sheet: exampleSheet("discharge"),
    to: [gp.rpps, nurse.rpps],
    actor: "cli:test",
  });
  await waitFor(
    "the transfer to be sent (the homeserver accepted the sheet event)",
    async () => {
      const s = await a.transferStatus(created.transferId);
      return s.transfer.state === "queued" ? undefined : s;
    },
    60_000,
    200,
  );
  return created.transferId;
}

describe("start(config) on the embedded default", () => {
  it("starts Synapse with the demo CPTS and sends a discharge letter to the GP and the nurse", async () => {
    app = await start(testConfig(dir), { clock });
    expect(app.hubUserId).toBe("@passerelle:localhost");
    expect(app.demoAccounts.map((a) => a.userId)).toContain("@dr.martin:localhost");
    const id = await sendAndWait(app);
    const s = await app.transferStatus(id);
    expect(["sent", "delivered"]).toContain(s.transfer.state);
    expect(s.events.map((e) => e.step)).toEqual(expect.arrayContaining(["created", "queued", "sent"]));
    expect(s.transfer.sheetEventId).toMatch(/^\$/);
    expect(s.recipients).toHaveLength(2);
  });

  it("serves the HTTP API: a CLI-issued token creates a transfer that reaches sent, then shows as overdue", async () => {
    const a = app!;
    const issue = async (role: string, rpps: string): Promise<string> => {
      const io = captureIo(dir, { PASSERELLE_DATA_DIR: dir });
      expect(
        await runCli(["token", "issue", "--role", role, "--rpps", rpps, "--ttl", "2d"], io),
        io.text(),
      ).toBe(0);
      return io.stdout.join("").trim();
    };
    const berard = DEMO_MEMBERS.find((m) => m.localpart === "dr.berard")!;
    const coord = DEMO_MEMBERS.find((m) => m.localpart === "coord.morel")!;
    const sender = await issue("sender", berard.rpps);
    const headers = { authorization: `Bearer ${sender}`, "content-type": "application/json" };
    const res = await fetch(`${a.httpUrl}/api/v1/transfers`, {
      method: "POST",
      headers,
      body: JSON.stringify({ sheet: exampleSheet("discharge"), to: [gp.rpps] }),
    });
    expect(res.status).toBe(201);
    const { id } = (await res.json()) as { id: string };
    const state = await waitFor(
      "the HTTP-created transfer to be sent",
      async () => {
        const r = await fetch(`${a.httpUrl}/api/v1/transfers/${id}`, { headers });
        const t = (await r.json()) as { state: string };
        return t.state === "queued" ? undefined : t.state;
      },
      60_000,
      200,
    );
    expect(["sent", "delivered"]).toContain(state);
    offsetMs = 25 * 3_600_000; // a discharge letter is overdue after 24 h without acknowledgement
    const coordinator = { authorization: `Bearer ${await issue("coordinator", coord.rpps)}` };
    const overdue = await fetch(`${a.httpUrl}/api/v1/transfers?overdue=true`, { headers: coordinator });
    const items = ((await overdue.json()) as { items: { id: string; overdue: boolean }[] }).items;
    expect(items.map((t) => t.id)).toContain(id);
    const stats = (await (await fetch(`${a.httpUrl}/api/v1/stats`, { headers: coordinator })).json()) as {
      overdue: { total: number };
    };
    expect(stats.overdue.total).toBeGreaterThanOrEqual(1);
    const metrics = await (await fetch(`${a.httpUrl}/api/v1/metrics`)).text();
    expect(metrics).toMatch(/passerelle_delivery_latency_seconds_count [1-9]/);
  });

  it("stops cleanly: the audit chain of the run verifies (restart safety is tested in child processes)", async () => {
    const url = app!.httpUrl;
    await app!.stop();
    app = undefined;
    await expect(fetch(`${url}/api/v1/health`)).rejects.toThrow();
    const io = captureIo(dir, { PASSERELLE_DATA_DIR: dir });
    expect(await runCli(["audit", "verify", "--json"], io), io.text()).toBe(0);
    const report = JSON.parse(io.stdout.join("\n"));
    expect(report.ok).toBe(true);
  });
});
