/**
 * User registration through Synapse's shared-secret admin API (`/_synapse/admin/v1/register`):
 * GET a nonce, then POST with `mac` = HMAC-SHA1(secret, nonce \0 user \0 password \0 admin|notadmin).
 * See https://element-hq.github.io/synapse/latest/admin_api/register_api.html.
 */
import { createHmac } from "node:crypto";
import { PasserelleError } from "../core/errors.ts";

export interface RegisteredUser {
  readonly userId: string;
  readonly accessToken: string;
  readonly deviceId: string;
  readonly password: string;
}

const LOCALPART = /^[a-z0-9._=\-/+]+$/;

/** Registers `localpart` and returns its first login (access token and device). */
export async function registerWithSharedSecret(
  baseUrl: string,
  sharedSecret: string,
  user: { localpart: string; password: string; admin?: boolean },
): Promise<RegisteredUser> {
  if (!LOCALPART.test(user.localpart)) {
    throw new PasserelleError("VALIDATION_FAILED", "invalid Matrix localpart (allowed: a-z 0-9 . _ = - / +)");
  }
  if (user.password.length === 0) throw new PasserelleError("VALIDATION_FAILED", "empty password");
  const url = `${baseUrl}/_synapse/admin/v1/register`;
  const nonceRes = await fetch(url);
  if (!nonceRes.ok)
    throw new PasserelleError("IO_ERROR", `register: nonce request failed (HTTP ${nonceRes.status})`);
  const { nonce } = (await nonceRes.json()) as { nonce: string };
  const admin = user.admin === true;
  const mac = createHmac("sha1", sharedSecret)
    .update([nonce, user.localpart, user.password, admin ? "admin" : "notadmin"].join("\0"))
    .digest("hex");
  const res = await fetch(url, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ nonce, username: user.localpart, password: user.password, admin, mac }),
  });
  const body = (await res.json()) as {
    user_id?: string;
    access_token?: string;
    device_id?: string;
    errcode?: string;
  };
  if (
    !res.ok ||
    body.user_id === undefined ||
    body.access_token === undefined ||
    body.device_id === undefined
  ) {
    const code = res.status === 400 && body.errcode === "M_USER_IN_USE" ? "CONFLICT" : "IO_ERROR";
    throw new PasserelleError(code, `register: HTTP ${res.status} ${body.errcode ?? ""}`.trim());
  }
  return {
    userId: body.user_id,
    accessToken: body.access_token,
    deviceId: body.device_id,
    password: user.password,
  };
}
