import { describe, expect, it } from "vitest";
import { loadConfig } from "../../../src/config/index.ts";
import { PasserelleError } from "../../../src/core/index.ts";

describe("loadConfig", () => {
  it("defaults to an sqlite file in ./data", () => {
    const c = loadConfig({}, "/srv/app");
    expect(c.dataDir).toBe("/srv/app/data");
    expect(c.database).toEqual({ engine: "sqlite", filename: "/srv/app/data/passerelle.sqlite" });
    expect(c.audit.checkpointEvery).toBe(1000);
  });

  it("resolves PASSERELLE_DATA_DIR against the working directory", () => {
    expect(loadConfig({ PASSERELLE_DATA_DIR: "var/p" }, "/srv").dataDir).toBe("/srv/var/p");
    expect(loadConfig({ PASSERELLE_DATA_DIR: "/abs" }, "/srv").database).toEqual({
      engine: "sqlite",
      filename: "/abs/passerelle.sqlite",
    });
  });

  it("selects PostgreSQL for postgres:// and postgresql:// URLs", () => {
    for (const url of ["postgres://u:p@db/x", "postgresql://db:5433/x"]) {
      expect(loadConfig({ DATABASE_URL: url }, "/").database).toEqual({ engine: "postgres", url });
    }
  });

  it("accepts sqlite:PATH", () => {
    expect(loadConfig({ DATABASE_URL: "sqlite:db/a.sqlite" }, "/srv").database).toEqual({
      engine: "sqlite",
      filename: "/srv/db/a.sqlite",
    });
  });

  it("names every bad key and never echoes a value", () => {
    let err: unknown;
    try {
      loadConfig({
        DATABASE_URL: "mysql://root:s3cret@x/y",
        PASSERELLE_AUDIT_CHECKPOINT_EVERY: "0",
        PASSERELLE_DATA_DIR: " ",
      });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PasserelleError);
    const e = err as PasserelleError;
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.issues.map((i) => i.path).sort()).toEqual([
      "DATABASE_URL",
      "PASSERELLE_AUDIT_CHECKPOINT_EVERY",
      "PASSERELLE_DATA_DIR",
    ]);
    expect(JSON.stringify({ m: e.message, i: e.issues })).not.toContain("s3cret");
  });

  it("reads the outbox concurrency (1–256, default 16), naming the key when bad", () => {
    expect(loadConfig({}).outbox.concurrency).toBe(16);
    expect(loadConfig({ PASSERELLE_OUTBOX_CONCURRENCY: "4" }).outbox.concurrency).toBe(4);
    for (const bad of ["0", "257", "2.5", "x"]) {
      expect(() => loadConfig({ PASSERELLE_OUTBOX_CONCURRENCY: bad })).toThrow(
        expect.objectContaining({
          issues: [expect.objectContaining({ path: "PASSERELLE_OUTBOX_CONCURRENCY" })],
        }),
      );
    }
  });

  it("reads the checkpoint interval", () => {
    expect(loadConfig({ PASSERELLE_AUDIT_CHECKPOINT_EVERY: "250" }).audit.checkpointEvery).toBe(250);
    expect(() => loadConfig({ PASSERELLE_AUDIT_CHECKPOINT_EVERY: "1e3" })).toThrow(PasserelleError);
  });
});

describe("escalation configuration", () => {
  it("defaults to 24 h for discharge sheets, 72 h for others, a look every 5 minutes", () => {
    expect(loadConfig({}, "/srv").escalation).toEqual({
      delays: { byKind: { discharge: 24 }, defaultHours: 72 },
      intervalMs: 300_000,
    });
  });

  it("reads the PASSERELLE_ESCALATION_* keys", () => {
    const c = loadConfig(
      {
        PASSERELLE_ESCALATION_DISCHARGE_HOURS: "12",
        PASSERELLE_ESCALATION_DEFAULT_HOURS: "0.5",
        PASSERELLE_ESCALATION_INTERVAL_SECONDS: "60",
      },
      "/srv",
    );
    expect(c.escalation).toEqual({
      delays: { byKind: { discharge: 12 }, defaultHours: 0.5 },
      intervalMs: 60_000,
    });
  });

  it("names each bad key, never its value", () => {
    let err: unknown;
    try {
      loadConfig(
        {
          PASSERELLE_ESCALATION_DISCHARGE_HOURS: "0",
          PASSERELLE_ESCALATION_DEFAULT_HOURS: "soon",
          PASSERELLE_ESCALATION_INTERVAL_SECONDS: "1.5",
        },
        "/srv",
      );
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PasserelleError);
    const e = err as PasserelleError;
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.issues.map((i) => i.path)).toEqual([
      "PASSERELLE_ESCALATION_DISCHARGE_HOURS",
      "PASSERELLE_ESCALATION_DEFAULT_HOURS",
      "PASSERELLE_ESCALATION_INTERVAL_SECONDS",
    ]);
    expect(e.message).not.toContain("soon");
  });

  it("reads the log level (default info), naming the key and not echoing a bad value", () => {
    expect(loadConfig({}).log.level).toBe("info");
    expect(loadConfig({ PASSERELLE_LOG_LEVEL: "debug" }).log.level).toBe("debug");
    expect(loadConfig({ PASSERELLE_LOG_LEVEL: " WARN " }).log.level).toBe("warn");
    let err: unknown;
    try {
      loadConfig({ PASSERELLE_LOG_LEVEL: "verbose-xyz" });
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PasserelleError);
    const e = err as PasserelleError;
    expect(e.code).toBe("CONFIG_INVALID");
    expect(e.issues.map((i) => i.path)).toEqual(["PASSERELLE_LOG_LEVEL"]);
    expect(JSON.stringify({ m: e.message, i: e.issues })).not.toContain("verbose-xyz");
  });
});
