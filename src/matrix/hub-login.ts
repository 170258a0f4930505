/**
 * Password login and token check over plain HTTP (client-server API):
 * - `POST /_matrix/client/v3/login` with `type: "m.login.password"`, a user identifier
 *   (`m.id.user`), and — when re-logging an existing device — `device_id`: "ID of the client
 *   device. If this does not correspond to a known client device, a new device will be created."
 *   (§5.5.2 "Login"). Reusing the id keeps the device and its keys: recipients need no new olm
 *   sessions and the cross-signing signature stays valid.
 * - `GET /_matrix/client/v3/account/whoami` (§5.7) to test a stored token: `401 M_UNKNOWN_TOKEN`
 *   means the token is gone (soft logout or expired), not that the device is.
 *
 * Never `POST /logout`: it deletes the device and its keys. Errors carry the HTTP status and the
 * Matrix errcode only — never the password or token.
 */
import { PasserelleError } from "../core/errors.ts";
import type { HubSession } from "./hub-secrets.ts";

interface MatrixErrorBody {
  errcode?: string;
  user_id?: string;
  device_id?: string;
  access_token?: string;
}

async function post(
  url: string,
  body: object,
  token?: string,
): Promise<{ status: number; json: MatrixErrorBody }> {
  const res = await fetch(url, {
    method: body === GET ? "GET" : "POST",
    headers: {
      "content-type": "application/json",
      ...(token === undefined ? {} : { authorization: `Bearer ${token}` }),
    },
    ...(body === GET ? {} : { body: JSON.stringify(body) }),
    signal: AbortSignal.timeout(30_000),
  });
  const json = (await res.json().catch(() => ({}))) as MatrixErrorBody;
  return { status: res.status, json };
}
const GET = {};

/** Logs in with the password; pass `deviceId` to keep an existing device. */
export async function passwordLogin(
  baseUrl: string,
  userId: string,
  password: string,
  deviceId?: string,
): Promise<HubSession> {
  const { status, json } = await post(`${baseUrl}/_matrix/client/v3/login`, {
    type: "m.login.password",
    identifier: { type: "m.id.user", user: userId },
    password,
    ...(deviceId === undefined ? {} : { device_id: deviceId }),
    initial_device_display_name: "Passerelle hub",
  });
  if (status !== 200 || !json.user_id || !json.device_id || !json.access_token) {
    const code = status === 403 ? "FORBIDDEN" : "IO_ERROR";
    throw new PasserelleError(code, `matrix login failed: HTTP ${status} ${json.errcode ?? ""}`.trim());
  }
  if (deviceId !== undefined && json.device_id !== deviceId)
    throw new PasserelleError("IO_ERROR", "matrix login: the server did not keep the requested device id");
  return { userId: json.user_id, deviceId: json.device_id, accessToken: json.access_token };
}

export type TokenCheck =
  | { readonly ok: true; readonly userId: string; readonly deviceId?: string }
  | { readonly ok: false; readonly errcode: string };

/** Whether `token` is still accepted; `{ ok: false }` only for `M_UNKNOWN_TOKEN` (other failures throw). */
export async function whoami(baseUrl: string, token: string): Promise<TokenCheck> {
  const { status, json } = await post(`${baseUrl}/_matrix/client/v3/account/whoami`, GET, token);
  if (status === 200 && json.user_id) return { ok: true, userId: json.user_id, deviceId: json.device_id };
  if (status === 401 && json.errcode === "M_UNKNOWN_TOKEN") return { ok: false, errcode: json.errcode };
  throw new PasserelleError("IO_ERROR", `matrix whoami failed: HTTP ${status} ${json.errcode ?? ""}`.trim());
}
