/**
 * Demo logins for the embedded default: one per (demo member, directory role), signed by the local
 * issuer for 8 hours. Only ever wired when the service runs its own Synapse and demo CPTS. At each
 * login the directory is asked again: a member removed since start-up (or who lost the role) gets
 * no token (403), as the API would refuse that token anyway.
 */
import type { LocalIssuerKey } from "../api/index.ts";
import { issueLocalToken } from "../api/index.ts";
import type { Clock, PasserelleError } from "../core/index.ts";
import type { DemoMember } from "../demo/cpts.ts";
import { DEMO_UNITS } from "../demo/cpts.ts";
import { fieldError } from "../core/index.ts";
import type { Member, Role } from "../directory/index.ts";
import type { DemoAccount, WebOptions } from "./router.ts";

const ROLE_FR: Record<DemoMember["roles"][number], string> = {
  sender: "équipe de sortie",
  recipient: "destinataire",
  specialist: "spécialiste (télé-expertise)",
  coordinator: "coordination CPTS",
  auditor: "audit",
};
const PROFESSION_FR: Record<DemoMember["professionCode"], string> = {
  "10": "médecin",
  "21": "pharmacien(ne)",
  "60": "infirmier(ère)",
};
export const DEMO_TOKEN_TTL_SECONDS = 8 * 3600;

/** What a login asks the directory: the member by RPPS (removed members too, with `active` false). */
export interface DemoDirectory {
  findByRpps(rpps: string): Promise<Pick<Member, "active" | "roles"> | undefined>;
}

const notAMember = (): PasserelleError =>
  fieldError(
    "FORBIDDEN",
    "this demo member is no longer in the directory with this role",
    "rpps",
    "activeMember",
    { en: "not an active member with this role", fr: "pas un membre actif avec ce rôle" },
  );

export function demoWebOptions(
  members: readonly DemoMember[],
  key: LocalIssuerKey,
  clock: Clock,
  directory: DemoDirectory,
): WebOptions {
  const accounts: DemoAccount[] = members.flatMap((m) =>
    m.roles.map((role) => ({
      name: m.name,
      rpps: m.rpps,
      role,
      label: [
        ROLE_FR[role],
        PROFESSION_FR[m.professionCode],
        m.unit === undefined ? "ville" : DEMO_UNITS[m.unit],
      ].join(" · "),
    })),
  );
  return {
    demo: {
      accounts,
      issueToken: async (a) => {
        const m = await directory.findByRpps(a.rpps);
        if (m?.active !== true || !m.roles.includes(a.role as Role)) throw notAMember();
        return issueLocalToken(
          key,
          { role: a.role as Role, rpps: a.rpps, ttlSeconds: DEMO_TOKEN_TTL_SECONDS },
          clock,
        );
      },
    },
  };
}
