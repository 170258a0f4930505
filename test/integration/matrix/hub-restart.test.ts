/**
 * `openHub` across process restarts (kill -9): the second start reuses session.json and the store
 * (no login, same device, same cross-signing identity); a rejected token leads to a login with the
 * same device id. The server's device list proves that no other device was created.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { createInterface } from "node:readline";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hubPaths, type HubSession, type HubStart, type RegisteredUser } from "../../../src/matrix/index.ts";
import { tempDir, waitFor } from "../../helpers/tmp.ts";
import { startTestHomeserver, type TestHomeserver } from "../synapse/harness.ts";

interface Started {
  start: HubStart;
  deviceId: string;
  masterKeyId: string;
}
let server: TestHomeserver;
let data: { dir: string; cleanup: () => Promise<void> };
let hubUser: RegisteredUser;
const children: ChildProcess[] = [];

/** Starts the hub in a child process, waits for its first line, then kills it with SIGKILL. */
async function runHubOnce(): Promise<Started> {
  const child = spawn(
    process.execPath,
    [path.join(import.meta.dirname, "..", "synapse", "hub-session-process.ts")],
    {
      env: {
        ...process.env,
        HUB_BASE_URL: server.hs.baseUrl,
        HUB_USER: hubUser.userId,
        HUB_PASSWORD: hubUser.password,
        HUB_DATA_DIR: data.dir,
      },
      stdio: ["ignore", "pipe", "inherit"],
    },
  );
  children.push(child);
  const lines: Started[] = [];
  createInterface({ input: child.stdout }).on("line", (l) => lines.push(JSON.parse(l) as Started));
  const started = await waitFor("hub started", () => lines[0], 60_000);
  await new Promise<void>((resolve) => {
    child.once("exit", () => {
      resolve();
    });
    child.kill("SIGKILL");
  });
  return started;
}

async function devices(): Promise<string[]> {
  const res = await fetch(`${server.hs.baseUrl}/_matrix/client/v3/devices`, {
    headers: { authorization: `Bearer ${hubUser.accessToken}` },
  });
  const body = (await res.json()) as { devices: { device_id: string }[] };
  return body.devices.map((d) => d.device_id).filter((d) => d !== hubUser.deviceId);
}

beforeAll(async () => {
  server = await startTestHomeserver();
  data = await tempDir("passerelle-hub-restart-");
  hubUser = await server.user("passerelle");
});

afterAll(async () => {
  for (const c of children) if (c.exitCode === null && c.signalCode === null) c.kill("SIGKILL");
  await server.close();
  await data.cleanup();
});

describe("hub session across restarts", () => {
  it("reuses its session and store after kill -9: no new login, same device, same cross-signing identity", async () => {
    const first = await runHubOnce();
    expect(first.start).toBe("login");
    const session1 = await readFile(hubPaths(data.dir).session, "utf8");

    const second = await runHubOnce();
    expect(second).toEqual({ ...first, start: "resumed" });
    expect(await readFile(hubPaths(data.dir).session, "utf8")).toBe(session1);
    expect(await devices()).toEqual([first.deviceId]);
  });

  it("logs in again with the same device id when the saved token is rejected", async () => {
    const file = hubPaths(data.dir).session;
    const saved = JSON.parse(await readFile(file, "utf8")) as HubSession;
    await writeFile(file, JSON.stringify({ ...saved, accessToken: "syt_revoked_token" }), { mode: 0o600 });

    const third = await runHubOnce();
    expect(third.start).toBe("relogin");
    expect(third.deviceId).toBe(saved.deviceId);
    const after = JSON.parse(await readFile(file, "utf8")) as HubSession;
    expect(after.deviceId).toBe(saved.deviceId);
    expect(after.accessToken).not.toBe("syt_revoked_token");
    // Identity unchanged, and still one hub device on the server.
    const fourth = await runHubOnce();
    expect(fourth).toEqual({ ...third, start: "resumed" });
    expect(await devices()).toEqual([saved.deviceId]);
  });
});
