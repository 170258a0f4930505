import { existsSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/index.ts";
import { captureIo } from "../../helpers/io.ts";
import { exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";

const PASS = "test-passphrase";
let dir: string;
let cleanup: () => Promise<void>;
const env = { PASSERELLE_SIGNER_PASSPHRASE: PASS };
const run = async (...argv: string[]) => {
  const io = captureIo(dir, env);
  const code = await runCli(argv, io);
  return { code, io, text: io.text() };
};
const write = (name: string, content: string | Buffer): string => {
  writeFileSync(path.join(dir, name), content);
  return name;
};

beforeAll(async () => {
  ({ dir, cleanup } = await tempDir());
  expect((await run("certs", "init", "--out", "pki")).code).toBe(0);
});
afterAll(async () => cleanup());

describe("passerelle sheet sign / verify", () => {
  it("signs a valid sheet and verifies it, printing the embedded data", async () => {
    const input = write("ok.json", JSON.stringify(exampleSheet("teleexpertise-request")));
    const signed = await run(
      "sheet",
      "sign",
      input,
      "--out",
      "ok.pdf",
      "--p12",
      "pki/signer.p12",
      "--sheet-id",
      "T-1",
    );
    expect(signed.code, signed.text).toBe(0);
    expect(signed.text).toMatch(/sha256 [0-9a-f]{64}/);
    const verified = await run("sheet", "verify", "ok.pdf", "--ca", "pki/ca.pem", "--json");
    expect(verified.code, verified.text).toBe(0);
    const report = JSON.parse(verified.io.stdout.join("\n"));
    expect(report).toMatchObject({
      valid: true,
      signatureValid: true,
      byteRangeCoversWholeFile: true,
      chainTrusted: true,
    });
    expect(report.data.sheetId).toBe("T-1");
    expect(report.signer.finess).toBe("699990016");
  });

  it("says INVALID (exit 1) when the chain is not trusted", async () => {
    await run("certs", "init", "--out", "other-pki");
    const input = write("ok2.json", JSON.stringify(exampleSheet("admission")));
    expect((await run("sheet", "sign", input, "--out", "ok2.pdf", "--p12", "pki/signer.p12")).code).toBe(0);
    const r = await run("sheet", "verify", "ok2.pdf", "--ca", "other-pki/ca.pem");
    expect(r.code).toBe(1);
    expect(r.text).toContain("chain trusted:              NO");
    expect(r.text).toContain("VERDICT: INVALID");
  });

  const bad: [string, () => string[], RegExp][] = [
    [
      "invalid JSON",
      () => [write("bad.json", '{"form": "discharge@1", "data": {'), "--p12", "pki/signer.p12"],
      /INVALID_JSON/,
    ],
    [
      "an unknown form",
      () => [
        write("unknown.json", JSON.stringify({ form: "prescription@1", data: {} })),
        "--p12",
        "pki/signer.p12",
      ],
      /UNKNOWN_FORM/,
    ],
    [
      "a missing mandatory field",
      () => {
        const s = exampleSheet("discharge");
        delete s.data.reason!.text;
        return [write("missing.json", JSON.stringify(s)), "--p12", "pki/signer.p12"];
      },
      /VALIDATION_FAILED[\s\S]*data\.reason\.text/,
    ],
    [
      "a wrong INS key",
      () => {
        const s = exampleSheet("discharge");
        s.data.patient!.ins = "248037511204722";
        return [write("ins.json", JSON.stringify(s)), "--p12", "pki/signer.p12"];
      },
      /data\.patient\.ins/,
    ],
    [
      "text too long for its field",
      () => {
        const s = exampleSheet("discharge");
        s.data.patient!.lastName = "X".repeat(5000);
        return [write("long.json", JSON.stringify(s)), "--p12", "pki/signer.p12"];
      },
      /data\.patient\.lastName[\s\S]*maximum|maxLength/,
    ],
    [
      "a wrong PKCS#12 passphrase",
      () => [
        write("pp.json", JSON.stringify(exampleSheet("admission"))),
        "--p12",
        "pki/signer.p12",
        "--passphrase",
        "nope",
      ],
      /BAD_PASSPHRASE/,
    ],
  ];
  it.each(bad)(
    "refuses %s with a clear error, exit ≠ 0 and no output file",
    async (_name, args, expected) => {
      const argv = args();
      const out = `${argv[0]!}.pdf`;
      const r = await run("sheet", "sign", argv[0]!, "--out", out, ...argv.slice(1));
      expect(r.code).not.toBe(0);
      expect(r.io.stderr.join("\n")).toMatch(expected);
      expect(existsSync(path.join(dir, out))).toBe(false);
    },
  );

  it("never echoes patient data in validation errors", async () => {
    const s = exampleSheet("discharge");
    s.data.patient!.ins = "248037511204722";
    s.data.patient!.lastName = "Y".repeat(300) + "SECRETNAME";
    const r = await run(
      "sheet",
      "sign",
      write("leak.json", JSON.stringify(s)),
      "--out",
      "leak.pdf",
      "--p12",
      "pki/signer.p12",
    );
    expect(r.code).toBe(1);
    expect(r.text).not.toContain("248037511204722");
    expect(r.text).not.toContain("SECRETNAME");
  });

  it.each([
    ["a non-PDF", () => write("not.pdf", "hello, this is not a PDF")],
    ["a truncated PDF", () => write("trunc.pdf", readFileSync(path.join(dir, "ok.pdf")).subarray(0, 5000))],
  ])("refuses to verify %s with a clear error", async (_n, file) => {
    const r = await run("sheet", "verify", file(), "--ca", "pki/ca.pem");
    expect(r.code).not.toBe(0);
    expect(r.io.stderr.join("\n")).toMatch(/NOT_A_PDF|PDF_UNSUPPORTED/);
  });

  it("reports usage mistakes with exit 2", async () => {
    expect((await run("sheet", "sign", "x.json")).code).toBe(2);
    expect((await run("sheet", "sign", "x.json", "--out", "y.pdf", "--p12", "z", "--bogus")).code).toBe(2);
    const noPass = await runCli(["certs", "init", "--out", "p3"], captureIo(dir, {}));
    expect(noPass).toBe(2);
  });
});
