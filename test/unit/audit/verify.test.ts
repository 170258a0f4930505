import { describe, expect, it } from "vitest";
import type { AuditEntry, ChainSource, SigningKey } from "../../../src/audit/index.ts";
import {
  GENESIS_ANCHOR,
  generateSigningKey,
  signCheckpoint,
  trustedKeys,
  verifyChain,
} from "../../../src/audit/index.ts";
import { chain, checkpointsEvery, rehash } from "./chain-fixtures.ts";

let key: SigningKey;
const source = async (
  entries: readonly AuditEntry[],
  cps?: { seq: number; jws: string }[],
  extra: Partial<ChainSource> = {},
): Promise<ChainSource> => ({
  anchor: GENESIS_ANCHOR,
  pages: [entries.slice(0, 7), entries.slice(7)],
  checkpoints: cps ?? (await checkpointsEvery(entries, 5, key)),
  keys: trustedKeys([key.publicJwk]),
  loadAll: () => Promise.resolve(entries),
  ...extra,
});

describe("verifyChain", async () => {
  key = await generateSigningKey();
  const good = chain(20);
  const cps = await checkpointsEvery(good, 5, key);

  it("accepts an intact chain and counts its checkpoints", async () => {
    const r = await verifyChain(await source(good, cps));
    expect(r).toMatchObject({
      ok: true,
      entries: 20,
      lastSeq: 20,
      checkpoints: 4,
      lastCheckpointSeq: 20,
      unsignedTail: 0,
    });
  });

  it("reports entries after the last checkpoint as unsigned, not as an error", async () => {
    const r = await verifyChain(await source(good, cps.slice(0, 2)));
    expect(r).toMatchObject({ ok: true, lastCheckpointSeq: 10, unsignedTail: 10 });
  });

  const cases: [string, () => AuditEntry[], number, string][] = [
    [
      "an edited field",
      () => good.map((e) => (e.seq === 7 ? { ...e, actor: "@mallory:evil" } : e)),
      7,
      "modified",
    ],
    [
      "an edited and re-hashed entry",
      () => good.map((e) => (e.seq === 7 ? rehash(e, { actor: "@m:evil" }) : e)),
      7,
      "modified",
    ],
    ["a deleted entry", () => good.filter((e) => e.seq !== 7), 7, "deleted"],
    [
      "a deleted entry with the rest renumbered",
      () => good.filter((e) => e.seq !== 7).map((e) => (e.seq > 7 ? { ...e, seq: e.seq - 1 } : e)),
      7,
      "deleted",
    ],
    [
      "two swapped entries",
      () => good.map((e, i) => (e.seq === 7 ? good[i + 1]! : e.seq === 8 ? good[i - 1]! : e)),
      7,
      "reordered",
    ],
    [
      "two entries whose seq numbers were swapped",
      () =>
        good.map((e, i) =>
          e.seq === 7 ? { ...good[i + 1]!, seq: 7 } : e.seq === 8 ? { ...good[i - 1]!, seq: 8 } : e,
        ),
      7,
      "reordered",
    ],
    [
      "an entry inserted with the rest renumbered",
      () => {
        const forged = rehash({ ...good[6]! }, { seq: 8, prevHash: good[6]!.hash, transfer: "tr-forged-1" });
        return [...good.slice(0, 7), forged, ...good.slice(7).map((e) => ({ ...e, seq: e.seq + 1 }))];
      },
      8,
      "inserted",
    ],
    ["a duplicated entry", () => [...good.slice(0, 8), good[7]!, ...good.slice(8)], 8, "inserted"],
    ["a truncated tail", () => good.slice(0, 18), 19, "deleted"],
  ];
  for (const [what, tamper, seq, reason] of cases) {
    it(`catches ${what}`, async () => {
      const r = await verifyChain(await source(tamper(), cps));
      expect(r.ok).toBe(false);
      expect(r.failure).toMatchObject({ seq, reason });
    });
  }

  it("catches a consistently rewritten chain with the checkpoints", async () => {
    const rewritten: AuditEntry[] = [];
    for (const e of good) {
      const prev = rewritten.at(-1);
      rewritten.push(
        e.seq < 7 ? e : rehash(e, { prevHash: prev!.hash, ...(e.seq === 7 ? { actor: "@m:evil" } : {}) }),
      );
    }
    const r = await verifyChain(await source(rewritten, cps));
    expect(r.failure).toMatchObject({ seq: 6, reason: "rewritten" });
  });

  it("catches a forged or foreign checkpoint", async () => {
    const other = await generateSigningKey();
    const foreign = await signCheckpoint(other, { seq: 5, headHash: good[4]!.hash, time: "t" });
    const r1 = await verifyChain(await source(good, [...cps, { seq: 5, jws: foreign.jws }]));
    expect(r1.failure).toMatchObject({ seq: 5, reason: "checkpoint-unknown-key" });
    const [h, , s] = cps[1]!.jws.split(".");
    const payload = Buffer.from(JSON.stringify({ seq: 10, headHash: "0".repeat(64), time: "t" })).toString(
      "base64url",
    );
    const r2 = await verifyChain(
      await source(good, [cps[0]!, { seq: 10, jws: `${h!}.${payload}.${s!}` }, ...cps.slice(2)]),
    );
    expect(r2.failure).toMatchObject({ seq: 10, reason: "checkpoint-signature-invalid" });
  });

  it("detects a truncation the head row records", async () => {
    const r = await verifyChain(
      await source(good.slice(0, 20), cps.slice(0, 3), { claimedHead: { seq: 21, hash: "x" } }),
    );
    expect(r.failure).toMatchObject({ seq: 21, reason: "deleted" });
  });
});
