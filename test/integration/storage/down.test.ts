/** A PostgreSQL that is down or unreachable: a clear, value-free error, through the CLI too. */
import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/index.ts";
import { isPasserelleError } from "../../../src/core/index.ts";
import { openDatabase } from "../../../src/storage/index.ts";
import { captureIo } from "../../helpers/io.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { MIGRATIONS } from "../../../src/migrations.ts";

/** A port nothing listens on: bind one, note it, close it. */
async function closedPort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", r));
  const { port } = srv.address() as { port: number };
  await new Promise((r) => srv.close(r));
  return port;
}

describe("PostgreSQL down", () => {
  it("fails to open with IO_ERROR 'database unreachable', never echoing the URL's password", async () => {
    const url = `postgres://passerelle:Sup3rSecretPw@127.0.0.1:${await closedPort()}/passerelle`;
    const err = await openDatabase({ engine: "postgres", url }, MIGRATIONS).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(isPasserelleError(err) && err.code).toBe("IO_ERROR");
    expect((err as Error).message).toMatch(/database unreachable/);
    expect((err as Error).message).not.toContain("Sup3rSecretPw");
  });

  it("makes `db migrate` exit 1 with the same clear error", async () => {
    const { dir, cleanup } = await tempDir();
    try {
      const url = `postgres://passerelle:Sup3rSecretPw@127.0.0.1:${await closedPort()}/passerelle`;
      const io = captureIo(dir, { DATABASE_URL: url, PASSERELLE_DATA_DIR: dir });
      expect(await runCli(["db", "migrate"], io)).toBe(1);
      expect(io.stderr.join("\n")).toMatch(/IO_ERROR: database unreachable/);
      expect(io.text()).not.toContain("Sup3rSecretPw");
    } finally {
      await cleanup();
    }
  });
});
