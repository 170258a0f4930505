/** Per-room lanes and the worker's wake-up (src/transfers/outbox/lanes.ts). */
import { describe, expect, it } from "vitest";
import { RoomLanes, Wakeup } from "../../../../src/transfers/outbox/lanes.ts";

const tick = (): Promise<void> => new Promise((r) => setTimeout(r, 5));

describe("RoomLanes", () => {
  it("a place's turn comes once every earlier place of its lane is released, whatever the release order", async () => {
    const lanes = new RoomLanes();
    const [a, b, c] = [lanes.enter("room"), lanes.enter("room"), lanes.enter("room")];
    const order: string[] = [];
    const posts = [
      c.turn().then(() => order.push("c")),
      b.turn().then(() => order.push("b")),
      a.turn().then(() => order.push("a")),
    ];
    await tick();
    expect(order).toEqual(["a"]); // the first place never waits
    c.release(); // done early: still c waits for b, b for a
    await tick();
    expect(order).toEqual(["a"]);
    a.release();
    a.release(); // idempotent
    await tick();
    expect(order).toEqual(["a", "b"]);
    b.release();
    await Promise.all(posts);
    expect(order).toEqual(["a", "b", "c"]);
    await tick();
    expect(lanes.size).toBe(0); // idle lanes are forgotten
  });

  it("a hand-over gives the next place its turn (posts pipelined); settled waits for the release", async () => {
    const lanes = new RoomLanes();
    const [a, b, c] = [lanes.enter("room"), lanes.enter("room"), lanes.enter("room")];
    const seen: string[] = [];
    void b.turn().then(() => seen.push("b turn"));
    void c.turn().then(() => seen.push("c turn"));
    void c.settled().then(() => seen.push("c settled"));
    await tick();
    expect(seen).toEqual([]);
    a.handOver(); // a's event is in the send queue: b may post, c may not yet
    await tick();
    expect(seen).toEqual(["b turn"]);
    b.handOver();
    await tick();
    expect(seen).toEqual(["b turn", "c turn"]); // c's reply-to would still wait for a and b
    a.release();
    b.release();
    await tick();
    expect(seen).toEqual(["b turn", "c turn", "c settled"]);
    c.release();
    await tick();
    expect(lanes.size).toBe(0);
  });

  it("lanes of different rooms do not wait for each other", async () => {
    const lanes = new RoomLanes();
    const first = lanes.enter("room-1");
    const blocked = lanes.enter("room-1");
    const other = lanes.enter("room-2");
    let otherRan = false;
    void other.turn().then(() => (otherRan = true));
    let blockedRan = false;
    void blocked.turn().then(() => (blockedRan = true));
    await tick();
    expect(otherRan).toBe(true);
    expect(blockedRan).toBe(false);
    first.release();
    await tick();
    expect(blockedRan).toBe(true);
  });
});

describe("Wakeup", () => {
  it("wake ends a running sleep at once, and a wake before a sleep is not lost", async () => {
    const w = new Wakeup();
    const t0 = Date.now();
    const sleeping = w.sleep(10_000);
    w.wake();
    await sleeping;
    w.wake(); // between two sleeps
    await w.sleep(10_000);
    expect(Date.now() - t0).toBeLessThan(1000);
    const t1 = Date.now();
    await w.sleep(30); // no pending wake: the full pause
    expect(Date.now() - t1).toBeGreaterThanOrEqual(25);
  });
});
