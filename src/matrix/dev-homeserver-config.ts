/**
 * The settings Passerelle layers over Synapse's generated `homeserver.yaml` for a local,
 * single-machine homeserver (tests, demo). Keys follow the Synapse configuration manual
 * (https://element-hq.github.io/synapse/latest/usage/configuration/config_documentation.html);
 * rate-limit keys were checked against `synapse/config/ratelimiting.py` of the pinned version.
 */
import path from "node:path";

const UNLIMITED = { per_second: 10_000, burst_count: 100_000 };

/** The override document (written as JSON, which YAML accepts). */
export function synapseOverrides(o: {
  dir: string;
  port: number;
  sharedSecret: string;
}): Record<string, unknown> {
  return {
    listeners: [
      {
        port: o.port,
        bind_addresses: ["127.0.0.1"],
        type: "http",
        tls: false,
        x_forwarded: false,
        resources: [{ names: ["client"], compress: false }],
      },
    ],
    database: { name: "sqlite3", args: { database: path.join(o.dir, "homeserver.db") } },
    media_store_path: path.join(o.dir, "media_store"),
    max_upload_size: "50M",
    registration_shared_secret: o.sharedSecret,
    enable_registration: false,
    bcrypt_rounds: 4,
    trusted_key_servers: [],
    suppress_key_server_warning: true,
    report_stats: false,
    presence: { enabled: false },
    url_preview_enabled: false,
    rc_message: UNLIMITED,
    rc_registration: UNLIMITED,
    rc_registration_token_validity: UNLIMITED,
    rc_login: { address: UNLIMITED, account: UNLIMITED, failed_attempts: UNLIMITED },
    rc_admin_redaction: UNLIMITED,
    rc_joins: { local: UNLIMITED, remote: UNLIMITED },
    rc_joins_per_room: UNLIMITED,
    rc_key_requests: UNLIMITED,
    rc_3pid_validation: UNLIMITED,
    rc_invites: { per_room: UNLIMITED, per_user: UNLIMITED, per_issuer: UNLIMITED },
    rc_third_party_invite: UNLIMITED,
    rc_media_create: UNLIMITED,
    rc_delayed_event_mgmt: UNLIMITED,
    rc_room_creation: UNLIMITED,
    rc_reports: UNLIMITED,
    rc_user_directory: UNLIMITED,
    rc_profile: UNLIMITED,
    rc_presence: { per_user: UNLIMITED },
  };
}
