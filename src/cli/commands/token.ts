/**
 * `token issue --role ROLE [--rpps R] [--ttl 8h]`: prints a JWT signed by the local issuer (the
 * data directory's `api-token-key.pem`) for service accounts and the demo. With `--rpps` the
 * member must be active in the directory and hold the role (the API re-checks on every request).
 */
import { issueLocalToken, loadLocalIssuerKey, parseTtl } from "../../api/index.ts";
import { PasserelleError } from "../../core/index.ts";
import type { Role } from "../../directory/index.ts";
import { DirectoryRepository, ROLES } from "../../directory/index.ts";
import { UsageError, parse } from "../args.ts";
import type { CommandHandler } from "../io.ts";
import { EXIT } from "../io.ts";
import { withKernel } from "../../kernel.ts";
import { cliConfig } from "../context.ts";

const issue: CommandHandler = async (args, io) => {
  const { values } = parse(args, {
    role: { type: "string" },
    rpps: { type: "string" },
    ttl: { type: "string" },
  });
  const role = ROLES.find((r): r is Role => r === values.role);
  if (role === undefined)
    throw new UsageError(`usage: token issue --role ${ROLES.join("|")} [--rpps R] [--ttl 8h]`);
  const ttlSeconds = parseTtl(values.ttl ?? "8h");
  if (ttlSeconds === undefined) throw new UsageError("--ttl must be like 30m, 8h or 2d (at most 30 days)");
  const rpps = values.rpps;
  if (rpps !== undefined && !/^\d{11}$/.test(rpps)) throw new UsageError("--rpps must be 11 digits");
  const token = await withKernel(cliConfig(io), async ({ config, db }) => {
    if (rpps !== undefined) {
      const m = await new DirectoryRepository(db.knex).findByRpps(rpps);
      if (m === undefined || !m.active)
        throw new PasserelleError("NOT_FOUND", "no active member with this RPPS");
      if (!m.roles.includes(role))
        throw new PasserelleError("FORBIDDEN", `the member does not hold the role ${role}`);
    }
    const key = await loadLocalIssuerKey(config.dataDir);
    return issueLocalToken(key, { role, ttlSeconds, ...(rpps === undefined ? {} : { rpps }) });
  });
  io.out(token);
  return EXIT.ok;
};

/** `passerelle token issue`. */
export const tokenCommands: Record<string, CommandHandler> = { issue };
