/**
 * The settings Passerelle layers over Synapse's generated `homeserver.yaml` for a local,
 * single-machine homeserver (tests, demo). Keys follow the Synapse configuration manual
 * (https://element-hq.github.io/synapse/latest/usage/configuration/config_documentation.html);
 * rate-limit keys were checked against `synapse/config/ratelimiting.py` of the pinned version.
 */
import path from "node:path";

const UNLIMITED = { per_second: 10_000, burst_count: 100_000 };

/**
 * Federation over TLS on 127.0.0.1, for tests of several homeservers: a TLS listener serving the
 * federation and key APIs, certificates checked against a dev CA (`federation_custom_ca_list`),
 * loopback allowed as a federation destination (`federation_ip_range_blacklist` emptied; Synapse
 * refuses private addresses by default), and optionally only the listed servers (`federation_domain_whitelist`).
 */
export interface FederationOptions {
  /** Port of the TLS federation listener: the server name should be `127.0.0.1:<port>`. */
  readonly port: number;
  readonly certPath: string;
  readonly keyPath: string;
  /** The dev CA that signed every federating server's certificate. */
  readonly caPath: string;
  /** Server names this one federates with (itself included); all when absent. */
  readonly domains?: readonly string[];
}

function federationOverrides(f: FederationOptions): Record<string, unknown> {
  return {
    tls_certificate_path: f.certPath,
    tls_private_key_path: f.keyPath,
    federation_verify_certificates: true,
    federation_custom_ca_list: [f.caPath],
    federation_client_minimum_tls_version: "1.2",
    // Only 0.0.0.0 and :: stay blocked. `ip_range_whitelist` would not do: the check of server names
    // that are IP literals uses the block list alone (synapse/http/matrixfederationclient.py).
    federation_ip_range_blacklist: [],
    ...(f.domains === undefined ? {} : { federation_domain_whitelist: [...f.domains] }),
  };
}

/** The override document (written as JSON, which YAML accepts). */
export function synapseOverrides(o: {
  dir: string;
  port: number;
  sharedSecret: string;
  federation?: FederationOptions;
}): Record<string, unknown> {
  const f = o.federation;
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
      ...(f === undefined
        ? []
        : [
            {
              port: f.port,
              bind_addresses: ["127.0.0.1"],
              type: "http",
              tls: true,
              x_forwarded: false,
              resources: [{ names: ["federation"], compress: false }],
            },
          ]),
    ],
    ...(f === undefined ? {} : federationOverrides(f)),
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
