/**
 * A demo CPTS member's own Matrix client (matrix-js-sdk, Rust crypto), logged in with the demo
 * password on the service's embedded homeserver: joins the transfer rooms, decrypts, replies `!ack`.
 */
import type { MatrixClient } from "matrix-js-sdk";
import { EventType, MsgType } from "matrix-js-sdk";
import { createMatrixClient, startSyncing } from "../../../src/matrix/index.ts";
import { autoJoin } from "../../helpers/matrix-recipient.ts";

export async function memberClient(baseUrl: string, userId: string, password: string): Promise<MatrixClient> {
  const res = await fetch(`${baseUrl}/_matrix/client/v3/login`, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: JSON.stringify({
      type: "m.login.password",
      identifier: { type: "m.id.user", user: userId },
      password,
      initial_device_display_name: "web e2e test",
    }),
  });
  if (!res.ok) throw new Error(`login of ${userId} failed: ${String(res.status)}`);
  const login = (await res.json()) as { user_id: string; access_token: string; device_id: string };
  const client = await createMatrixClient({
    baseUrl,
    userId: login.user_id,
    accessToken: login.access_token,
    deviceId: login.device_id,
  });
  await startSyncing(client);
  // Like any Element user: cross-signing set up, so the SDK encrypts the `!ack` reply.
  await client.getCrypto()!.bootstrapCrossSigning({
    authUploadDeviceSigningKeys: (makeRequest) =>
      makeRequest(null).then(
        () => undefined,
        (e: unknown) =>
          makeRequest({
            type: "m.login.password",
            identifier: { type: "m.id.user", user: userId },
            password,
            session: (e as { data?: { session?: string } }).data?.session,
          }).then(() => undefined),
      ),
  });
  autoJoin(client);
  return client;
}

/** The legal acknowledgement: an `!ack` rich reply to the sheet, encrypted by the client (reactions never are). */
export const replyAck = (c: MatrixClient, roomId: string, eventId: string) =>
  c.sendEvent(roomId, EventType.RoomMessage, {
    msgtype: MsgType.Text,
    body: "!ack",
    "m.relates_to": { "m.in_reply_to": { event_id: eventId } },
  });
