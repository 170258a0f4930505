/**
 * The transfer CLI contract against a real Synapse, run as a user would (`node src/main.ts`, as
 * bin/passerelle does, in a subprocess), on sqlite and PostgreSQL: `certs init`, `directory
 * add-member`, `transfer send DATA.json --to R --wait delivered|sent` (the hub's session and the
 * outbox worker in the CLI process) and `transfer status ID [--json]`, plus its refusals.
 */
import { spawn } from "node:child_process";
import path from "node:path";
import type { MatrixClient } from "matrix-js-sdk";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { RegisteredUser } from "../../../src/matrix/index.ts";
import type { TransferStatus } from "../../../src/transfers/index.ts";
import { exampleSheet, examplePath } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { engines, envFor } from "../postgres.ts";
import { startTestHomeserver, waitForEvent, type TestHomeserver } from "../synapse/harness.ts";
import { rppsOf } from "../../helpers/transfers-fixture.ts";
import { autoJoin } from "../../helpers/matrix-recipient.ts";

const MAIN = path.resolve(import.meta.dirname, "../../../src/main.ts");
const PASSPHRASE = "cli-test-passphrase";
let server: TestHomeserver;
let tmp: { dir: string; cleanup: () => Promise<void> };
let alice: RegisteredUser;
let aliceClient: MatrixClient;

/** Runs the CLI in a subprocess; resolves with its exit status and output lines. */
function cli(
  args: readonly string[],
  env: Record<string, string>,
  cwd: string,
): Promise<{ code: number; out: string[]; err: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ["--disable-warning=ExperimentalWarning", MAIN, ...args], {
      cwd,
      env: { ...process.env, ...env },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let out = "";
    let err = "";
    child.stdout.on("data", (d: Buffer) => (out += d.toString("utf8")));
    child.stderr.on("data", (d: Buffer) => (err += d.toString("utf8")));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`passerelle ${args.slice(0, 2).join(" ")} still running after 150 s: ${err}`));
    }, 150_000);
    child.once("exit", (code) => {
      clearTimeout(timer);
      const lines = (s: string) => s.split("\n").filter((l) => l !== "");
      resolve({ code: code ?? -1, out: lines(out), err: lines(err) });
    });
  });
}

beforeAll(async () => {
  server = await startTestHomeserver();
  tmp = await tempDir("passerelle-transfer-cli-");
  alice = await server.user("alice");
  aliceClient = await server.client(alice);
  autoJoin(aliceClient);
});

afterAll(async () => {
  await server.close();
  await tmp.cleanup();
});

describe.each(engines())("bin/passerelle transfer on $name", (engine) => {
  let dir: string;
  let env: Record<string, string>;
  const rpps = rppsOf(1);
  const run = (...args: string[]) => cli(args, env, dir);

  beforeAll(async () => {
    await engine.setup();
    dir = path.join(tmp.dir, engine.name);
    const hubUser = await server.user(`passerelle-${engine.name}`);
    env = {
      ...envFor(await engine.fresh(), path.join(dir, "data")),
      PASSERELLE_HOMESERVER_URL: server.hs.baseUrl,
      PASSERELLE_MATRIX_USER_ID: hubUser.userId,
      PASSERELLE_MATRIX_PASSWORD: hubUser.password,
      PASSERELLE_SIGNER_P12: path.join(dir, "pki", "signer.p12"),
      PASSERELLE_SIGNER_PASSPHRASE: PASSPHRASE,
    };
    await import("node:fs/promises").then((fs) => fs.mkdir(dir, { recursive: true }));
    const init = await run("certs", "init", "--out", "pki", "--passphrase", PASSPHRASE);
    expect(init.code, init.err.join("\n")).toBe(0);
    const added = await run(
      ...["directory", "add-member", "--rpps", rpps, "--matrix-id", alice.userId],
      ...["--profession", "10", "--name", "Docteur Alice Test", "--role", "recipient"],
    );
    expect(added.code, added.err.join("\n")).toBe(0);
  });

  afterAll(() => engine.teardown());

  it("transfer send --wait delivered prints the id and exits 0 once the echo is seen; status shows each step with its event id", async () => {
    const sent = await run("transfer", "send", examplePath("discharge"), "--to", rpps, "--wait", "delivered");
    expect(sent.code, sent.err.join("\n")).toBe(0);
    const id = sent.out[0]!;
    expect(id).toMatch(/^[A-Za-z0-9._-]{1,64}$/);

    const json = await run("transfer", "status", id, "--json");
    expect(json.code, json.err.join("\n")).toBe(0);
    const s = JSON.parse(json.out.join("\n")) as TransferStatus;
    expect(s.transfer).toMatchObject({ id, state: "delivered", form: "discharge@1" });
    expect(s.transfer.reference).toMatch(/^LDL-[0-9A-Z]{4}-[0-9A-Z]{3}$/);
    expect(sent.err).toContain(`reference ${s.transfer.reference}`);
    const sheetEvent = s.transfer.sheetEventId!;
    expect(s.events.map((e) => e.step)).toEqual(["created", "queued", "sent", "delivered"]);
    expect(s.events.filter((e) => e.step === "sent" || e.step === "delivered")).toEqual([
      expect.objectContaining({ step: "sent", matrixEventId: sheetEvent }),
      expect.objectContaining({ step: "delivered", matrixEventId: sheetEvent }),
    ]);
    // The recipient has it, encrypted.
    const ev = await waitForEvent(
      aliceClient,
      s.transfer.roomId!,
      "m.room.message",
      30_000,
      (e) => e.getId() === sheetEvent,
    );
    expect(ev.isEncrypted()).toBe(true);

    const text = await run("transfer", "status", id);
    expect(text.code).toBe(0);
    expect(text.out[0]).toBe(
      `transfer ${s.transfer.reference} (${id}): delivered (Lettre de liaison de sortie, discharge@1, sheet ${s.transfer.sheetId})`,
    );
    expect(text.out.find((l) => /\bdelivered\b/.test(l) && l.includes(sheetEvent))).toBeDefined();
    // No patient data on the terminal.
    const patient = exampleSheet("discharge").data.patient!;
    for (const v of [patient.ins, patient.lastName, patient.birthDate])
      if (typeof v === "string") expect([...sent.out, ...sent.err, ...text.out].join("\n")).not.toContain(v);
  });

  it("transfer send --wait sent reuses the hub's session and exits 0 once sent", async () => {
    const sent = await run("transfer", "send", examplePath("discharge"), "--to", rpps, "--wait", "sent");
    expect(sent.code, sent.err.join("\n")).toBe(0);
    const s = JSON.parse(
      (await run("transfer", "status", sent.out[0]!, "--json")).out.join("\n"),
    ) as TransferStatus;
    expect(["sent", "delivered"]).toContain(s.transfer.state);
    expect(s.transfer.sheetEventId).toMatch(/^\$/);
  });

  it("refuses bad input with a clear message and a non-zero exit", async () => {
    const badWait = await run("transfer", "send", examplePath("discharge"), "--to", rpps, "--wait", "read");
    expect(badWait.code).toBe(2);
    expect(badWait.err.join("\n")).toContain("--wait must be sent or delivered");
    const unknown = await run("transfer", "send", examplePath("discharge"), "--to", rppsOf(77));
    expect(unknown.code).toBe(1);
    expect(unknown.err.join("\n")).toContain("to[0]: recipient is not in the directory; nothing was sent");
    const missing = await run("transfer", "status", "no-such-transfer");
    expect(missing.code).toBe(1);
    expect(missing.err.join("\n")).toContain("NOT_FOUND");
  });
});
