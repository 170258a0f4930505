import { readdir, stat, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import {
  ensureHubDirs,
  hubPaths,
  readSession,
  storageKey,
  writeSession,
  type HubPaths,
} from "../../../src/matrix/hub-secrets.ts";
import { tempDir } from "../../helpers/tmp.ts";

let tmp: { dir: string; cleanup: () => Promise<void> };
let p: HubPaths;
beforeEach(async () => {
  tmp = await tempDir();
  p = hubPaths(tmp.dir);
  await ensureHubDirs(p);
});
afterEach(() => tmp.cleanup());

describe("hub secrets in the data dir", () => {
  it("writes session.json atomically with mode 0600 and reads it back", async () => {
    const s = { userId: "@hub:x", deviceId: "DEV", accessToken: "tok" };
    expect(await readSession(p)).toBeUndefined();
    await writeSession(p, s);
    expect(await readSession(p)).toEqual(s);
    expect((await stat(p.session)).mode & 0o777).toBe(0o600);
    expect((await stat(p.dir)).mode & 0o777).toBe(0o700);
    expect((await readdir(p.dir)).filter((f) => f.endsWith(".tmp"))).toEqual([]);
  });

  it("rejects a malformed session without echoing its content", async () => {
    await writeFile(p.session, '{"userId":"@hub:x","accessToken":"secret-token"}');
    await expect(readSession(p)).rejects.toMatchObject({ code: "CONFIG_INVALID" });
    await expect(readSession(p)).rejects.not.toThrow(/secret-token/);
  });

  it("derives a stable 32-byte storage key from a 0600 secret", async () => {
    const k1 = await storageKey(p);
    const k2 = await storageKey(p);
    expect(k1).toHaveLength(32);
    expect(Buffer.from(k2).equals(Buffer.from(k1))).toBe(true);
    expect((await stat(p.storeSecret)).mode & 0o777).toBe(0o600);
  });
});
