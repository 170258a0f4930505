/**
 * What an acknowledgement proves about the device that sent it. An event that arrived as
 * `m.room.encrypted` (megolm, client-server API §11.12.4.4 "m.megolm.v1.aes-sha2") and that the
 * hub decrypted carries the sender's Curve25519 identity key and claimed Ed25519 key: the device
 * of the sender's account whose published keys (`/keys/query`, §11.12.3) are these is the device
 * that encrypted it. An event sent in clear proves nothing beyond the homeserver's word.
 *
 * matrix-js-sdk 43 with Rust crypto does not name the sending device of a decrypted event
 * (`getEncryptionInfoForEvent` gives a shield colour only), hence the look-up by keys here.
 */
import type { MatrixClient, MatrixEvent } from "matrix-js-sdk";

/** Whether an acknowledgement was sent encrypted by a device of its sender's account. */
export type AckProof =
  | { readonly proven: true; readonly deviceId: string }
  | { readonly proven: false; readonly reason: "unencrypted" | "unknown_device" };

const UNKNOWN: AckProof = { proven: false, reason: "unknown_device" };

/** The proof `ev` (decrypted, from another user) gives of its sending device. */
export async function ackProof(client: MatrixClient, ev: MatrixEvent): Promise<AckProof> {
  if (!ev.isEncrypted()) return { proven: false, reason: "unencrypted" };
  const sender = ev.getSender();
  const curve = ev.getSenderKey();
  const ed = ev.getClaimedEd25519Key();
  const crypto = client.getCrypto();
  if (sender === undefined || curve === null || crypto === undefined) return UNKNOWN;
  let devices;
  try {
    devices = (await crypto.getUserDeviceInfo([sender], true)).get(sender);
  } catch {
    return UNKNOWN;
  }
  for (const d of devices?.values() ?? []) {
    if (d.getIdentityKey() === curve && (ed === null || d.getFingerprint() === ed))
      return { proven: true, deviceId: d.deviceId };
  }
  return UNKNOWN;
}
