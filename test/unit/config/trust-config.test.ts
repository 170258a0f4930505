/** PASSERELLE_MATRIX_ALLOWED_SERVERS through the real loader: default, list, `*`, and errors naming the entry. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.ts";

const load = (env: Record<string, string>) => loadConfig({ PASSERELLE_DATA_DIR: "/tmp/x", ...env }, "/srv");
const external = {
  PASSERELLE_HOMESERVER_URL: "https://matrix.cpts.example",
  PASSERELLE_MATRIX_USER_ID: "@passerelle:CPTS.example",
  PASSERELLE_MATRIX_PASSWORD: "pw",
};
const issuesOf = (env: Record<string, string>): { path: string; rule: string; message: unknown }[] => {
  try {
    load(env);
  } catch (e) {
    return (e as { issues: { path: string; rule: string; message: unknown }[] }).issues;
  }
  return [];
};

describe("trust policy configuration", () => {
  it("unset or empty: the hub's own server only (the embedded default's localhost, or the hub user's server)", () => {
    expect(load({}).trust).toEqual({ allowedServers: ["localhost"], structureServers: {} });
    expect(load({ PASSERELLE_MATRIX_ALLOWED_SERVERS: " " }).trust).toEqual({
      allowedServers: ["localhost"],
      structureServers: {},
    });
    expect(load(external).trust).toEqual({ allowedServers: ["cpts.example"], structureServers: {} });
  });

  it("a list adds servers to the hub's own, canonical and without duplicates; * alone trusts every server", () => {
    expect(
      load({
        ...external,
        PASSERELLE_MATRIX_ALLOWED_SERVERS: "cpts.example, CHU.example ,127.0.0.1:8448,chu.example",
      }).trust,
    ).toEqual({ allowedServers: ["cpts.example", "chu.example", "127.0.0.1:8448"], structureServers: {} });
    expect(load({ ...external, PASSERELLE_MATRIX_ALLOWED_SERVERS: "*" }).trust).toEqual({
      allowedServers: "any",
      structureServers: {},
    });
  });

  it("names each bad entry by its position, never its value", () => {
    const issues = issuesOf({
      PASSERELLE_MATRIX_ALLOWED_SERVERS: "chu.example,https://secret.example/x,*,,ok.example",
    });
    expect(issues.map((i) => [i.path, i.rule])).toEqual([
      ["PASSERELLE_MATRIX_ALLOWED_SERVERS[1]", "serverName"],
      ["PASSERELLE_MATRIX_ALLOWED_SERVERS[2]", "serverName"],
      ["PASSERELLE_MATRIX_ALLOWED_SERVERS[3]", "serverName"],
    ]);
    expect(JSON.stringify(issues)).not.toContain("secret");
  });

  it("PASSERELLE_MATRIX_STRUCTURE_SERVERS: FINESS=server|server; each server allowed; bad entries named by position", () => {
    expect(
      load({
        ...external,
        PASSERELLE_MATRIX_ALLOWED_SERVERS: "chu.example,chu.example:8448,ehpad.example",
        PASSERELLE_MATRIX_STRUCTURE_SERVERS:
          "750712184=CHU.example|chu.example:8448; 2A0000001=ehpad.example",
      }).trust.structureServers,
    ).toEqual({ "750712184": ["chu.example", "chu.example:8448"], "2A0000001": ["ehpad.example"] });
    const issues = issuesOf({
      ...external,
      PASSERELLE_MATRIX_ALLOWED_SERVERS: "chu.example",
      PASSERELLE_MATRIX_STRUCTURE_SERVERS:
        "750712184=chu.example;12345=chu.example;750712184=other.example;750712184;750712184=a=b;750712184=",
    });
    expect(issues.map((i) => i.path)).toEqual(
      [1, 2, 3, 4, 5].map((n) => `PASSERELLE_MATRIX_STRUCTURE_SERVERS[${n}]`),
    );
    expect(JSON.stringify(issues)).not.toContain("other.example");
  });
});
