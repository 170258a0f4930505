import { resolve } from "node:path";
import type { FieldIssue } from "../core/index.ts";
import type { RawConfig } from "./config.ts";
import { issue, value } from "./issues.ts";

/**
 * The hub's homeserver. `embedded` (no `PASSERELLE_HOMESERVER_URL`): the run command starts a local
 * Synapse for a demo CPTS. `external`: a real homeserver, with the hub's user and a password (first
 * login; the session is then kept in the data directory) or an access token.
 */
export type MatrixConfig =
  | { readonly mode: "embedded" }
  | {
      readonly mode: "external";
      readonly homeserverUrl: string;
      readonly userId: string;
      readonly password?: string;
      readonly accessToken?: string;
    };

/** The establishment's signing keystore; `dev` makes and uses a development PKI in the data dir. */
export type SignerConfig =
  { readonly mode: "dev" } | { readonly mode: "p12"; readonly p12Path: string; readonly passphrase: string };

const MXID = /^@[a-z0-9._=\-/+]+:[A-Za-z0-9.-]+(:\d{1,5})?$/;

export function parseMatrix(env: RawConfig, issues: FieldIssue[]): MatrixConfig {
  const url = value(env.PASSERELLE_HOMESERVER_URL);
  const userId = value(env.PASSERELLE_MATRIX_USER_ID);
  const password = value(env.PASSERELLE_MATRIX_PASSWORD);
  const accessToken = value(env.PASSERELLE_MATRIX_ACCESS_TOKEN);
  if (url === undefined) {
    for (const [key, v] of [
      ["PASSERELLE_MATRIX_USER_ID", userId],
      ["PASSERELLE_MATRIX_PASSWORD", password],
      ["PASSERELLE_MATRIX_ACCESS_TOKEN", accessToken],
    ] as const) {
      if (v !== undefined) {
        issues.push(
          issue(key, "requires", "needs PASSERELLE_HOMESERVER_URL", "nécessite PASSERELLE_HOMESERVER_URL"),
        );
      }
    }
    return { mode: "embedded" };
  }
  if (!/^https?:\/\/[^/\s]+/.test(url) || !URL.canParse(url)) {
    issues.push(
      issue("PASSERELLE_HOMESERVER_URL", "url", "must be an http(s) URL", "doit être une URL http(s)"),
    );
  }
  if (userId === undefined || !MXID.test(userId)) {
    issues.push(
      issue(
        "PASSERELLE_MATRIX_USER_ID",
        "mxid",
        "must be a Matrix user id like @passerelle:example.org",
        "doit être un identifiant Matrix comme @passerelle:example.org",
      ),
    );
  }
  if (password === undefined && accessToken === undefined) {
    issues.push(
      issue(
        "PASSERELLE_MATRIX_PASSWORD",
        "required",
        "a password or PASSERELLE_MATRIX_ACCESS_TOKEN is required",
        "un mot de passe ou PASSERELLE_MATRIX_ACCESS_TOKEN est requis",
      ),
    );
  }
  return {
    mode: "external",
    homeserverUrl: url.replace(/\/+$/, ""),
    userId: userId ?? "",
    ...(password === undefined ? {} : { password }),
    ...(accessToken === undefined ? {} : { accessToken }),
  };
}

export function parseSigner(env: RawConfig, cwd: string, issues: FieldIssue[]): SignerConfig {
  const p12 = value(env.PASSERELLE_SIGNER_P12);
  const passphrase = env.PASSERELLE_SIGNER_PASSPHRASE;
  if (p12 === undefined) return { mode: "dev" };
  if (passphrase === undefined || passphrase === "") {
    issues.push(
      issue(
        "PASSERELLE_SIGNER_PASSPHRASE",
        "required",
        "is required with PASSERELLE_SIGNER_P12",
        "est requise avec PASSERELLE_SIGNER_P12",
      ),
    );
  }
  return { mode: "p12", p12Path: resolve(cwd, p12), passphrase: passphrase ?? "" };
}
