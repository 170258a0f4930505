/**
 * Matrix server names (specification, Appendices, "Server Name"): the spec's own examples, the
 * grammar's edges, canonical comparison (host case, IPv6 and IPv4 forms, port kept), and
 * property-based checks over generated names.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { canonicalServerName, parseServerName, serverOfUserId } from "../../../src/trust/index.ts";

describe("Matrix server names", () => {
  it("accepts the specification's examples", () => {
    for (const [name, canonical] of [
      ["matrix.org", "matrix.org"],
      ["matrix.org:8888", "matrix.org:8888"],
      ["1.2.3.4", "1.2.3.4"],
      ["1.2.3.4:1234", "1.2.3.4:1234"],
      ["[1234:5678::abcd]", "[1234:5678::abcd]"],
      ["[1234:5678::abcd]:5678", "[1234:5678::abcd]:5678"],
    ] as const)
      expect(canonicalServerName(name)).toBe(canonical);
  });

  it("compares the host without regard to case and IP literals in canonical form; the port stays", () => {
    expect(canonicalServerName("CHU.Example")).toBe("chu.example");
    expect(canonicalServerName("[1234:5678:0:0::ABCD]:443")).toBe("[1234:5678::abcd]:443");
    expect(canonicalServerName("127.000.000.001")).toBe("127.0.0.1");
    expect(canonicalServerName("chu.example:8448")).not.toBe(canonicalServerName("chu.example"));
    expect(parseServerName("[::1]:8448")).toEqual({ host: "[::1]", port: 8448 });
  });

  it("refuses what the grammar does not allow", () => {
    for (const bad of [
      "",
      ":8448",
      "chu.example:",
      "chu.example:123456",
      "chu.example:70000",
      "chu.example:84a",
      "chu_example.org",
      "chu example.org",
      "chu.example/path",
      "https://chu.example",
      "[::1",
      "[test::1]",
      "[]",
      "256.1.1.1",
      "é.example",
      "a".repeat(256),
      "chu.example:80:80",
    ])
      expect(canonicalServerName(bad), bad).toBeUndefined();
  });

  it("takes a user id's server name after the first colon (localparts hold none)", () => {
    expect(serverOfUserId("@dr.martin:CHU.example:8448")).toBe("chu.example:8448");
    expect(serverOfUserId("@alice:[::1]:8448")).toBe("[::1]:8448");
    expect(serverOfUserId("@alice:127.0.0.1:40001")).toBe("127.0.0.1:40001");
    for (const bad of ["alice:chu.example", "@:chu.example", "@alice", "@alice:", "@alice:bad host"])
      expect(serverOfUserId(bad), bad).toBeUndefined();
  });

  it("property: a generated DNS name with or without a port parses, whatever its case, to one canonical form", () => {
    const label = fc.stringMatching(/^[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?$/);
    const dns = fc.array(label, { minLength: 1, maxLength: 4 }).map((l) => l.join("."));
    const port = fc.option(fc.integer({ min: 1, max: 65_535 }), { nil: undefined });
    fc.assert(
      fc.property(dns, port, fc.boolean(), (host, p, upper) => {
        const name = `${upper ? host.toUpperCase() : host}${p === undefined ? "" : `:${String(p)}`}`;
        expect(parseServerName(name)).toEqual(p === undefined ? { host } : { host, port: p });
        expect(canonicalServerName(canonicalServerName(name)!)).toBe(canonicalServerName(name));
      }),
    );
  });

  it("property: every IPv4 literal parses, and a user id on it names that server", () => {
    fc.assert(
      fc.property(fc.ipV4(), fc.integer({ min: 1, max: 65_535 }), (ip, port) => {
        expect(canonicalServerName(ip)).toBe(ip);
        expect(serverOfUserId(`@u:${ip}:${String(port)}`)).toBe(`${ip}:${String(port)}`);
      }),
    );
  });

  it("property: every IPv6 literal in brackets parses to the form the URL standard prints", () => {
    fc.assert(
      fc.property(fc.ipV6(), (ip) => {
        const c = canonicalServerName(`[${ip}]`);
        expect(c).toBe(new URL(`http://[${ip}]/`).hostname);
      }),
    );
  });

  it("property: arbitrary strings never throw; a name with whitespace, '/' or '@' is refused", () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const c = canonicalServerName(s);
        if (/[\s/@]/.test(s)) expect(c).toBeUndefined();
      }),
    );
  });
});
