/** The trust policy: allowed servers plus the hub's own, `any`, and the reason codes of a refusal. */
import { describe, expect, it } from "vitest";
import { TRUST_ANY, trustPolicy } from "../../../src/trust/index.ts";

describe("trust policy", () => {
  const policy = trustPolicy(["chu.example", "127.0.0.1:8448"], "@passerelle:CPTS.example");

  it("allows the listed servers and the hub's own, compared as server names", () => {
    expect(policy.servers).toEqual(["chu.example", "127.0.0.1:8448", "cpts.example"]);
    for (const ok of ["@dr.a:chu.example", "@dr.a:CHU.EXAMPLE", "@b:127.0.0.1:8448", "@c:cpts.example"])
      expect(policy.refusal(ok), ok).toBeUndefined();
  });

  it("refuses another server, another port of an allowed host, and a look-alike", () => {
    for (const no of [
      "@x:evil.example",
      "@x:chu.example:8448",
      "@x:127.0.0.1:8449",
      "@x:chu.example.evil.example",
      "@x:evilchu.example",
    ])
      expect(policy.refusal(no), no).toBe("trust.server_not_allowed");
    expect(policy.allows("@x:evil.example")).toBe(false);
  });

  it("refuses what is not a user id, even with any server allowed", () => {
    expect(policy.refusal("chu.example")).toBe("trust.user_id_invalid");
    expect(TRUST_ANY.refusal("@x:bad host")).toBe("trust.user_id_invalid");
    expect(TRUST_ANY.refusal("@x:anything.example:1")).toBeUndefined();
    expect(TRUST_ANY.servers).toBe("any");
  });

  it("with no list allows the hub's server only", () => {
    const own = trustPolicy([], "@passerelle:localhost");
    expect(own.allows("@alice:localhost")).toBe(true);
    expect(own.allows("@alice:localhost:8448")).toBe(false);
    expect(own.allows("@alice:chu.example")).toBe(false);
  });

  it("restricts a structure's staff further: its servers only, a unit inheriting its hospital's", () => {
    const p = trustPolicy(["chu.example", "ehpad.example"], "@passerelle:cpts.example", {
      "750712184": ["CHU.example"],
    });
    expect(p.memberRefusal("@ide:chu.example", ["750712184"])).toBeUndefined();
    expect(p.memberRefusal("@ide:ehpad.example", ["750712184"])).toBe("trust.structure_server_not_allowed");
    expect(p.memberRefusal("@ide:ehpad.example", ["123456789", "750712184"])).toBe(
      "trust.structure_server_not_allowed",
    );
    expect(p.memberRefusal("@ide:ehpad.example", ["123456789"])).toBeUndefined();
    expect(p.memberRefusal("@ide:ehpad.example", [])).toBeUndefined();
    // The allowlist comes first.
    expect(p.memberRefusal("@x:evil.example", [])).toBe("trust.server_not_allowed");
    expect(p.allows("@ide:ehpad.example")).toBe(true);
  });
});
