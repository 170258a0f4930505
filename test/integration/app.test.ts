/**
 * The assembled service on its embedded default (local Synapse, demo CPTS, dev signer), in-process:
 * a transfer created through the service function is sent by the outbox worker, and a clean stop
 * leaves an audit chain that verifies.
 */
import { Hl7Message } from "@medplum/core";
import { Hl7Client } from "@medplum/hl7";
import { ackCode } from "../../src/adt/index.ts";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { adtMessage, PATIENT } from "../helpers/adt.ts";
import { n1Document } from "../helpers/cda-hospital.ts";
import { ANS, join, mapCda, production, setField, split } from "../helpers/hl7-documents.ts";
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
    app = await start(testConfig(dir, { PASSERELLE_MLLP_PORT: "0" }), { clock });
    expect(app.hubUserId).toBe("@passerelle:localhost");
    expect(app.demoAccounts.map((a) => a.userId)).toContain("@dr.martin:localhost");
    const id = await sendAndWait(app);
    const s = await app.transferStatus(id);
    expect(["sent", "delivered"]).toContain(s.transfer.state);
    expect(s.events.map((e) => e.step)).toEqual(expect.arrayContaining(["created", "queued", "sent"]));
    expect(s.transfer.sheetEventId).toMatch(/^\$/);
    expect(s.recipients).toHaveLength(2);
  });

  it("the ADT feed on PASSERELLE_MLLP_PORT: an A01 for the GP's patient is AA and becomes a notice; JSON over HTTP too", async () => {
    const a = app!;
    const io = captureIo(dir, { PASSERELLE_DATA_DIR: dir });
    expect(await runCli(["circle", "add", "--ins", PATIENT.ins, "--rpps", gp.rpps], io), io.text()).toBe(0);
    const client = new Hl7Client({ host: "127.0.0.1", port: a.mllpPort! });
    const ack = await client.sendAndWait(
      Hl7Message.parse(adtMessage({ trigger: "A01", controlId: "APP-1" })),
      {
        timeoutMs: 10_000,
      },
    );
    await client.close();
    expect(ackCode(ack).code).toBe("AA");
    const notice = await waitFor(
      "the admission notice sent",
      async () => {
        const s = await a.transferStatus("adt-1-notice").catch(() => undefined);
        return s?.transfer.state === "queued" ? undefined : s;
      },
      60_000,
      200,
    );
    expect(notice.transfer.form).toBe("admission-notice@1");
    expect(notice.recipients.map((r) => r.memberRef)).toEqual([`rpps:${gp.rpps}`]);
    const json = {
      trigger: "A03",
      controlId: "APP-JSON-1",
      sender: "SIH_VALMONT/CH VALMONT",
      occurredAt: "2026-03-09T11:30:00+01:00",
      patient: { ins: PATIENT.ins, lastName: "MARCHAL", firstNames: "Odette Marie", birthDate: "1948-03-12" },
      stay: {
        facility: "699990016",
        visit: "2026000123",
        unit: "3B",
        dischargedAt: "2026-03-09T11:30:00+01:00",
      },
    };
    // The same event as JSON over HTTP, from the hospital's service account (a CLI-issued token).
    const tio = captureIo(dir, { PASSERELLE_DATA_DIR: dir });
    expect(await runCli(["token", "issue", "--role", "sender"], tio), tio.text()).toBe(0);
    const post = (body: unknown) =>
      fetch(`${a.httpUrl}/api/v1/adt/events`, {
        method: "POST",
        headers: {
          authorization: `Bearer ${tio.stdout.join("").trim()}`,
          "content-type": "application/json",
        },
        body: JSON.stringify(body),
      });
    const accepted = await post(json);
    expect(accepted.status).toBe(202);
    const { outcome, messageId } = (await accepted.json()) as { outcome: string; messageId: number };
    expect(outcome).toBe("accepted");
    expect(await (await post(json)).json()).toMatchObject({ outcome: "duplicate", messageId });
    const bad = await post({ ...json, patient: { ...json.patient, ins: "248037511204722" } });
    expect(bad.status).toBe(422);
    expect(((await bad.json()) as { errors: { path: string }[] }).errors.map((e) => e.path)).toEqual([
      "patient.ins",
    ]);
    const discharge = await waitFor(
      "the discharge notice of the JSON A03",
      () => a.transferStatus(`adt-${String(messageId)}-notice`).catch(() => undefined),
      30_000,
      200,
    );
    expect(discharge.transfer.form).toBe("discharge-notice@1");
    expect(await a.receiveAdt({ ...json, controlId: "APP-JSON-2" }, "api:test")).toMatchObject({
      outcome: "accepted",
    });
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

  it("the same MLLP port takes the hospital's MDM^T02 into the documents service; `document send` of the same CDA answers with that transfer", async () => {
    const a = app!;
    const cda = n1Document({ ins: PATIENT.ins });
    const mdm = join(
      mapCda(split(production(ANS.mdmT02)), () => cda).map((seg) =>
        seg[0] === "PID"
          ? setField(seg, 3, `${PATIENT.ins}^^^ASIP-SANTE-INS-NIR&1.2.250.1.213.1.4.8&ISO^INS`)
          : seg[0] === "TXA"
            ? setField(seg, 12, "CR-1^^1.2.250.1.999.1.2.3^ISO")
            : seg[0] === "MSH"
              ? setField(seg, 10, "APP-MDM-1")
              : seg,
      ),
    );
    const client = new Hl7Client({ host: "127.0.0.1", port: a.mllpPort! });
    const ack = await client.sendAndWait(Hl7Message.parse(mdm), { timeoutMs: 30_000 });
    await client.close();
    expect(ackCode(ack).code).toBe("AA");
    const file = path.join(dir, "cda-n1.xml");
    await writeFile(file, cda);
    const io = captureIo(dir, { PASSERELLE_DATA_DIR: dir });
    expect(await runCli(["document", "send", file, "--json"], io), io.text()).toBe(0);
    const r = JSON.parse(io.stdout.join("")) as {
      duplicate: boolean;
      transferId: string;
      routing: unknown[];
    };
    expect(r).toMatchObject({ duplicate: true, routing: [{ rpps: gp.rpps, source: "circle" }] });
    const sent = await waitFor(
      "the document's transfer sent",
      async () => {
        const s = await a.transferStatus(r.transferId);
        return s.transfer.state === "queued" ? undefined : s;
      },
      60_000,
      200,
    );
    expect(sent.transfer.kind).toBe("document");
    expect(sent.recipients.map((x) => x.memberRef)).toEqual([`rpps:${gp.rpps}`]);
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
