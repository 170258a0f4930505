/**
 * The hub as a separate process, for restart tests (run with `node hub-process.ts`). Opens the
 * journaled crypto store in HUB_STORE_DIR, logs in as HUB_USER/HUB_DEVICE, and writes JSON lines:
 * `{keys}` at start, `{room}` after creating a room (HUB_INVITE set, no HUB_ROOM), `{sent}` for
 * each text sent on a `send <body>` stdin line, `{decrypted}` / `{utd}` for messages from others.
 */
import { createInterface } from "node:readline";
import { MatrixEventEvent, RoomEvent, type MatrixEvent } from "matrix-js-sdk";
import { createMatrixClient, MatrixSheetTransport, startSyncing } from "../../../src/matrix/index.ts";
import { openJournaledIndexedDB } from "../../../src/matrix/idb-journal.ts";

const env = (k: string): string => {
  const v = process.env[k];
  if (v === undefined || v === "") throw new Error(`hub-process: ${k} is not set`);
  return v;
};
const out = (o: object): void => {
  process.stdout.write(`${JSON.stringify(o)}\n`);
};

await openJournaledIndexedDB(env("HUB_STORE_DIR"));
const userId = env("HUB_USER");
const client = await createMatrixClient({
  baseUrl: env("HUB_BASE_URL"),
  userId,
  deviceId: env("HUB_DEVICE"),
  accessToken: env("HUB_TOKEN"),
  cryptoStore: {
    kind: "indexeddb",
    prefix: "passerelle-hub",
    storageKey: Buffer.from(env("HUB_STORAGE_KEY"), "hex"),
  },
});
const keys = await client.getCrypto()!.getOwnDeviceKeys();
out({ keys });

const seen = new Set<string>();
const report = (e: MatrixEvent): void => {
  if (e.getSender() === userId || e.isBeingDecrypted() || seen.has(e.getId() ?? "")) return;
  if (e.isDecryptionFailure()) {
    out({ utd: e.getId() });
  } else if (e.getType() === "m.room.message") {
    seen.add(e.getId() ?? "");
    out({ decrypted: e.getContent<{ body?: string }>().body });
  }
};
client.on(RoomEvent.Timeline, (e) => {
  if (e.isEncrypted() && e.isBeingDecrypted())
    e.once(MatrixEventEvent.Decrypted, () => {
      report(e);
    });
  else report(e);
});
client.on(MatrixEventEvent.Decrypted, report);
await startSyncing(client);

let room = process.env.HUB_ROOM;
if (room === undefined || room === "") {
  room = await new MatrixSheetTransport(client).createRoom("RESTART1", [env("HUB_INVITE")]);
  out({ room });
}
const roomId = room;
for await (const line of createInterface({ input: process.stdin })) {
  if (line.startsWith("send ")) {
    const { event_id } = await client.sendTextMessage(roomId, line.slice(5));
    out({ sent: event_id });
  }
}
