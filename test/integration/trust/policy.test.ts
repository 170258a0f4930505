/**
 * The trust policy at transfer creation, through the HTTP API and the CLI (real sqlite, audit
 * trail, directory, signer; no homeserver needed: nothing reaches Matrix). The CPTS allows
 * `chu.example:8448` besides its own server (`localhost`, the embedded default's): a recipient on
 * another server, or on another port of the allowed host, is refused with 422 `TRUST_POLICY`
 * naming `to[0]` (never the Matrix id), audited, and nothing is queued; a unit whose staff are all
 * outside the policy has no recipient. The federation tests (real Synapses): matrix/federation.test.ts.
 */
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../../../src/cli/index.ts";
import { captureIo } from "../../helpers/io.ts";
import { examplePath, exampleSheet } from "../../helpers/sheets.ts";
import { tempDir } from "../../helpers/tmp.ts";
import { call, problemOf } from "../api/client.ts";
import type { ApiFixture } from "../api/fixture.ts";
import { openApiFixture } from "../api/fixture.ts";
import { rppsOf } from "../../helpers/transfers-fixture.ts";

// The CHU (FINESS 750712184) and its units: staff on the CHU's server only.
const ENV = {
  PASSERELLE_MATRIX_ALLOWED_SERVERS: "CHU.example:8448",
  PASSERELLE_MATRIX_STRUCTURE_SERVERS: "750712184=chu.example:8448",
};
let f: ApiFixture;
let tmp: { dir: string; cleanup: () => Promise<void> };
let sender: string;
const rpps = { chu: rppsOf(901), chuOtherPort: rppsOf(902), outside: rppsOf(903), local: rppsOf(904) };

beforeAll(async () => {
  tmp = await tempDir("passerelle-trust-");
  f = await openApiFixture(tmp.dir, { env: ENV });
  sender = await f.token("dr.berard");
  const add = (r: string, matrixId: string, structureId?: number) =>
    f.services.directory.addMember(
      {
        rpps: r,
        matrixId,
        professionCode: "10",
        name: `Docteur ${r}`,
        roles: ["recipient"],
        ...(structureId === undefined ? {} : { structureId }),
      },
      "cli:test",
    );
  await add(rpps.chu, "@dr.chu:chu.example:8448");
  await add(rpps.chuOtherPort, "@dr.port:chu.example");
  await add(rpps.outside, "@dr.out:outside.example");
  await add(rpps.local, "@dr.local:localhost");
  const hospital = await f.services.directory.addStructure({
    finess: "750712184",
    kind: "hospital",
    name: "CH Test",
  });
  const unit = await f.services.directory.addStructure({
    kind: "unit",
    name: "Cardiologie",
    parentId: hospital.id,
  });
  await add(rppsOf(905), "@ide:outside.example", unit.id);
  // On an allowed server (the hub's), but not on the CHU's.
  await add(rppsOf(906), "@ide.local:localhost", unit.id);
  unitId = unit.id;
}, 60_000);

let unitId = 0;

afterAll(async () => {
  await f.close();
  await tmp.cleanup();
});

const post = (json: unknown) => call(`${f.api}/transfers`, { method: "POST", token: sender, json });
const queued = async (): Promise<number> =>
  Number((await f.services.db.knex("transfers").count({ n: "*" }).first())?.n ?? 0);

