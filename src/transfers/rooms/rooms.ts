/**
 * The room of a transfer context (see `context.ts` for the mapping): looked up in
 * `transfer_rooms`, else created through the {@link SheetTransport} with the recipients invited.
 *
 * Within a process, creations of one context are serialised (a promise per context key). Two
 * processes creating the first room of one new context at the same instant can both create a
 * room; the first mapping committed wins (`on conflict do nothing`, then re-read) and the other
 * room stays empty — no sheet is ever sent to it.
 */
import type { SheetTransport } from "../../matrix/index.ts";
import type { Database } from "../../storage/index.ts";
import { newRoomReference } from "./context.ts";
import { TransferRepository } from "../record/index.ts";

const creating = new Map<string, Promise<string>>();

/**
 * The room of `contextKey`, created (encrypted, invite-only, `invite` invited) if there is none.
 * `created` is true for the transfers that waited for this very creation (the room may not have
 * reached the hub's sync yet).
 */
export async function ensureRoom(
  db: Database,
  transport: SheetTransport,
  contextKey: string,
  invite: readonly string[],
  now: () => Date,
): Promise<{ roomId: string; created: boolean }> {
  const existing = await new TransferRepository(db.knex).roomOf(contextKey);
  if (existing !== undefined) return { roomId: existing, created: false };
  const pending = creating.get(contextKey);
  // Just made for a concurrent transfer: as new to the hub's sync as for the one that made it.
  if (pending !== undefined) return { roomId: await pending, created: true };
  const make = (async () => {
    const reference = newRoomReference();
    const roomId = await transport.createRoom(reference, invite);
    await db
      .knex("transfer_rooms")
      .insert({ context_key: contextKey, room_id: roomId, reference, created_at: now().toISOString() })
      .onConflict("context_key")
      .ignore();
    return (await new TransferRepository(db.knex).roomOf(contextKey)) ?? roomId;
  })();
  creating.set(contextKey, make);
  try {
    return { roomId: await make, created: true };
  } finally {
    creating.delete(contextKey);
  }
}
