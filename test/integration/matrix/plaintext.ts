/**
 * What a homeserver (and a push gateway) sees of a room in clear: its state events, the envelopes
 * of its events (client-server API `/rooms/{id}/state`, `/messages`), what the recipient's
 * notifications list (`/notifications`, the events push rules matched: what a push gateway is
 * handed), and the media repository's answer for an attachment (headers and bytes). Tests scan it
 * all for patient data.
 */
import { Direction, type MatrixClient } from "matrix-js-sdk";

/** The patient strings of a sheet's data that must never appear in clear. */
export function patientNeedles(data: unknown): string[] {
  const p: Record<string, unknown> = (data as { patient?: Record<string, unknown> }).patient ?? {};
  const out: string[] = [];
  for (const k of ["lastName", "birthName", "firstNames", "usedFirstName", "ins", "address", "phone"]) {
    const v = p[k];
    if (typeof v === "string" && v.length >= 3) out.push(v, ...(k === "firstNames" ? v.split(/\s+/) : []));
  }
  const born = p.birthDate;
  if (typeof born === "string") out.push(born, born.split("-").reverse().join("/"));
  return out.filter((s) => s.length >= 3);
}

/** Which needles `text` contains, as written or upper-cased (JSON `\u` escapes decoded first). */
export function leaks(text: string, needles: readonly string[]): string[] {
  let hay = text;
  try {
    hay = JSON.stringify(JSON.parse(text));
  } catch {
    // not JSON: scanned as is
  }
  return needles.filter((n) => hay.includes(n) || hay.includes(n.toUpperCase()));
}

async function get(client: MatrixClient, path: string): Promise<Response> {
  return fetch(`${client.baseUrl}${path}`, {
    headers: { authorization: `Bearer ${client.getAccessToken() ?? ""}` },
  });
}

/** Everything of `roomId` a server sees in clear, as one JSON text per part. */
export async function clearView(
  client: MatrixClient,
  roomId: string,
): Promise<{ state: string; envelopes: string; notifications: string; eventTypes: string[] }> {
  const room = encodeURIComponent(roomId);
  const state = await (await get(client, `/_matrix/client/v3/rooms/${room}/state`)).text();
  const chunk: unknown[] = [];
  let from: string | null = null;
  for (;;) {
    const res = await client.createMessagesRequest(roomId, from, 500, Direction.Backward);
    chunk.push(...res.chunk);
    if (res.end === undefined || res.end === from || res.chunk.length === 0) break;
    from = res.end;
  }
  const notifications = await (await get(client, "/_matrix/client/v3/notifications?limit=1000")).text();
  const eventTypes = (chunk as { type: string; state_key?: string }[])
    .filter((e) => e.state_key === undefined)
    .map((e) => e.type);
  return { state, envelopes: JSON.stringify(chunk), notifications, eventTypes };
}

/** The media repository's answer for `mxc`: content type, disposition, and the bytes. */
export async function clearMedia(
  client: MatrixClient,
  mxc: string,
): Promise<{ contentType: string; disposition: string; bytes: Buffer }> {
  const [, server = "", id = ""] = /^mxc:\/\/([^/]+)\/(.+)$/.exec(mxc) ?? [];
  const res = await get(client, `/_matrix/client/v1/media/download/${encodeURIComponent(server)}/${id}`);
  return {
    contentType: res.headers.get("content-type") ?? "",
    disposition: res.headers.get("content-disposition") ?? "",
    bytes: Buffer.from(await res.arrayBuffer()),
  };
}
