/** The ADT feed's configuration: off by default, port/host/encoding/TLS validated, errors naming the key. */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.ts";

const load = (env: Record<string, string>) => loadConfig({ PASSERELLE_DATA_DIR: "/tmp/x", ...env }, "/srv");
const issuesOf = (env: Record<string, string>): string[] => {
  try {
    load(env);
  } catch (e) {
    return (e as { issues: { path: string }[] }).issues.map((i) => i.path);
  }
  return [];
};

describe("ADT configuration", () => {
  it("is off without PASSERELLE_MLLP_PORT, on with it (127.0.0.1, utf-8 by default)", () => {
    expect(load({}).adt).toBeUndefined();
    expect(load({ PASSERELLE_MLLP_PORT: "2575" }).adt).toEqual({
      port: 2575,
      host: "127.0.0.1",
      encoding: "utf-8",
    });
    expect(
      load({
        PASSERELLE_MLLP_PORT: "2575",
        PASSERELLE_MLLP_HOST: "0.0.0.0",
        PASSERELLE_MLLP_ENCODING: "latin1",
        PASSERELLE_MLLP_TLS_CERT: "certs/mllp.pem",
        PASSERELLE_MLLP_TLS_KEY: "certs/mllp.key",
      }).adt,
    ).toEqual({
      port: 2575,
      host: "0.0.0.0",
      encoding: "latin1",
      tls: { certFile: "/srv/certs/mllp.pem", keyFile: "/srv/certs/mllp.key" },
    });
  });

  it("names the bad keys", () => {
    expect(issuesOf({ PASSERELLE_MLLP_PORT: "70000" })).toEqual(["PASSERELLE_MLLP_PORT"]);
    expect(issuesOf({ PASSERELLE_MLLP_PORT: "2575", PASSERELLE_MLLP_ENCODING: "ebcdic" })).toEqual([
      "PASSERELLE_MLLP_ENCODING",
    ]);
    expect(issuesOf({ PASSERELLE_MLLP_PORT: "2575", PASSERELLE_MLLP_TLS_CERT: "c.pem" })).toEqual([
      "PASSERELLE_MLLP_TLS_KEY",
    ]);
  });
});
