/**
 * The room guard's state request: checks of one room that start together share one
 * `GET /rooms/{roomId}/state` (a burst of sheets asks once), a check that starts after the answer
 * asks again (a stranger who joined since is seen), and other rooms ask for themselves. The client
 * is a stand-in answering `roomState` only: the state names a stranger, so the guard refuses
 * before it looks at the local view (the real-Synapse checks are in test/integration/matrix).
 */
import type { MatrixClient } from "matrix-js-sdk";
import { describe, expect, it } from "vitest";
import { assertRoomSafe } from "../../../src/matrix/room-guard.ts";

const HUB = "@passerelle:example.org";
const state = (roomId: string) => [
  {
    type: "m.room.encryption",
    state_key: "",
    room_id: roomId,
    content: { algorithm: "m.megolm.v1.aes-sha2" },
  },
  { type: "m.room.join_rules", state_key: "", room_id: roomId, content: { join_rule: "invite" } },
  {
    type: "m.room.history_visibility",
    state_key: "",
    room_id: roomId,
    content: { history_visibility: "joined" },
  },
  {
    type: "m.room.member",
    state_key: "@mallory:example.org",
    room_id: roomId,
    content: { membership: "join" },
  },
];

function countingClient() {
  const asked: string[] = [];
  const client = {
    getSafeUserId: () => HUB,
    roomState: async (roomId: string) => {
      asked.push(roomId);
      await new Promise((r) => setTimeout(r, 20));
      return state(roomId);
    },
  } as unknown as MatrixClient;
  return { client, asked };
}

const rule = (p: Promise<unknown>) =>
  p.then(
    () => "sent",
    (e: unknown) => (e as { issues?: { rule: string }[] }).issues?.[0]?.rule,
  );

describe("assertRoomSafe's state request", () => {
  it("is shared by the checks of a room that start together, and asked again afterwards", async () => {
    const { client, asked } = countingClient();
    const together = await Promise.all(
      Array.from({ length: 5 }, () => rule(assertRoomSafe(client, "!a:example.org", ["@alice:example.org"]))),
    );
    expect(together).toEqual(Array(5).fill("room.stranger"));
    expect(asked).toEqual(["!a:example.org"]);
    expect(await rule(assertRoomSafe(client, "!a:example.org", ["@alice:example.org"]))).toBe(
      "room.stranger",
    );
    expect(asked).toEqual(["!a:example.org", "!a:example.org"]);
  });

  it("is not shared between rooms", async () => {
    const { client, asked } = countingClient();
    await Promise.all([
      rule(assertRoomSafe(client, "!a:example.org", [])),
      rule(assertRoomSafe(client, "!b:example.org", [])),
    ]);
    expect(asked.sort()).toEqual(["!a:example.org", "!b:example.org"]);
  });
});
