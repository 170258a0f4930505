/**
 * Download of an encrypted attachment from the media repository with authenticated media
 * (client-server API §10.x "Content repository", `GET /_matrix/client/v1/media/download/{serverName}/{mediaId}`),
 * then decryption and hash check (see ./attachment.ts).
 */
import type { MatrixClient } from "matrix-js-sdk";
import { PasserelleError } from "../core/errors.ts";
import { decryptAttachment, type EncryptedFile } from "./attachment.ts";

const MXC = /^mxc:\/\/([^/]+)\/([A-Za-z0-9_-]+)$/;

/** Fetches `file.url` with the client's access token and returns the decrypted bytes. */
export async function downloadEncryptedFile(client: MatrixClient, file: EncryptedFile): Promise<Buffer> {
  const m = MXC.exec(file.url);
  if (!m) throw new PasserelleError("VALIDATION_FAILED", "EncryptedFile: url is not an mxc:// URI");
  const [, server = "", mediaId = ""] = m;
  const url = `${client.baseUrl}/_matrix/client/v1/media/download/${encodeURIComponent(server)}/${mediaId}`;
  const res = await fetch(url, { headers: { authorization: `Bearer ${client.getAccessToken() ?? ""}` } });
  if (!res.ok) throw new PasserelleError("IO_ERROR", `media download failed (HTTP ${res.status})`);
  return decryptAttachment(new Uint8Array(await res.arrayBuffer()), file);
}
