import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.ts";
import { PasserelleError } from "../../../src/core/index.ts";

const failing = (env: Record<string, string>): PasserelleError => {
  try {
    loadConfig(env, "/srv");
  } catch (e) {
    if (e instanceof PasserelleError) return e;
    throw e;
  }
  throw new Error("expected CONFIG_INVALID");
};

describe("matrix and signer configuration", () => {
  it("defaults to an embedded homeserver and a development signer", () => {
    const c = loadConfig({}, "/srv");
    expect(c.matrix).toEqual({ mode: "embedded" });
    expect(c.signer).toEqual({ mode: "dev" });
  });

  it("reads an external homeserver with the hub's user and password or token", () => {
    const c = loadConfig(
      {
        PASSERELLE_HOMESERVER_URL: "https://matrix.cpts.example/",
        PASSERELLE_MATRIX_USER_ID: "@passerelle:cpts.example",
        PASSERELLE_MATRIX_PASSWORD: "pw",
      },
      "/srv",
    );
    expect(c.matrix).toEqual({
      mode: "external",
      homeserverUrl: "https://matrix.cpts.example",
      userId: "@passerelle:cpts.example",
      password: "pw",
    });
  });

  it("names every bad key, and never echoes a secret", () => {
    const e = failing({
      PASSERELLE_HOMESERVER_URL: "ftp://nope",
      PASSERELLE_MATRIX_USER_ID: "passerelle",
      PASSERELLE_SIGNER_P12: "certs/prod/signer.p12",
    });
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.issues.map((i) => i.path).sort()).toEqual([
      "PASSERELLE_HOMESERVER_URL",
      "PASSERELLE_MATRIX_PASSWORD",
      "PASSERELLE_MATRIX_USER_ID",
      "PASSERELLE_SIGNER_PASSPHRASE",
    ]);
  });

  it("refuses Matrix credentials without a homeserver URL, naming each key", () => {
    const e = failing({ PASSERELLE_MATRIX_PASSWORD: "TopSecretPw", PASSERELLE_MATRIX_USER_ID: "@a:b" });
    expect(e.issues.map((i) => i.path).sort()).toEqual([
      "PASSERELLE_MATRIX_PASSWORD",
      "PASSERELLE_MATRIX_USER_ID",
    ]);
    expect(JSON.stringify({ m: e.message, i: e.issues })).not.toContain("TopSecretPw");
  });

  it("reads a production keystore path relative to the working directory", () => {
    const c = loadConfig({ PASSERELLE_SIGNER_P12: "keys/ch.p12", PASSERELLE_SIGNER_PASSPHRASE: "x" }, "/srv");
    expect(c.signer).toEqual({ mode: "p12", p12Path: "/srv/keys/ch.p12", passphrase: "x" });
  });
});