describe("trust policy at transfer creation", () => {
  it("accepts recipients on the hub's server and on an allowed server (host compared without case)", async () => {
    for (const r of [rpps.local, rpps.chu]) {
      const res = await post({ sheet: exampleSheet("discharge"), to: [r] });
      expect(res.status, JSON.stringify(res.json)).toBe(201);
    }
  });

  it("refuses another server and another port of the allowed host: 422 TRUST_POLICY naming to[n], audited, nothing queued", async () => {
    for (const [r, server] of [
      [rpps.outside, "outside.example"],
      [rpps.chuOtherPort, "@dr.port:chu.example"],
    ] as const) {
      const before = await queued();
      const res = await post({ sheet: exampleSheet("discharge"), to: [rpps.local, r] });
      expect(res.status).toBe(422);
      expect(problemOf(res)).toMatchObject({ code: "TRUST_POLICY", paths: ["to[1]"] });
      expect((res.json as { errors: { rule: string }[] }).errors[0]?.rule).toBe("trust.server_not_allowed");
      expect((res.json as { type: string }).type).toBe("urn:passerelle:problem:trust-policy");
      expect(res.body.toString()).not.toContain(server);
      expect(await queued()).toBe(before);
      const last = await f.services.db.knex("audit_entries").orderBy("seq", "desc").first();
      expect(last).toMatchObject({
        action: "transfer.failed",
        outcome: "failure",
        reason: "trust.server_not_allowed",
        member_id: `rpps:${r}`,
      });
    }
  });

  it("a unit whose staff are all outside the policy has no recipient", async () => {
    const res = await post({ sheet: exampleSheet("discharge"), toUnit: { structureId: unitId } });
    expect(res.status).toBe(403);
    expect(problemOf(res)).toMatchObject({ code: "FORBIDDEN", paths: ["toUnit.structureId"] });
  });

  it("a member of the CHU's unit on an allowed server that is not the CHU's is refused: trust.structure_server_not_allowed", async () => {
    const res = await post({ sheet: exampleSheet("discharge"), to: [rppsOf(906)] });
    expect(res.status).toBe(422);
    expect(problemOf(res)).toMatchObject({ code: "TRUST_POLICY", paths: ["to[0]"] });
    expect((res.json as { errors: { rule: string }[] }).errors[0]?.rule).toBe(
      "trust.structure_server_not_allowed",
    );
    expect(res.body.toString()).not.toContain("localhost");
  });

  it("the unit's staff on the CHU's server receive what is addressed to the unit; the others are left out", async () => {
    const chuNurse = rppsOf(907);
    await f.services.directory.addMember(
      {
        rpps: chuNurse,
        matrixId: "@ide.chu:chu.example:8448",
        professionCode: "60",
        name: "Infirmière CHU",
        roles: ["recipient"],
        structureId: unitId,
      },
      "cli:test",
    );
    const res = await post({ sheet: exampleSheet("discharge"), toUnit: { structureId: unitId } });
    expect(res.status, JSON.stringify(res.json)).toBe(201);
    const id = (res.json as { id: string }).id;
    const recipients = await f.services.db
      .knex("transfer_recipients")
      .where({ transfer_id: id })
      .select("member_ref");
    expect(recipients).toEqual([{ member_ref: `rpps:${chuNurse}` }]);
  });

  it("the CLI refuses the same way: exit 1, TRUST_POLICY and to[0] on stderr, no Matrix id", async () => {
    const io = captureIo(tmp.dir, { PASSERELLE_DATA_DIR: tmp.dir, ...ENV });
    const code = await runCli(["transfer", "send", examplePath("discharge"), "--to", rpps.outside], io);
    expect(code).toBe(1);
    expect(io.stderr.join("\n")).toContain(
      "TRUST_POLICY: to[0]: the Matrix account is on a homeserver outside the trust policy",
    );
    expect(io.text()).not.toContain("outside.example");
    const ok = captureIo(tmp.dir, { PASSERELLE_DATA_DIR: tmp.dir, ...ENV });
    expect(await runCli(["transfer", "send", examplePath("discharge"), "--to", rpps.chu], ok)).toBe(0);
    // Without the setting, only the hub's own server: the CHU's member is refused too.
    const strict = captureIo(tmp.dir, { PASSERELLE_DATA_DIR: path.resolve(tmp.dir) });
    expect(await runCli(["transfer", "send", examplePath("discharge"), "--to", rpps.chu], strict)).toBe(1);
    expect(strict.stderr.join("\n")).toContain("TRUST_POLICY");
  });
});
