import { hash } from "node:crypto";
import { describe, expect, it } from "vitest";
import type { AuditEntry } from "../../../src/audit/index.ts";
import { CANONICAL_KEYS, canonicalEntry, entryHash, GENESIS_HASH } from "../../../src/audit/index.ts";
import { chain } from "./chain-fixtures.ts";

/** A generic RFC 8785 serialiser for flat objects of strings and integers. */
function jcs(o: Record<string, unknown>): string {
  const keys = Object.keys(o)
    .filter((k) => o[k] !== undefined)
    .sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(o[k])}`).join(",")}}`;
}

describe("canonical serialisation", () => {
  it("lists its keys in UTF-16 order", () => {
    expect([...CANONICAL_KEYS].sort()).toEqual([...CANONICAL_KEYS]);
  });

  it("is RFC 8785 for our shape, without the hash", () => {
    for (const e of chain(5)) {
      const { hash: _h, ...rest } = e;
      expect(canonicalEntry(e)).toBe(jcs(rest));
      const withAll = {
        ...rest,
        sheet: "s-1",
        member: "rpps:10000000017",
        event: '$e\u00e9"\\',
        pdfSha256: "0".repeat(64),
        patient: "f".repeat(64),
        reason: "x.y",
      };
      expect(canonicalEntry(withAll)).toBe(jcs(withAll));
    }
  });

  it("hashes the UTF-8 bytes with SHA-256 and chains from the genesis", () => {
    const [a, b] = chain(2);
    expect(a?.prevHash).toBe(GENESIS_HASH);
    expect(entryHash(a!)).toBe(hash("sha256", Buffer.from(canonicalEntry(a!), "utf8"), "hex"));
    expect(b?.prevHash).toBe(a?.hash);
  });

  it("changes with every field, including seq and prevHash", () => {
    const [e] = chain(1);
    const h = entryHash(e!);
    expect(entryHash({ ...e!, seq: 2 })).not.toBe(h);
    expect(entryHash({ ...e!, prevHash: "1".repeat(64) })).not.toBe(h);
    expect(entryHash({ ...e!, actor: "@x:y" })).not.toBe(h);
    const withHash: AuditEntry = { ...e!, hash: "ignored" };
    expect(entryHash(withHash)).toBe(h);
  });
});
