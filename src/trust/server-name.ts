/**
 * Matrix server names, per the Matrix specification, Appendices, "Server Name":
 *
 *     server_name = hostname [ ":" port ]            port        = 1*5DIGIT
 *     hostname    = IPv4address / "[" IPv6address "]" / dns-name
 *     IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT   (each 0–255)
 *     IPv6address = 2*45IPv6char   (0-9, A-F, a-f, ":", ".")
 *     dns-name    = 1*255dns-char  (DIGIT / ALPHA / "-" / ".")
 *
 * and the server name of a user id (Appendices, "User Identifiers": `@localpart:domain`, where
 * the localpart holds no `:` and the domain is a server name).
 *
 * Two server names are the same server when their canonical forms are equal: the host without
 * regard to case (DNS names are case-insensitive, RFC 4343; so are IPv6 hex digits), an IPv6
 * literal in its RFC 5952 form, an IPv4 literal without leading zeros. The port is part of the
 * name: `chu.example` and `chu.example:8448` are two server names (server discovery resolves a
 * name with an explicit port directly, without `.well-known` delegation; federation API, "Resolving
 * server names").
 */

const PORT = /^\d{1,5}$/;
const IPV4 = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;
const IPV6 = /^[0-9A-Fa-f:.]{2,45}$/;
const DNS = /^[0-9A-Za-z.-]{1,255}$/;

/** A parsed server name: canonical host (lower case) and the port if one was given. */
export interface ServerName {
  readonly host: string;
  readonly port?: number;
}

function canonicalHost(hostname: string): string | undefined {
  if (hostname.startsWith("[")) {
    if (!hostname.endsWith("]") || !IPV6.test(hostname.slice(1, -1))) return undefined;
    try {
      // The WHATWG URL parser validates the IPv6 literal and prints it in RFC 5952 form.
      return new URL(`http://${hostname}/`).hostname;
    } catch {
      return undefined;
    }
  }
  const v4 = IPV4.exec(hostname);
  if (v4 !== null) {
    const parts = v4.slice(1).map(Number);
    return parts.every((n) => n <= 255) ? parts.join(".") : undefined;
  }
  return DNS.test(hostname) ? hostname.toLowerCase() : undefined;
}

/** Parses a server name; undefined when it does not follow the grammar. */
export function parseServerName(name: string): ServerName | undefined {
  const close = name.lastIndexOf("]");
  const colon = name.indexOf(":", close + 1);
  const hostname = colon < 0 ? name : name.slice(0, colon);
  const portText = colon < 0 ? undefined : name.slice(colon + 1);
  const host = canonicalHost(hostname);
  if (host === undefined) return undefined;
  if (portText === undefined) return { host };
  if (!PORT.test(portText) || Number(portText) > 65_535) return undefined;
  return { host, port: Number(portText) };
}

/** The canonical text of a server name (`host` or `host:port`); undefined when it is not one. */
export function canonicalServerName(name: string): string | undefined {
  const s = parseServerName(name);
  return s === undefined ? undefined : s.port === undefined ? s.host : `${s.host}:${String(s.port)}`;
}

/** The canonical server name of a user id `@localpart:server_name`; undefined when it is not one. */
export function serverOfUserId(userId: string): string | undefined {
  if (!userId.startsWith("@") || userId.length > 255) return undefined;
  const colon = userId.indexOf(":");
  if (colon < 2) return undefined;
  return canonicalServerName(userId.slice(colon + 1));
}
